// Charts drawn as inline SVG: horizontal bars read well right to left and on
// a narrow screen, need no library, and carry a title and a table-like text
// alternative for screen readers.
import { persianDigits } from '../shared/display.ts';

const svgNamespace = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNamespace, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

export interface Bar { label: string; value: number; shown?: string; colour?: string }

/** Bars from the right edge, label on the right, value at the bar's end. */
export function barChart(title: string, bars: Bar[], id: string): SVGSVGElement {
  const width = 560;
  const labelWidth = 190;
  const rowHeight = 30;
  const height = Math.max(1, bars.length) * rowHeight + 10;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, class: 'chart', role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, id });
  chart.append(svg('title', { id: `${id}-title` }, title));
  chart.append(svg('desc', { id: `${id}-desc` }, bars.map((bar) => `${bar.label}: ${bar.shown ?? persianDigits(bar.value)}`).join('؛ ')));
  bars.forEach((bar, index) => {
    const y = index * rowHeight + 5;
    const length = Math.round(((width - labelWidth - 70) * bar.value) / max);
    chart.append(svg('text', { x: width - 4, y: y + 19, 'text-anchor': 'start', 'font-size': 14, fill: '#0b0c0c', direction: 'rtl' }, bar.label));
    chart.append(svg('rect', { x: width - labelWidth - length, y: y + 4, width: Math.max(length, 1), height: rowHeight - 10, fill: bar.colour ?? '#1d5a96' }));
    chart.append(svg('text', { x: width - labelWidth - length - 6, y: y + 19, 'text-anchor': 'end', 'font-size': 14, fill: '#0b0c0c', direction: 'rtl' }, bar.shown ?? persianDigits(bar.value)));
  });
  return chart;
}

/** A single share as a ring, for "requests that needed no office visit". */
export function shareRing(title: string, share: number, id: string): SVGSVGElement {
  const radius = 60;
  const circumference = 2 * Math.PI * radius;
  const shown = `${persianDigits(Math.round(share * 100))}٪`;
  const chart = svg('svg', { viewBox: '0 0 160 160', width: 160, class: 'chart', role: 'img', 'aria-labelledby': `${id}-title`, id });
  chart.append(svg('title', { id: `${id}-title` }, `${title}: ${shown}`));
  chart.append(svg('circle', { cx: 80, cy: 80, r: radius, fill: 'none', stroke: '#e5e6e7', 'stroke-width': 18 }));
  chart.append(svg('circle', {
    cx: 80, cy: 80, r: radius, fill: 'none', stroke: '#00703c', 'stroke-width': 18,
    'stroke-dasharray': `${circumference * share} ${circumference}`, transform: 'rotate(-90 80 80)',
  }));
  chart.append(svg('text', { x: 80, y: 88, 'text-anchor': 'middle', 'font-size': 26, 'font-weight': 700, fill: '#0b0c0c' }, shown));
  return chart;
}
