// Moving the requests still running on the version before a deployment: where
// they wait and how many at each place, where each place goes in the new
// version (the same id is proposed; the analyst maps the rest, or leaves a
// place without one so its requests stay), the events they listen to
// meanwhile (kept when mapped, such as the citizen's cancellation), which
// requests cannot move and why; then one, a selection or all move, each whole
// or not at all, and the list shows them on the new version.
import { persianNumber } from './format.js';

const noTarget = '';

function isolated(text) {
  const bdi = document.createElement('bdi');
  bdi.dir = 'ltr';
  bdi.textContent = text;
  return bdi;
}

function named(element) {
  const span = document.createElement('span');
  span.append(`«${element.name ?? element.id}» `, isolated(element.id));
  return span;
}

function cell(...content) {
  const td = document.createElement('td');
  td.append(...content);
  return td;
}

function button(text, onClick) {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = text;
  element.addEventListener('click', onClick);
  return element;
}

export default class MigrationDialog {
  constructor(dialog, api, say) {
    this.dialog = dialog;
    this.api = api;
    this.say = say;
    this.results = new Map();
    const $ = (selector) => dialog.querySelector(selector);
    $('#migration-run').addEventListener('click', () => this.run().catch((error) => say(error.message, true)));
    $('#migration-close').addEventListener('click', () => dialog.close());
    $('#migration-all').addEventListener('click', () => this.choose(() => true));
    $('#migration-none').addEventListener('click', () => this.choose(() => false));
    $('#migration-requests').addEventListener('change', () => this.updateRun());
  }

  /** Opens the plan for `processId`'s deployed `version`; does nothing when no request runs on the version before. */
  async open(processId, version) {
    const view = await this.api.migration(processId, version);
    if (view.requests.length === 0) return false;
    this.processId = processId;
    this.results = new Map();
    this.dialog.querySelector('#migration-requests').replaceChildren();
    this.show(view);
    this.dialog.showModal();
    return true;
  }

  show(view) {
    this.view = view;
    const $ = (selector) => this.dialog.querySelector(selector);
    const waiting = view.requests.filter((request) => !request.moved).length;
    $('#migration-title').textContent = `انتقال درخواست‌های در جریان به نسخهٔ ${persianNumber(view.target.version)}`;
    const from = view.source.source === 'repository' ? 'نسخهٔ مخزن' : `نسخهٔ ${persianNumber(view.source.version)}`;
    $('#migration-source').textContent = waiting > 0
      ? `${persianNumber(waiting)} درخواست هنوز با ${from} پیش می‌رود. هر درخواست یکجا منتقل می‌شود یا دست‌نخورده در ${from} می‌ماند.`
      : `همهٔ درخواست‌های ${from} به نسخهٔ ${persianNumber(view.target.version)} منتقل شده‌اند.`;
    // Places with no request are mapped as proposed and not shown; the analyst decides where requests are.
    const rows = view.rows.filter((row) => row.kind !== 'event' && row.count > 0);
    $('#migration-rows').replaceChildren(...rows.map((row) => this.mappingRow(row)));
    // Once every request has moved there is nothing left to map or choose.
    for (const element of [$('#migration-rows').closest('table'), $('#migration-all'), $('#migration-none')]) element.hidden = waiting === 0;
    const events = view.rows.filter((row) => row.kind === 'event' && row.count > 0);
    $('#migration-events-section').hidden = events.length === 0;
    $('#migration-events').replaceChildren(...events.map((row) => this.mappingRow(row)));
    this.renderRequests();
  }

  mappingRow(row) {
    const tr = document.createElement('tr');
    tr.dataset.elementId = row.id;
    const select = document.createElement('select');
    select.dataset.source = row.id;
    select.setAttribute('aria-label', `جای ${row.name ?? row.id} در نسخهٔ تازه`);
    select.append(new Option(row.kind === 'event' ? '— بسته شود؛ رویداد نسخهٔ تازه باز شود —' : '— هیچ؛ در نسخهٔ پیشین بمانند —', noTarget));
    for (const target of this.view.targets.filter((candidate) => candidate.type === row.type && candidate.kind === row.kind)) {
      select.append(new Option(`${target.name ?? target.id} (${target.id})`, target.id, false, target.id === row.proposed));
    }
    select.addEventListener('change', () => this.renderRequests());
    const what = named(row);
    if (row.trigger) {
      const trigger = document.createElement('small');
      trigger.append('پیام یا زمان: ', isolated(row.trigger));
      what.append(document.createElement('br'), trigger);
    }
    const count = cell(persianNumber(row.count));
    count.className = 'count';
    const actions = row.kind === 'wait'
      ? cell(button('فقط این‌ها', () => this.choose((request) => request.elementId === row.id)))
      : cell();
    tr.append(cell(what), count, cell(select), actions);
    return tr;
  }

