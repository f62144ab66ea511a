import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartSvg, drawChart, textWidth, valueAxis } from '../../src/render/charts.js';
import type { ChartModel } from '../../src/report/report-figures.js';
import type { ReportDocument as ReportOutput } from '../../src/produce/report.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { configuredReport, sampleDataset } from '../fixtures/sample-report.js';

const MONTHS = ['Oct-22', 'Nov-22', 'Dec-22', 'Jan-23', 'Feb-23', 'Mar-23', 'Apr-23', 'May-23', 'Jun-23', 'Jul-23', 'Aug-23', 'Sep-23', 'Oct-23'];

function line(title: string, series: Array<{ label: string; values: number[]; target?: number; percent?: boolean }>): ChartModel {
  return { kind: 'chart', title, monthLabels: MONTHS, series: series.map((s) => ({ percent: false, ...s, values: s.values })) };
}

const texts = (model: ChartModel, size = { width: 370, height: 190 }) => drawChart(model, size).shapes.flatMap((s) => (s.t === 'text' ? [s] : []));

describe('the axis policy', () => {
  it('starts counts and rates at zero when their movement fills a third of such an axis', () => {
    const axis = valueAxis(line('Unregulated settings', [{ label: 'x', values: [26, 30, 30, 31, 29, 33, 30, 30, 36, 42, 42, 44, 48], target: 20 }]));
    expect(axis.min).toBe(0);
    expect(axis.broken).toBe(false);
  });

  it('starts a count just below the data and target when a zero start would flatten it, and says so on the axis', () => {
    const model = line('Contacts', [{ label: 'Contacts', values: [1488, 1794, 1428, 1839, 1598, 2023, 1544, 1828, 1948, 1804, 1471, 1532, 1922] }]);
    const axis = valueAxis(model);
    expect(axis.min).toBeGreaterThan(1000);
    expect(axis.min).toBeLessThanOrEqual(1428);
    expect(axis.broken).toBe(true);
    expect(texts(model).map((t) => t.text)).toContain(`Axis starts at ${axis.min}, not 0`);
    // The target counts too: a target below the data moves the start down to show it.
    const withTarget = valueAxis(line('CP rate', [{ label: 'CP rate', values: [64, 61, 61, 58, 61, 64, 70, 72, 71, 70, 70, 64, 64], target: 50 }]));
    expect(withTarget.min).toBeLessThanOrEqual(50);
  });

  it('spans percentages over the data and target with padding, within 0-100%', () => {
    const model = line('Visits', [
      { label: 'Visits', values: [0.82, 0.85, 0.84, 0.88, 0.9, 0.86, 0.87, 0.91, 0.89, 0.9, 0.92, 0.93, 0.9], target: 0.95, percent: true },
    ]);
    const axis = valueAxis(model);
    expect(axis.min).toBeGreaterThan(50);
    expect(axis.min).toBeLessThan(82);
    expect(axis.max).toBeGreaterThanOrEqual(95);
    expect(axis.max).toBeLessThanOrEqual(100);
    expect(texts(model).map((t) => t.text)).toEqual(expect.arrayContaining(['100%', `Axis starts at ${axis.min}%, not 0%`]));
  });

  it('starts bars at zero, below zero for an underspend', () => {
    const bars: ChartModel = {
      kind: 'chart',
      type: 'bar',
      yFormat: 'money',
      title: 'Variance',
      monthLabels: ['Apr-23', 'May-23'],
      series: [{ label: 'Variance', values: [-120, 1400], percent: false }],
    };
    const axis = valueAxis(bars);
    expect(axis.min).toBeLessThan(0);
    expect(axis.broken).toBe(false);
    expect(texts(bars).map((t) => t.text)).toContain('1,500');
  });
});

