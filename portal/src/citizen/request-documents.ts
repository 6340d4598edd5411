// The documents a service needs: what has been uploaded for each, and a file
// input to add one. The API checks type, size and keeps a SHA-256.
import { ApiError } from '../shared/api.ts';
import { endpoints } from '../shared/endpoints.ts';
import { h } from '../shared/elements.ts';
import { dateTime, persianDigits } from '../shared/display.ts';
import { api } from './session.ts';
import { isClosed, type CitizenRequest, type UploadedDocument } from './request-types.ts';
import type { ServiceDetail } from './service-types.ts';
import { documentKindName } from '../../../processes/catalogue/documents.ts';

const accepted = 'application/pdf,image/jpeg,image/png';

function size(bytes?: number): string {
  if (bytes === undefined) return '';
  return bytes > 1024 * 1024 ? `${persianDigits((bytes / 1024 / 1024).toFixed(1))} مگابایت` : `${persianDigits(Math.max(1, Math.round(bytes / 1024)))} کیلوبایت`;
}

/** One uploaded file: download it, and while the request is open remove it (a wrong file), after asking. */
function uploadedRow(request: CitizenRequest, document: UploadedDocument, reload: () => unknown, withKind = false): HTMLElement {
  const name = document.filename;
  const problem = h('span', { class: 'field-error', role: 'alert' });
  const remove = isClosed(request) ? null : h('button', {
    type: 'button', class: 'link-button', 'aria-label': `حذف ${name}`,
    onclick: async () => {
      if (!window.confirm(`«${name}» حذف شود؟`)) return;
      try {
        await api.call('DELETE', endpoints.document(request.trackingCode, document.id));
        await reload();
      } catch (failure) {
        if (!(failure instanceof ApiError)) throw failure;
        problem.textContent = failure.messageFa;
      }
    },
  }, 'حذف');
  return h('li', {},
    h('button', { type: 'button', class: 'link-button', onclick: () => { api.download(endpoints.document(request.trackingCode, document.id), name).catch(() => undefined); } }, h('bdi', {}, `دریافت ${name}`)),
    ' ', h('span', { class: 'hint' }, [withKind ? documentKindName(document.kind) : '', size(document.size), document.createdAt ? dateTime(document.createdAt) : ''].filter(Boolean).join(' · ')),
    remove ? [' ', remove] : null, problem);
}

export function documentsSection(request: CitizenRequest, service: ServiceDetail, reload: () => unknown): HTMLElement | null {
  const uploaded = request.documents ?? [];
  if (service.documents.length === 0 && uploaded.length === 0) return null;
  const open = !isClosed(request);
  return h('section', { 'aria-labelledby': 'documents-heading', id: 'documents' },
    h('h2', { id: 'documents-heading' }, 'مدارک'),
    service.documents.map((requirement) => {
      const mine = uploaded.filter((document) => document.kind === requirement.id);
      const inputId = `upload-${requirement.id}`;
      const error = h('span', { class: 'field-error', id: `${inputId}-error`, role: 'alert' });
      const input = h('input', { type: 'file', id: inputId, name: requirement.id, accept: accepted, 'aria-describedby': `${inputId}-hint ${inputId}-error` });
      const upload = h('button', { type: 'submit', class: 'button button-secondary' }, 'بارگذاری');
      const form = h('form', { class: 'upload' }, h('label', { for: inputId }, `بارگذاری ${requirement.fa}`),
        h('span', { class: 'hint', id: `${inputId}-hint` }, 'PDF یا تصویر JPEG/PNG، حداکثر ۱۰ مگابایت'), error, input, h('div', {}, upload));
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const file = input.files?.[0];
        if (!file) {
          error.textContent = 'ابتدا پرونده را انتخاب کنید.';
          return input.focus();
        }
        const body = new FormData();
        body.append('file', file, file.name);
        upload.disabled = true;
        try {
          await api.call('POST', `${endpoints.documents(request.trackingCode)}?kind=${encodeURIComponent(requirement.id)}`, body);
          await reload();
        } catch (failure) {
          if (!(failure instanceof ApiError)) throw failure;
          error.textContent = failure.messageFa;
          input.focus();
        } finally {
          upload.disabled = false;
        }
      });
      return h('div', { class: 'document' },
        h('h3', {}, requirement.fa, ' ', mine.length ? h('span', { class: 'tag tag-green' }, 'بارگذاری شد') : h('span', { class: 'tag tag-yellow' }, 'بارگذاری نشده')),
        mine.length ? h('ul', {}, mine.map((document) => uploadedRow(request, document, reload))) : null,
        open ? form : null);
    }),
    ...uploaded.filter((document) => !service.documents.some((requirement) => requirement.id === document.kind))
      .map((document) => h('ul', {}, uploadedRow(request, document, reload, true))));
}
