// One chart of a run, as a standalone SVG file beside its JSON report: open
// tasks per role over the simulated period, one line per role (the roles
// with the most work), Persian labels, time from right to left as the
// workspace draws it. `npx tsx simulation/chart.ts report.json out.svg`
// draws one from a saved report.
import fs from 'node:fs';
import { DateTime } from 'luxon';
import { jalaliDate, IRAN_TIME_ZONE, persianDigits } from '../platform/persian.ts';
import { roleNames } from '../processes/catalogue/index.ts';
import type { SimulationReport } from './report.ts';

const palette = ['#1d5a96', '#b10e1e', '#00703c', '#7a4100', '#6f2da8', '#005a6e'];
const dashes = ['', '8 4', '2 3', '10 3 2 3', '', '8 4'];
const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function queueChartSvg(report: SimulationReport): string {
  const { series } = report.figures;
  const lines = [...series.roles].sort((a, b) => Math.max(...b.open) - Math.max(...a.open)).slice(0, 6);
  const width = 760;
  const height = 360;
  const [left, right, top, bottom] = [20, 60, 56, 70];
  const count = Math.max(2, series.samples);
  const max = Math.max(1, ...lines.flatMap((line) => line.open));
  const x = (index: number) => width - right - ((width - left - right) * index) / (count - 1);
  const y = (value: number) => top + (height - top - bottom) * (1 - value / max);
  const title = `کارهای باز هر نقش — منطقه ${persianDigits(report.district)}، ${persianDigits(report.days)} روز شبیه‌سازی`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="title desc" font-family="Vazirmatn, Tahoma, sans-serif">`,
    `<title id="title">${escape(title)}</title>`,
    `<desc id="desc">${escape(lines.map((line) => `${roleNames[line.role as keyof typeof roleNames] ?? line.role}: بیشینه ${persianDigits(Math.max(...line.open))}`).join('؛ '))}</desc>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width - 12}" y="28" direction="rtl" text-anchor="start" font-size="17" font-weight="700" fill="#0b0c0c">${escape(title)}</text>`,
  ];
  for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
    const value = Math.round(max * fraction);
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(value)}" y2="${y(value)}" stroke="#d8d8d8"/>`);
    parts.push(`<text x="${width - right + 8}" y="${y(value) + 5}" font-size="13" fill="#0b0c0c">${persianDigits(value)}</text>`);
  }
  const from = Date.parse(series.from);
  const every = Math.max(1, Math.ceil(series.days.length / 8));
  let freeRightOf = Infinity;
  series.days.forEach((day, index) => {
    if (index % every !== 0) return;
    const start = DateTime.fromISO(day, { zone: IRAN_TIME_ZONE }).toMillis();
    const at = Math.max(0, (start - from) / (series.stepHours * 3_600_000));
    // Centred under its day, but held inside the plot at either end (in right-to-left text, start is the right end).
    const [position, anchor] = x(at) > width - right - 40 ? [width - right, 'start'] : x(at) < left + 40 ? [left, 'end'] : [x(at), 'middle'];
    // A label (about 80 px) that would run into the one to its right is left out.
    const leftEdge = anchor === 'start' ? position - 80 : anchor === 'end' ? position : position - 40;
    if (leftEdge + 86 > freeRightOf) return;
    freeRightOf = leftEdge;
    parts.push(`<text x="${position}" y="${height - bottom + 20}" direction="rtl" text-anchor="${anchor}" font-size="12" fill="#0b0c0c">${escape(jalaliDate(new Date(start)))}</text>`);
  });
  lines.forEach((line, index) => {
    const path = line.open.map((value, sample) => `${sample === 0 ? 'M' : 'L'}${x(sample).toFixed(1)} ${y(value).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${palette[index]}" stroke-width="2"${dashes[index] ? ` stroke-dasharray="${dashes[index]}"` : ''}/>`);
    const legendX = width - 20 - (index % 3) * 240;
    const legendY = height - 28 + Math.floor(index / 3) * 18 - 8;
    parts.push(`<line x1="${legendX - 28}" x2="${legendX}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${palette[index]}" stroke-width="3"${dashes[index] ? ` stroke-dasharray="${dashes[index]}"` : ''}/>`);
    parts.push(`<text x="${legendX - 34}" y="${legendY}" direction="rtl" text-anchor="start" font-size="13" fill="#0b0c0c">${escape(roleNames[line.role as keyof typeof roleNames] ?? line.role)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    process.stderr.write('usage: npx tsx simulation/chart.ts report.json out.svg\n');
    process.exit(1);
  }
  fs.writeFileSync(output, queueChartSvg(JSON.parse(fs.readFileSync(input, 'utf8')) as SimulationReport));
}