  /** The analyst's mapping: every select with a target, and the proposal for places not shown. */
  mapping() {
    const shown = new Set([...this.dialog.querySelectorAll('select[data-source]')].map((select) => select.dataset.source));
    return [...this.dialog.querySelectorAll('select[data-source]')]
      .filter((select) => select.value !== noTarget)
      .map((select) => ({ sourceElementId: select.dataset.source, targetElementId: select.value }))
      .concat(this.view.rows.filter((row) => row.proposed && !shown.has(row.id))
        .map((row) => ({ sourceElementId: row.id, targetElementId: row.proposed })));
  }

  /** Why `request` cannot move with the mapping on screen, or null. */
  blocked(request, mapped) {
    if (request.moved) return null;
    if (request.elementId === null) return request.reasonFa;
    if (!mapped.has(request.elementId)) return 'جایش در نسخهٔ تازه تعیین نشده است؛ در نسخهٔ پیشین می‌ماند';
    return null;
  }

  renderRequests() {
    const mapped = new Map(this.mapping().map((row) => [row.sourceElementId, row.targetElementId]));
    const sources = new Map(this.view.rows.map((row) => [row.id, row]));
    const targets = new Map(this.view.targets.map((target) => [target.id, target]));
    const checked = new Set([...this.dialog.querySelectorAll('#migration-requests input:checked')].map((box) => box.value));
    const first = !this.dialog.querySelector('#migration-requests li');
    const ordered = [...this.view.requests].sort((a, b) => Number(Boolean(a.moved)) - Number(Boolean(b.moved)));
    this.dialog.querySelector('#migration-requests').replaceChildren(...ordered.map((request) => {
      const item = document.createElement('li');
      item.dataset.requestId = request.requestId;
      const why = this.blocked(request, mapped);
      const result = this.results.get(request.requestId);
      item.dataset.state = request.moved ? 'moved' : why ? 'blocked' : 'movable';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = request.requestId;
      box.disabled = Boolean(request.moved || why);
      box.checked = !box.disabled && (first || checked.has(request.requestId));
      const label = document.createElement('label');
      // A moved request has nothing left to choose: no box.
      label.append(...(request.moved ? [] : [box, ' ']), isolated(request.trackingCode));
      const at = request.elementId ? sources.get(request.elementId) : null;
      if (request.moved) {
        label.append(` — منتقل شد؛ اکنون در نسخهٔ ${persianNumber(this.view.target.version)}`);
      } else if (at) {
        label.append(' — در ', named(at));
        // Where it goes, when that is not the same place under the same name.
        const to = targets.get(mapped.get(at.id));
        if (to && !why && (to.id !== at.id || to.name !== at.name)) label.append(' ← ', named(to));
      }
      item.append(label);
      const note = request.moved ? null : why ?? (result && !result.migrated ? `منتقل نشد: ${result.reasonFa}` : null);
      if (note) {
        const small = document.createElement('small');
        small.textContent = ` ${note}`;
        if (result?.detail) small.title = result.detail;
        item.append(small);
      }
      return item;
    }));
    this.updateRun();
  }

  /** Ticks the movable requests `which` picks, and clears the rest. */
  choose(which) {
    for (const box of this.dialog.querySelectorAll('#migration-requests input')) {
      const request = this.view.requests.find((candidate) => candidate.requestId === box.value);
      box.checked = !box.disabled && which(request);
    }
    this.updateRun();
  }

  updateRun() {
    const boxes = [...this.dialog.querySelectorAll('#migration-requests input')];
    const chosen = boxes.filter((box) => box.checked).length;
    const movable = boxes.filter((box) => !box.disabled).length;
    const run = this.dialog.querySelector('#migration-run');
    run.textContent = `انتقال ${persianNumber(chosen)} درخواست برگزیده`;
    run.disabled = chosen === 0;
    this.dialog.querySelector('#migration-chosen').textContent = `${persianNumber(chosen)} از ${persianNumber(movable)} درخواستِ جابه‌جاشدنی برگزیده است`;
  }

  async run() {
    const chosen = [...this.dialog.querySelectorAll('#migration-requests input:checked')].map((box) => box.value);
    if (chosen.length === 0) {
      this.say('درخواستی برای انتقال برگزیده نشده است', true);
      return;
    }
    const mapping = this.mapping();
    const { results } = await this.api.migrate(this.processId, this.view.target.version, mapping, chosen);
    for (const result of results) this.results.set(result.requestId, result);
    const moved = results.filter((result) => result.migrated).length;
    // The plan again: the moved requests are on the new version now; the analyst's choices stay.
    const choices = new Map([...this.dialog.querySelectorAll('select[data-source]')].map((select) => [select.dataset.source, select.value]));
    this.show(await this.api.migration(this.processId, this.view.target.version));
    for (const select of this.dialog.querySelectorAll('select[data-source]')) {
      if (choices.has(select.dataset.source)) select.value = choices.get(select.dataset.source);
    }
    this.renderRequests();
    this.say(`${persianNumber(moved)} درخواست منتقل شد؛ ${persianNumber(results.length - moved)} درخواست در نسخهٔ پیشین ماند`, moved < results.length);
  }
}
