// Moving the requests still running on the version before a deployment: where
// they wait, where each waiting place goes in the new version (the same id is
// proposed; the analyst maps the rest), which requests cannot move and why;
// then one, a selection or all move, each whole or not at all.
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

export default class MigrationDialog {
  constructor(dialog, api, say) {
    this.dialog = dialog;
    this.api = api;
    this.say = say;
    dialog.querySelector('#migration-run').addEventListener('click', () => this.run().catch((error) => say(error.message, true)));
    dialog.querySelector('#migration-close').addEventListener('click', () => dialog.close());
  }

  /** Opens the plan for `processId`'s deployed `version`; does nothing when no request runs on the version before. */
  async open(processId, version) {
    const view = await this.api.migration(processId, version);
    if (view.requests.length === 0) return false;
    this.processId = processId;
    this.view = view;
    const $ = (selector) => this.dialog.querySelector(selector);
    $('#migration-title').textContent = `انتقال درخواست‌های در جریان به نسخهٔ ${persianNumber(view.target.version)}`;
    $('#migration-source').textContent = view.source.source === 'repository'
      ? `${persianNumber(view.requests.length)} درخواست هنوز با نسخهٔ مخزن پیش می‌رود.`
      : `${persianNumber(view.requests.length)} درخواست هنوز با نسخهٔ ${persianNumber(view.source.version)} پیش می‌رود.`;
    $('#migration-rows').replaceChildren(...view.rows.filter((row) => row.count > 0 || row.proposed === null).map((row) => this.mappingRow(row)));
    $('#migration-results').replaceChildren();
    this.renderRequests();
    this.dialog.showModal();
    return true;
  }

  mappingRow(row) {
    const tr = document.createElement('tr');
    tr.dataset.elementId = row.id;
    const select = document.createElement('select');
    select.dataset.source = row.id;
    select.append(new Option('— بدون جای تازه —', noTarget));
    for (const target of this.view.targets.filter((candidate) => candidate.type === row.type)) {
      select.append(new Option(`${target.name ?? target.id} (${target.id})`, target.id, false, target.id === row.proposed));
    }
    select.addEventListener('change', () => this.renderRequests());
    const cells = [named(row), persianNumber(row.count), select].map((content) => {
      const td = document.createElement('td');
      td.append(content);
      return td;
    });
    tr.append(...cells);
    return tr;
  }

  mapping() {
    return [...this.dialog.querySelectorAll('#migration-rows select')]
      .filter((select) => select.value !== noTarget)
      .map((select) => ({ sourceElementId: select.dataset.source, targetElementId: select.value }))
      // Same-id waiting places with no request are still part of the plan.
      .concat(this.view.rows.filter((row) => row.proposed && !this.dialog.querySelector(`#migration-rows select[data-source="${CSS.escape(row.id)}"]`))
        .map((row) => ({ sourceElementId: row.id, targetElementId: row.proposed })));
  }

  renderRequests() {
    const mapped = new Map(this.mapping().map((row) => [row.sourceElementId, row.targetElementId]));
    this.dialog.querySelector('#migration-requests').replaceChildren(...this.view.requests.map((request) => {
      const item = document.createElement('li');
      item.dataset.requestId = request.requestId;
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = request.requestId;
      const movable = request.elementId !== null && mapped.has(request.elementId);
      box.disabled = !movable;
      box.checked = movable;
      const label = document.createElement('label');
      label.append(box, ' ', isolated(request.trackingCode));
      if (request.elementId) label.append(' — ', isolated(request.elementId));
      item.append(label);
      if (!movable) {
        const why = document.createElement('small');
        why.textContent = ` ${request.elementId === null ? request.reasonFa : 'جایی در نسخهٔ تازه برایش تعیین نشده است'}`;
        item.append(why);
      }
      return item;
    }));
  }

  async run() {
    const chosen = [...this.dialog.querySelectorAll('#migration-requests input:checked')].map((box) => box.value);
    if (chosen.length === 0) {
      this.say('درخواستی برای انتقال برگزیده نشده است', true);
      return;
    }
    const { results } = await this.api.migrate(this.processId, this.view.target.version, this.mapping(), chosen);
    const moved = results.filter((result) => result.migrated).length;
    this.dialog.querySelector('#migration-results').replaceChildren(...results.map((result) => {
      const item = document.createElement('li');
      item.dataset.migrated = String(result.migrated);
      item.append(isolated(result.trackingCode), result.migrated ? ': منتقل شد' : `: منتقل نشد — ${result.reasonFa ?? ''}`);
      if (result.detail) item.title = result.detail;
      return item;
    }));
    this.say(`${persianNumber(moved)} درخواست منتقل شد؛ ${persianNumber(results.length - moved)} درخواست در نسخهٔ پیشین ماند`, moved < results.length);
  }
}
