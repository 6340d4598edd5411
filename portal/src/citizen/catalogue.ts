// The catalogue page: the 54 services under their headings, narrowed by a
// search on the name as the citizen types (Persian or Arabic letter forms,
// with or without the half-space).
import { searchKey } from '../../../platform/persian.ts';
import { endpoints } from '../shared/endpoints.ts';
import { h, show } from '../shared/elements.ts';
import { api } from './session.ts';
import type { Answer } from '../shared/api.ts';

type Catalogue = Answer<'/api/services/'>;

let cached: Catalogue | null = null;

export async function loadCatalogue(): Promise<Catalogue> {
  cached ??= await api.get<Catalogue>(endpoints.services);
  return cached;
}

export async function cataloguePage(main: HTMLElement, query: URLSearchParams): Promise<void> {
  const catalogue = await loadCatalogue();
  const results = h('div', { id: 'results' });
  const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const search = h('input', { type: 'search', id: 'service-search', name: 'q', autocomplete: 'off', value: query.get('q') ?? '' });

  const draw = () => {
    const key = searchKey(search.value);
    const matching = catalogue.services.filter((service) => !key || searchKey(service.name.fa).includes(key) || service.id.includes(key));
    status.textContent = key ? `${matching.length.toLocaleString('fa-IR')} خدمت پیدا شد` : `${catalogue.services.length.toLocaleString('fa-IR')} خدمت`;
    results.replaceChildren(...catalogue.headings.map((heading) => {
      const inHeading = matching.filter((service) => service.heading === heading.id);
      if (inHeading.length === 0) return document.createTextNode('');
      return h('section', { 'aria-labelledby': `heading-${heading.id}` },
        h('h2', { id: `heading-${heading.id}` }, heading.name.fa),
        h('ul', { class: 'service-list' }, inHeading.map((service) => h('li', {}, h('a', { href: `#/services/${service.id}` }, service.name.fa)))));
    }));
  };
  search.addEventListener('input', draw);
  draw();

  show(main, 'خدمات',
    h('h1', {}, 'خدمات الکترونیک شهرداری'),
    h('p', {}, 'خدمت موردنیاز خود را انتخاب کنید، مدارک و هزینه را ببینید و درخواست را بدون مراجعه حضوری ثبت کنید.'),
    h('form', { role: 'search', class: 'search-box', onsubmit: (event: Event) => event.preventDefault() },
      h('div', {}, h('label', { for: 'service-search' }, 'جست‌وجوی خدمت'), h('span', { class: 'hint', id: 'search-hint' }, 'بخشی از نام خدمت، مانند «درخت»'), search)),
    status,
    h('p', {}, h('a', { href: '#/track' }, 'پیگیری درخواست با کد رهگیری')),
    results);
  search.setAttribute('aria-describedby', 'search-hint');
}
