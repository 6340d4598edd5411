// Charts with no library: bars as HTML (they read right to left and wrap on a
// narrow screen), rings and lines as inline SVG with a title and a text
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

/**
 * Bars as HTML, not SVG: a card on the figures page is a third of the width,
 * and text inside a scaled-down SVG shrank with it until labels were
 * unreadable and long ones ran into their values. Here the label wraps in its
 * own column, the bar grows from the right, and its value follows the bar;
 * a screen reader reads each row as a term and its value.
 */
export function barChart(title: string, bars: Bar[], id: string): HTMLElement {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const chart = document.createElement('dl');
  chart.className = 'bar-chart';
  chart.id = id;
  chart.setAttribute('aria-label', title);
  for (const bar of bars) {
    const row = document.createElement('div');
    row.className = 'bar-row';
    const label = document.createElement('dt');
    label.textContent = bar.label;
    const value = document.createElement('dd');
    const drawn = document.createElement('span');
    drawn.className = 'bar';
    drawn.setAttribute('aria-hidden', 'true');
    drawn.style.inlineSize = `${(100 * bar.value) / max}%`;
    if (bar.colour) drawn.style.background = bar.colour;
    const shown = document.createElement('span');
    shown.className = 'bar-value';
    shown.textContent = bar.shown ?? persianDigits(bar.value);
    const track = document.createElement('span');
    track.className = 'bar-track';
    track.append(drawn);
    value.append(track, shown);
    row.append(label, value);
    chart.append(row);
  }
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

export interface Line { label: string; values: Array<number | null>; colour: string; dash?: string }

/** Colours with at least 3:1 contrast on white, with a dash pattern each, so lines part without colour too. */
export const lineStyles: Array<{ colour: string; dash?: string }> = [
  { colour: '#1d5a96' }, { colour: '#b10e1e', dash: '8 4' }, { colour: '#00703c', dash: '2 3' }, { colour: '#7a4100', dash: '10 3 2 3' },
  { colour: '#6f2da8' }, { colour: '#005a6e', dash: '8 4' }, { colour: '#a8005a', dash: '2 3' }, { colour: '#3d3d3d', dash: '10 3 2 3' },
];

/**
 * Values over time as lines, time running from right to left as the page
 * reads; `ticks` label some positions (Jalali days). The text alternative
 * gives each line's last value, its highest and its mean.
 */
export function lineChart(title: string, lines: Line[], ticks: Array<{ at: number; label: string }>, id: string, unit: string): SVGSVGElement {
  const width = 640;
  const height = 260;
  const left = 16;
  const right = 56;
  const top = 12;
  const bottom = 40;
  const count = Math.max(2, ...lines.map((line) => line.values.length));
  const max = Math.max(1, ...lines.flatMap((line) => line.values.filter((value): value is number => value !== null)));
  const x = (index: number) => width - right - ((width - left - right) * index) / (count - 1);
  const y = (value: number) => top + (height - top - bottom) * (1 - value / max);
  const summary = lines.map((line) => {
    const known = line.values.filter((value): value is number => value !== null);
    if (known.length === 0) return `${line.label}: داده‌ای نیست`;
    const mean = known.reduce((total, value) => total + value, 0) / known.length;
    const shown = (value: number) => persianDigits(Number.isInteger(value) ? value : value.toFixed(1));
    return `${line.label}: پایان ${shown(known[known.length - 1]!)}، بیشینه ${shown(Math.max(...known))}، میانگین ${shown(mean)} ${unit}`;
  });
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, class: 'chart', role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, id });
  chart.append(svg('title', { id: `${id}-title` }, title));
  chart.append(svg('desc', { id: `${id}-desc` }, `زمان از راست به چپ. ${summary.join('؛ ')}`));
  for (const fraction of [0, 0.5, 1]) {
    const value = max * fraction;
    chart.append(svg('line', { x1: left, x2: width - right, y1: y(value), y2: y(value), stroke: '#b1b4b6', 'stroke-width': 1 }));
    chart.append(svg('text', { x: width - right + 6, y: y(value) + 5, 'text-anchor': 'start', 'font-size': 13, fill: '#0b0c0c' }, persianDigits(Number.isInteger(value) ? value : value.toFixed(1))));
  }
  for (const tick of ticks) {
    chart.append(svg('line', { x1: x(tick.at), x2: x(tick.at), y1: height - bottom, y2: height - bottom + 5, stroke: '#0b0c0c' }));
    chart.append(svg('text', { x: x(tick.at), y: height - bottom + 20, 'text-anchor': 'middle', 'font-size': 12, fill: '#0b0c0c' }, tick.label));
  }
  for (const line of lines) {
    let path = '';
    line.values.forEach((value, index) => {
      if (value === null) return;
      path += `${path && line.values[index - 1] !== null ? 'L' : 'M'}${x(index).toFixed(1)} ${y(value).toFixed(1)} `;
    });
    if (path) chart.append(svg('path', { d: path.trim(), fill: 'none', stroke: line.colour, 'stroke-width': 2, ...(line.dash ? { 'stroke-dasharray': line.dash } : {}) }));
  }
  return chart;
}

/** The key to a line chart: each line's swatch and name. */
export function legend(lines: Line[]): HTMLElement {
  const list = document.createElement('ul');
  list.className = 'chart-legend';
  for (const line of lines) {
    const item = document.createElement('li');
    const swatch = svg('svg', { width: 28, height: 10, 'aria-hidden': 'true', focusable: 'false' });
    swatch.append(svg('line', { x1: 0, x2: 28, y1: 5, y2: 5, stroke: line.colour, 'stroke-width': 3, ...(line.dash ? { 'stroke-dasharray': line.dash } : {}) }));
    item.append(swatch, ` ${line.label}`);
    list.append(item);
  }
  return list;
}
