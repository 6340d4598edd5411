// Building the page from plain DOM: a tiny element factory, so each page is a
// function returning nodes and no framework sits between us and the markup.
export type Child = Node | string | number | null | undefined | false | Child[];
type Attributes = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/**
 * Replaces the main region and moves focus to its heading, so a screen
 * reader announces the new page and keyboard users start at its top.
 */
export function show(main: HTMLElement, title: string, ...children: Child[]): void {
  main.replaceChildren();
  append(main, children);
  document.title = `${title} · ${document.documentElement.dataset.site ?? 'شهرداری'}`;
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
  window.scrollTo(0, 0);
}

/** A GOV.UK-style error summary: the problems listed at the top, each linking to its field. */
export function errorSummary(items: Array<{ message: string; href?: string }>): HTMLElement {
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1' },
    h('h2', {}, 'مشکلی پیش آمده است'),
    h('ul', {}, items.map((item) => h('li', {}, item.href ? h('a', { href: item.href }, item.message) : item.message))));
  return summary;
}

export function notice(text: Child, kind: 'info' | 'success' | 'warning' = 'info'): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'info' ? null : 'status' }, text);
}

/** A key–value list, GOV.UK's summary list. */
export function summaryList(rows: Array<[string, Child]>): HTMLElement {
  return h('dl', { class: 'summary-list' }, rows.map(([key, value]) => h('div', { class: 'summary-row' }, h('dt', {}, key), h('dd', {}, value))));
}

export function button(label: string, onClick: () => unknown, kind: 'primary' | 'secondary' | 'warning' = 'primary'): HTMLButtonElement {
  return h('button', { type: 'button', class: `button button-${kind}`, onclick: () => { onClick(); } }, label);
}
