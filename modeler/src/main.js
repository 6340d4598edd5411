// The modeler page: process list, versions, save, deploy, download and upload
// around the bpmn-js editor.
import './styles.css';
import { ApiError, ProcessApi } from './api.js';
import { createEditor } from './page/editor.js';
import { persianNumber } from './page/format.js';
import ProcessList from './page/ProcessList.js';
import VersionList from './page/VersionList.js';
import FormDialog from './page/FormDialog.js';
import DeployReview from './page/DeployReview.js';
import MigrationDialog from './page/MigrationDialog.js';

const $ = (selector) => document.querySelector(selector);
const api = new ProcessApi();
const state = { processId: null, viewing: null, dirty: false, canEdit: false };
let editor;

function say(text, isError = false) {
  const message = $('#message');
  message.textContent = text;
  message.classList.toggle('error', isError);
}

/** Persian text with a left-to-right value (an id, a rule name) isolated inside it. */
function isolated(text) {
  const bdi = document.createElement('bdi');
  bdi.dir = 'ltr';
  bdi.textContent = text;
  return bdi;
}

function showLintIssues(errors, warnings = []) {
  const summary = $('#lint-summary');
  summary.dataset.errors = String(errors.length);
  summary.dataset.warnings = String(warnings.length);
  summary.textContent = `خطای اعتبارسنجی: ${persianNumber(errors.length)} · هشدار: ${persianNumber(warnings.length)}`;
  $('#lint-errors').replaceChildren(...errors.map((issue) => {
    const item = document.createElement('li');
    item.dataset.elementId = issue.elementId;
    item.dataset.rule = issue.rule;
    const message = document.createElement('span');
    message.dir = 'auto';
    message.textContent = issue.message;
    item.append(isolated(issue.elementId), ': ', message, ' (', isolated(issue.rule), ')');
    return item;
  }));
}

function updateButtons() {
  const open = state.processId !== null;
  $('#save').disabled = !state.canEdit || !open;
  $('#deploy').disabled = !state.canEdit || !open;
  $('#download').disabled = !open;
}

function describeError(error) {
  if (error instanceof ApiError && error.status === 403) return 'فقط تحلیلگر فرایند می‌تواند ذخیره یا مستقر کند.';
  if (error instanceof ApiError && error.status === 401) return 'نام کاربری یا گذرواژه درست نیست.';
  return error.message;
}

/** The open process in the bar: its Persian name, then its id left to right (`(tree-felling-permit)` stays whole). */
function showCurrent(name, id) {
  const current = $('#current-process');
  current.replaceChildren(...(name ? [name, ' '] : []), isolated(`(${id})`));
  current.title = name ? `${name} (${id})` : id;
}

async function refreshVersions() {
  versionList.show(await api.versions(state.processId), state.viewing);
}

async function showDiagram(xml) {
  // Emptied until the linter reports on the new diagram, so nobody reads the previous one's findings.
  $('#lint-summary').textContent = '';
  $('#lint-errors').replaceChildren();
  const { warnings } = await editor.importXML(xml);
  if (warnings.length) console.warn('import warnings', warnings);
  editor.get('fittedView').fit();
  state.dirty = false;
}

async function openProcess(id) {
  const diagram = await api.open(id);
  state.processId = id;
  state.viewing = diagram.version?.version ?? null;
  await showDiagram(diagram.xml);
  const entry = processList.processes.find((process) => process.id === id);
  showCurrent(entry?.name, id);
  processList.markOpen(id);
  history.replaceState(null, '', `#${id}`);
  updateButtons();
  await refreshVersions();
  say(diagram.source === 'saved' ? `نسخه ${persianNumber(diagram.version.version)} باز شد` : 'نسخهٔ مخزن باز شد');
}

async function viewVersion(number) {
  const diagram = await api.version(state.processId, number);
  state.viewing = number;
  await showDiagram(diagram.xml);
  await refreshVersions();
  say(`نسخه ${persianNumber(number)} نمایش داده می‌شود؛ ذخیره، آن را نسخهٔ تازه می‌کند`);
}

async function save() {
  const { xml } = await editor.saveXML({ format: true });
  const { version, lint } = await api.save(state.processId, xml, $('#comment').value.trim() || undefined);
  $('#comment').value = '';
  state.viewing = version.version;
  state.dirty = false;
  await refreshVersions();
  // Saving work in progress is allowed; the server's full rule set says what a deploy would meet.
  const errors = lint.filter((issue) => issue.category === 'error' || issue.category === 'rule-error');
  say(errors.length
    ? `نسخه ${persianNumber(version.version)} ذخیره شد، با ${persianNumber(errors.length)} خطای اعتبارسنجی`
    : `نسخه ${persianNumber(version.version)} ذخیره شد`);
  return version;
}

