// One task: the request it is about — the citizen's data, documents and
// timeline — beside the task's form; claim it, fill the form, complete it.
import { ApiError, type Answer } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { button, errorSummary, h, notice, show, summaryList } from '../shared/elements.ts';
import { date, dateTime, persianDigits } from '../shared/display.ts';
import { FormView } from '../shared/form-view.ts';
import { go } from '../shared/router.ts';
import { api, staff } from './session.ts';
import { serviceNames } from './services.ts';
import { serviceIdOf, slaNames, slaOf, slaTags, type Task, type TaskDetail, type TaskRequest } from './task-types.ts';
import { entryTitle } from '../shared/timeline.ts';
import { documentKindName } from '../../../processes/catalogue/documents.ts';

/** The API resolves the form the task's diagram version links (the version an analyst deployed, else the repository's). */
function formOf(task: Task): TaskDetail['forms'][number] | null {
  return task.forms?.[0] ?? null;
}

/** GET /api/tasks/{jobKey} brings the request's data, documents and timeline along; null when the task has no request. */
function contextOf(task: Task): TaskRequest | null {
  return task.request ?? null;
}

/** The inspector's result, date and findings, where the request had a field inspection. */
function inspectionFindings(request: TaskRequest | null): HTMLElement | null {
  const visits = request?.inspections ?? [];
  if (visits.length === 0) return null;
  return h('section', { 'aria-labelledby': 'inspection-heading', id: 'inspection-findings' },
    h('h2', { id: 'inspection-heading' }, 'گزارش بازدید کارشناس'),
    visits.map((visit) => summaryList([
      ['نتیجه', h('span', { class: `tag tag-${visit.result === 'pass' ? 'green' : 'red'}` }, visit.result === 'pass' ? 'مطابق است' : 'مغایرت دارد')],
      ['تاریخ بازدید', visit.visitedOn ? date(`${visit.visitedOn}T12:00:00Z`) : date(visit.recordedAt)],
      ['بازدیدکننده', visit.inspectorName ? h('bdi', {}, visit.inspectorName) : '—'],
      ['یافته‌ها', visit.notes ?? '—'],
    ])));
}

function requestContext(request: TaskRequest | null, fields: Array<[string, string]>): HTMLElement {
  if (!request) return h('section', {}, h('h2', {}, 'درخواست'), h('p', {}, 'اطلاعات درخواست در دسترس نیست.'));
  const code = request.trackingCode;
  return h('section', { 'aria-labelledby': 'request-heading', id: 'request-context' },
    h('h2', { id: 'request-heading' }, 'درخواست شهروند'),
    code ? h('p', {}, 'کد رهگیری: ', h('strong', { dir: 'ltr' }, persianDigits(code))) : null,
    fields.length ? summaryList(fields) : null,
    h('h3', {}, 'مدارک'),
    request.documents?.length
      ? h('ul', { id: 'request-documents' }, request.documents.map((document) => h('li', {},
        h('button', { type: 'button', class: 'link-button', onclick: () => { if (code) api.download(endpoints.document(code, document.id), document.filename).catch(() => undefined); } }, document.filename),
        ' ', h('span', { class: 'hint' }, documentKindName(document.kind)))))
      : h('p', {}, 'مدرکی بارگذاری نشده است.'),
    h('h3', {}, 'روند'),
    request.timeline?.length
      ? h('ol', { class: 'timeline' }, [...request.timeline].sort((a, b) => a.at.localeCompare(b.at)).map((entry) => h('li', {},
        h('time', { datetime: entry.at }, dateTime(entry.at)), entryTitle(entry))))
      : h('p', {}, 'رویدادی ثبت نشده است.'));
}

/** Labels of the citizen's answers, from the service's start form. */
async function answerRows(serviceId: string | undefined, data: Record<string, unknown> | undefined): Promise<Array<[string, string]>> {
  if (!serviceId || !data) return [];
  try {
    const service = await api.get<Answer<'/api/services/{id}'>>(endpoints.service(serviceId));
    const view = await FormView.create(service.form, data);
    const rows = view.answers(data);
    view.destroy();
    return rows;
  } catch {
    return Object.entries(data).map(([key, value]) => [key, persianDigits(String(value))]);
  }
}

export async function taskPage(main: HTMLElement, key: string): Promise<void> {
  const me = staff()!;
  const task = await api.get<TaskDetail>(endpoints.task(key));
  const schema = formOf(task);
  const request = contextOf(task);
  const names = await serviceNames();
  const serviceId = serviceIdOf(task);
  const answers = await answerRows(serviceId, request?.form);
  const sla = slaOf(task);
  const mine = task.assignee === me.username;
  const problems = h('div', {});
  const formArea = h('div', {});
  const reload = () => taskPage(main, key);

  if (!mine) {
    formArea.append(
      task.assignee ? notice(`این وظیفه را ${task.assignee} برداشته است.`, 'warning') : notice('برای انجام این وظیفه، ابتدا آن را بردارید.'),
      task.assignee ? '' : button('برداشتن وظیفه', async () => {
        try {
          await api.post(endpoints.claim(key), {});
          await reload();
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          problems.replaceChildren(errorSummary([{ message: error.messageFa }]));
        }
      }));
  } else {
    const view = schema ? await FormView.create(schema, task.variables ?? {}) : null;
    const complete = h('button', { type: 'submit', class: 'button button-primary' }, 'ثبت و پایان وظیفه');
    const form = h('form', { novalidate: true, id: 'task-form' }, view ? view.element : h('p', {}, 'این وظیفه فرم ندارد.'), complete);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const submitted = view ? view.submit() : { data: {}, errors: [] };
      if (submitted.errors.length) {
        problems.replaceChildren(errorSummary(submitted.errors.map((error) => ({ message: `${error.label}: ${error.message}`, href: `#${view!.inputId(error.id)}` }))));
        return (problems.firstElementChild as HTMLElement).focus();
      }
      complete.disabled = true;
      try {
        await api.post(endpoints.complete(key), { variables: submitted.data });
        go('#/tasks?done=1');
      } catch (error) {
        complete.disabled = false;
        if (!(error instanceof ApiError)) throw error;
        const { shown, unmatched } = view ? view.showServerErrors(error.fieldErrors()) : { shown: [], unmatched: [] };
        const items = [...shown.map((entry) => ({ message: `${entry.label}: ${entry.message}` })), ...unmatched.map(([, message]) => ({ message }))];
        problems.replaceChildren(errorSummary(items.length ? items : [{ message: error.messageFa }]));
        (problems.firstElementChild as HTMLElement).focus();
      }
    });
    formArea.append(form);
  }

  show(main, task.name,
    h('p', {}, h('a', { href: '#/tasks' }, 'بازگشت به کارتابل')),
    h('h1', {}, task.name),
    summaryList([
      ['خدمت', names.get(serviceId ?? '') ?? serviceId ?? '—'],
      ['موعد', h('span', {}, date(task.dueAt), ' ', h('span', { class: `tag tag-${slaTags[sla]}` }, slaNames[sla]))],
    ]),
    problems,
    h('div', { class: 'task-layout' },
      h('section', { 'aria-labelledby': 'task-form-heading' }, inspectionFindings(request), h('h2', { id: 'task-form-heading' }, 'فرم وظیفه'), formArea),
      requestContext(request, answers)));
}