describe('titles and legends', () => {
  it('the legend names the series, never the title again, and draws the target as a dashed line', () => {
    const model = line('Rate of children subject to CP plans', [{ label: 'Rate of children subject to CP plans', values: MONTHS.map(() => 60), target: 55 }]);
    const drawn = drawChart(model).shapes;
    const labels = drawn.flatMap((s) => (s.t === 'text' ? [s.text] : []));
    expect(labels.filter((t) => t === 'Rate of children subject to CP plans')).toHaveLength(1);
    expect(labels).toEqual(expect.arrayContaining(['Monthly figure', 'Target']));
    const dashed = drawn.filter((s) => s.t === 'line' && s.dash !== undefined);
    // The target line across the plot and its legend swatch.
    expect(dashed).toHaveLength(2);
  });

  it('"Target" never stands alone on the legend\'s last line', () => {
    const model = line('Caseloads', [
      { label: 'Average number of children per qualified Social Worker (1 FTE)', values: MONTHS.map(() => 15), target: 14 },
      { label: 'Average number of children per primary caseholder (based on 1 FTE)', values: MONTHS.map(() => 16), target: 14 },
    ]);
    const names = new Set([...model.series.map((s) => s.label), 'Target']);
    const legend = texts(model, { width: 300, height: 200 }).filter((t) => names.has(t.text));
    const rows = [...new Set(legend.map((t) => t.y))].sort((a, b) => a - b);
    const lastRow = legend.filter((t) => t.y === rows[rows.length - 1]).map((t) => t.text);
    expect(rows.length).toBeGreaterThan(1);
    expect(lastRow.length === 1 && lastRow[0] === 'Target').toBe(false);
  });

  it('fits a long title to the chart: shrunk, then wrapped, never wider than the chart', () => {
    const title = 'Percentage of children with child in need plan (not CWD) with CIN review within last 12 weeks';
    for (const width of [240, 370]) {
      const model = line(title, [{ label: 'x', values: MONTHS.map(() => 1) }]);
      const drawnTitle = texts(model, { width, height: 190 }).filter((t) => t.bold);
      expect(drawnTitle.map((t) => t.text).join(' ')).toBe(title);
      for (const t of drawnTitle) expect(textWidth(t.text, t.size, 'bold')).toBeLessThanOrEqual(width - 8);
    }
  });

  it('as SVG, carries its text alternative for the HTML twin', () => {
    const svg = chartSvg(line('Contacts & referrals', [{ label: 'Contacts', values: MONTHS.map((_, i) => 100 + i) }]), undefined, { idPrefix: 'c1' });
    expect(svg).toMatch(
      /^<svg [^>]*role="img" aria-labelledby="c1-title c1-desc"><title id="c1-title">Contacts &amp; referrals<\/title><desc id="c1-desc">Line chart, Oct-22 to Oct-23\. Contacts: 112 in Oct-23, lowest 100 \(Oct-22\), highest 112 \(Oct-23\)\.<\/desc>/,
    );
  });
});

/** A run of value-axis labels as pdftotext reads them from a chart ("75 70 65 60 55" or "100% 80% 60%"). */
function chartTickPattern(output: ReportOutput): RegExp {
  const bar = output.blocks.some((b) => b.kind === 'charts' && b.charts.some((c) => c.type === 'bar'));
  return bar ? /\b0\b/ : /(\d+%? ){3}/;
}

describe('charts in the PDFs are vectors with searchable text', () => {
  const reports: Array<{ name: string; output?: ReportOutput }> = [{ name: 'performance' }, { name: 'clinic-safeguarding' }, { name: 'finance' }];

  beforeAll(async () => {
    const dataset = await sampleDataset();
    for (const report of reports) report.output = await configuredReport(report.name, report.name.startsWith('clinic') ? '2023-07' : '2023-10', dataset);
  });

  it.each(reports)('$name: no raster image (pdfimages), and chart titles, axis labels and legends in pdftotext', ({ output }) => {
    if (!output) throw new Error('report not built');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'b4b-charts-')), 'report.pdf');
    writeFileSync(file, output.pdf);
    const images = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(images).toEqual([]);
    const text = pdfText(output.pdf).replace(/\s+/g, ' ');
    const charts = output.blocks.flatMap((b) => (b.kind === 'charts' ? b.charts : [])).filter((c) => c.series.length > 0);
    expect(charts.length).toBeGreaterThan(1);
    for (const chart of charts) {
      // What the chart draws whatever size the layout gives it: its title, category labels and
      // legend; the value axis's labels depend on the size, so only their presence is checked.
      for (const word of chart.title.split(' ')) expect(text, chart.title).toContain(word);
      for (const label of chart.monthLabels) expect(text, `${chart.title}: "${label}"`).toContain(label.split(' ')[0]);
      const legend = new Set(['Monthly figure', 'Figure', 'Target', ...chart.series.map((s) => s.label)]);
      for (const t of texts(chart).filter((d) => legend.has(d.text))) expect(text, `${chart.title}: legend "${t.text}"`).toContain(t.text);
      const axis = valueAxis(chart);
      if (axis.broken) expect(text).toContain('Axis starts at');
    }
    expect(text).toMatch(chartTickPattern(output));
  });
});
