/**
 * The peer the month is measured against: headless Chromium printing one report of the same size to
 * PDF, the way a report tool built on a browser would make it. The page holds the October 2023
 * performance report's indicator rows (from the sample workbook: 69 rows of 13 months, in tables of
 * four) and 30 line charts drawn by Chart.js in the page (at twice the pixels, no animation), landscape A4.
 * `writeBrowserPeer(dir)` writes the page and returns the command that prints it.
 *
 * Used by `npm run bench:month -- --vs-browser` (scripts/bench-month.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSettings } from '../src/config/settings.js';
import { addMonths, monthLabel } from '../src/model/month.js';
import { readWorkbookFile } from '../src/workbook/read-workbook-file.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = '/usr/bin/chromium';

const escape = (text: string): string => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

export async function writeBrowserPeer(dir: string): Promise<{ command: string[]; pdf: string }> {
  await mkdir(dir, { recursive: true });
  const loaded = await loadSettings();
  const { dataset } = await readWorkbookFile(path.join(ROOT, 'data', 'b4b-sample.xlsx'), loaded.aliases, loaded.catalogue);
  const months = Array.from({ length: 13 }, (_, i) => addMonths('2023-10', i - 12));
  const rows = dataset.tables
    .filter((t) => t.months.includes('2023-10'))
    .flatMap((t) => t.rows)
    .slice(0, 69)
    .map((row) => ({ name: row.name, values: months.map((m) => (row.values[m]?.kind === 'number' ? row.values[m].value : null)) }));
  const sections: string[] = [];
  let charts = 0;
  for (let i = 0; i < rows.length; i += 4) {
    const group = rows.slice(i, i + 4);
    const table =
      `<table><thead><tr><th>Indicator</th>${months.map((m) => `<th>${monthLabel(m)}</th>`).join('')}</tr></thead><tbody>` +
      group.map((r) => `<tr><th>${escape(r.name)}</th>${r.values.map((v) => `<td>${v ?? '-'}</td>`).join('')}</tr>`).join('') +
      '</tbody></table>';
    const canvases = group.slice(0, 2).map((r) => {
      if (charts >= 30) return '';
      charts += 1;
      return `<div class="chart"><canvas width="800" height="360" data-title="${escape(r.name)}" data-values="${escape(JSON.stringify(r.values))}"></canvas></div>`;
    });
    sections.push(`<section><h2>Section ${sections.length + 1}</h2>${table}<div class="charts">${canvases.join('')}</div></section>`);
  }
  const html = `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Performance report</title>
<style>
@page { size: A4 landscape; margin: 12mm; }
body { font: 9pt Arimo, Arial, sans-serif; }
section { break-inside: avoid-page; }
table { border-collapse: collapse; width: 100%; margin-bottom: 6pt; }
th, td { border: 0.5pt solid #999; padding: 1pt 3pt; text-align: right; } th:first-child { text-align: left; }
.charts { display: flex; gap: 12pt; } .chart { position: relative; width: 48%; height: 180pt; }
</style>
<script src="${path.join(ROOT, 'node_modules', 'chart.js', 'dist', 'chart.umd.js')}"></script>
</head><body><h1>Children &amp; Learning Service Performance Report, October 2023</h1>
${sections.join('\n')}
<script>
Chart.defaults.animation = false;
Chart.defaults.devicePixelRatio = 2;
for (const canvas of document.querySelectorAll('canvas')) {
  new Chart(canvas, { type: 'line', data: { labels: ${JSON.stringify(months.map(monthLabel))},
    datasets: [{ label: 'Monthly figure', data: JSON.parse(canvas.dataset.values), borderColor: '#1f4e79' }] },
    options: { responsive: true, maintainAspectRatio: false, plugins: { title: { display: true, text: canvas.dataset.title } } } });
}
</script></body></html>
`;
  const page = path.join(dir, 'peer.html');
  await writeFile(page, html);
  const pdf = path.join(dir, 'peer.pdf');
  return {
    pdf,
    command: [
      CHROMIUM,
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${path.join(dir, 'profile')}`,
      '--no-pdf-header-footer',
      `--print-to-pdf=${pdf}`,
      `file://${page}`,
    ],
  };
}