/** Deploys after the analyst reviewed what changes against the version running now and confirmed. */
async function deploy() {
  const errors = editor.get('lintGate').errors();
  if (errors.length > 0) {
    showLintIssues(errors, editor.get('lintGate').warnings());
    say(`استقرار ممکن نیست: ${persianNumber(errors.length)} خطای اعتبارسنجی باقی است`, true);
    return;
  }
  const saved = state.dirty ? await save() : null;
  const review = await api.review(state.processId, saved?.version ?? state.viewing ?? undefined);
  const confirmed = await deployReview.confirm(review);
  if (!confirmed) {
    say('استقرار انجام نشد؛ نسخه ذخیره شده است');
    return;
  }
  try {
    const { version } = await api.deploy(state.processId, review.version, confirmed.comment);
    await refreshVersions();
    say(`نسخه ${persianNumber(version.version)} مستقر شد (نسخه موتور ${persianNumber(version.engineVersion)})`);
    // Requests still running on the version before may move to this one.
    await migrationDialog.open(state.processId, version.version).catch((error) => {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) {
      const lint = error.body.lint ?? [];
      showLintIssues(lint);
      // The engine's own reason is in English; it is shown after the Persian one.
      say(`استقرار پذیرفته نشد: ${error.message}${lint.length ? '' : ` (${error.body.detail})`}`, true);
      return;
    }
    throw error;
  }
}

/** Selects an element and scrolls the canvas to it (from the review's list). */
function showElement(elementId) {
  const element = editor.get('elementRegistry').get(elementId);
  if (!element) return;
  editor.get('selection').select(element);
  editor.get('canvas').scrollToElement(element);
}

async function download() {
  const { xml } = await editor.saveXML({ format: true });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
  link.download = `${state.processId}.bpmn`;
  link.click();
  URL.revokeObjectURL(link.href);
}

/** An uploaded file replaces the canvas; its process id decides which process it is saved as. */
async function upload(file) {
  await showDiagram(await file.text());
  state.dirty = true;
  const process = editor.getDefinitions().rootElements.find((element) => element.$type === 'bpmn:Process');
  if (process) state.processId = process.id;
  showCurrent(file.name, state.processId);
  updateButtons();
  say('فایل بارگذاری شد؛ برای نگه‌داشتن، ذخیره کنید');
}

function guard(action) {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      console.error(error);
      say(describeError(error), true);
    }
  };
}

const processList = new ProcessList($('#process-list'), $('#filter'), guard(openProcess));
const versionList = new VersionList($('#versions'), guard(viewVersion), guard(async (version) => {
  if (!(await migrationDialog.open(state.processId, version))) say('درخواستی از نسخهٔ پیش از آن در جریان نیست');
}));
const formDialog = new FormDialog($('#form-dialog'), api, say);
const deployReview = new DeployReview($('#deploy-review'), showElement);
const migrationDialog = new MigrationDialog($('#migration'), api, say);

async function start() {
  const { canEdit, user, processes } = await api.list();
  state.canEdit = canEdit;
  versionList.canMigrate = canEdit;
  $('#mode').textContent = canEdit ? `تحلیلگر: ${user}` : 'فقط خواندنی';
  $('#upload-label').hidden = !canEdit;
  $('#comment').hidden = !canEdit;
  $('#sign-in').hidden = canEdit;
  $('#sign-out').hidden = !canEdit;
  editor = createEditor({
    canEdit,
    canvas: $('#canvas'),
    properties: $('#properties'),
    templatesUrl: '/api/processes/element-templates',
    headers: api.headers(),
  });
  if (canEdit) {
    editor.on('commandStack.changed', () => { state.dirty = true; });
    editor.on('linkedForm.changed', ({ linked }) => { $('#edit-form').disabled = !linked; });
    editor.on('lintGate.changed', ({ errors, warnings }) => {
      showLintIssues(errors, warnings);
      // A refusal about lint errors is stale once they are fixed.
      if (errors.length === 0 && $('#message').classList.contains('error')) say('');
    });
  }
  // Tests and scripts reach the editor through this.
  window.shahrdariModeler = { editor, state, formDialog, deployReview, migrationDialog };
  processList.show(processes);
  $('#save').addEventListener('click', guard(save));
  $('#deploy').addEventListener('click', guard(deploy));
  $('#download').addEventListener('click', guard(download));
  $('#sign-in').addEventListener('click', () => { $('#sign-in-form').hidden = false; $('#sign-in').hidden = true; });
  $('#sign-in-form').addEventListener('submit', guard(async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    await api.signIn(form.get('username'), form.get('password'));
    location.reload();
  }));
  $('#sign-out').addEventListener('click', () => { api.signOut(); location.reload(); });
  $('#edit-form').addEventListener('click', guard(() => formDialog.open(editor.get('linkedForm').current.formId)));
  $('#upload').addEventListener('change', guard(async (event) => { if (event.target.files[0]) await upload(event.target.files[0]); }));
  updateButtons();
  const requested = decodeURIComponent(location.hash.slice(1));
  if (requested) await openProcess(requested);
  document.body.dataset.ready = 'true';
}

guard(start)();
