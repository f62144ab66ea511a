import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartScales, chartSvg, drawChartPages, type ChartScales } from '../../src/render/chart-canvas.js';
import { chartConfiguration, chartDescription, chartLegend, tickLabel, valueAxis, type ChartSize } from '../../src/render/chart-config.js';
import { textWidth } from '../../src/render/fonts.js';
import type { ChartModel } from '../../src/report/report-figures.js';
import type { ReportDocument as ReportOutput } from '../../src/produce/report.js';
import { laidOutCharts, MONTHS } from '../fixtures/chart-types.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { configuredReport, performanceReport, sampleDataset } from '../fixtures/sample-report.js';
import type { Dataset, IndicatorRow } from '../../src/dataset/types.js';

const SIZE: ChartSize = { width: 370, height: 190 };

function line(title: string, series: Array<{ label: string; values: number[]; target?: number; percent?: boolean }>): ChartModel {
  return { kind: 'chart', title, monthLabels: MONTHS, series: series.map((s) => ({ percent: false, ...s, values: s.values })) };
}

/** The text a chart draws, as pdftotext reads it from the chart's own PDF page. */
const drawnText = (model: ChartModel, size = SIZE): string => pdfText(drawChartPages([{ model, size }])).replace(/\s+/g, ' ');

/** The title lines the configuration gives Chart.js, and their font size. */
function titleOf(model: ChartModel, size: ChartSize): { lines: string[]; size: number } {
  const title = (chartConfiguration(model, size).options.plugins as { title: { text: string[]; font: { size: number } } }).title;
  return { lines: title.text, size: title.font.size };
}

/** The images a PDF holds, a line each as pdfimages -list gives them: a vector chart has none. */
function pdfImages(pdf: Uint8Array): string[] {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'b4b-charts-')), 'chart.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').slice(2);
}

/** A tick label read back as a number: "17.5%" → 17.5, "1,500" → 1500. */
const labelValue = (label: string): number => Number(label.replace(/[%,]/g, ''));

/** The value axis of a drawn chart (y, or x for horizontal bars) and its category axis. */
function axes(model: ChartModel, scales: ChartScales): { value: ChartScales[string]; category: ChartScales[string] } {
  const horizontal = model.type === 'horizontal-bar';
  const value = scales[horizontal ? 'x' : 'y'];
  const category = scales[horizontal ? 'y' : 'x'];
  if (!value || !category) throw new Error(`${model.title}: no axes drawn`);
  return { value, category };
}

describe('the axis policy', () => {
  it('starts counts and rates at zero when their movement fills a third of such an axis', () => {
    const axis = valueAxis(line('Unregulated settings', [{ label: 'x', values: [26, 30, 30, 31, 29, 33, 30, 30, 36, 42, 42, 44, 48], target: 20 }]));
    expect(axis.min).toBe(0);
    expect(axis.broken).toBe(false);
  });

  it('starts a count just below the data and target when a zero start would flatten it, and says so on the chart', () => {
    const model = line('Contacts', [{ label: 'Contacts', values: [1488, 1794, 1428, 1839, 1598, 2023, 1544, 1828, 1948, 1804, 1471, 1532, 1922] }]);
    const axis = valueAxis(model);
    expect(axis.min).toBeGreaterThan(1000);
    expect(axis.min).toBeLessThanOrEqual(1428);
    expect(axis.broken).toBe(true);
    const drawnAxis = axes(model, chartScales(model, SIZE)).value;
    expect(drawnText(model)).toContain(`Axis starts at ${drawnAxis.ticks[0]?.label}, not 0`);
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
    const text = drawnText(model);
    expect(text).toContain('100%');
    expect(text).toMatch(/Axis starts at \d+%, not 0%/);
  });

  it('starts bars at zero, below zero for an underspend, and labels money with separators', () => {
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
    expect(drawnText(bars)).toContain('1,500');
  });

  it('stacks bars by their totals: the axis reaches the tallest stack', () => {
    const stacked: ChartModel = {
      kind: 'chart',
      type: 'stacked-bar',
      title: 'Allocations',
      monthLabels: ['A', 'B'],
      series: [
        { label: 'SW', values: [120, 40], percent: false },
        { label: 'NQSW', values: [90, 10], percent: false },
      ],
    };
    expect(valueAxis(stacked).max).toBeGreaterThanOrEqual(210);
  });

  it('labels every tick with its gridline value, a 2.5 step with one decimal ("17.5%", never "18%" on that line)', () => {
    const model = line('CLA with 3 or more placements', [
      { label: 'CLA', values: [0.18, 0.17, 0.16, 0.15, 0.15, 0.14, 0.15, 0.15, 0.14, 0.16, 0.18, 0.17, 0.18], target: 0.1, percent: true },
    ]);
    const steps = new Set<number>();
    for (let length = 40; length < 400; length += 5) {
      const axis = valueAxis(model, length);
      steps.add(axis.step);
      axis.ticks.forEach((tick, k) => {
        expect(tick).toBeCloseTo(axis.min + k * axis.step, 9);
        expect(labelValue(tickLabel(axis, tick))).toBeCloseTo(tick, 9);
      });
      if (axis.step === 2.5) expect(axis.ticks.map((t) => tickLabel(axis, t))).toContain('17.5%');
    }
    expect([...steps]).toContain(2.5);
  });
});

describe('titles and legends', () => {
  it('the legend names the series, never the title again; the target is a dashed-line swatch', () => {
    const model = line('Rate of children subject to CP plans', [{ label: 'Rate of children subject to CP plans', values: MONTHS.map(() => 60), target: 55 }]);
    const legend = chartLegend(model, SIZE).lines.flat();
    expect(legend.map((i) => i.label)).toEqual(['Monthly figure', 'Target']);
    expect(legend[1]?.swatch).toEqual({ kind: 'target' });
    const text = drawnText(model);
    expect(text.split('Rate of children subject to CP plans')).toHaveLength(2);
    expect(text).toContain('Monthly figure');
    expect(text).toContain('Target');
  });

  it('a chart of one series named like it, with no target, has no legend: "Figure" alone would say nothing the title does not', () => {
    const bars: ChartModel = {
      kind: 'chart',
      type: 'bar',
      title: 'Referrals by source',
      monthLabels: ['Police', 'Schools', 'Health services'],
      series: [{ label: 'Referrals by source', percent: false, values: [92, 86, 38] }],
    };
    expect(chartLegend(bars, SIZE).lines).toEqual([]);
    expect(drawnText(bars)).not.toContain('Figure');
    const plain = line('Number of contacts in the month', [{ label: 'Number of contacts in the month', values: MONTHS.map(() => 1500) }]);
    expect(chartLegend(plain, SIZE).lines).toEqual([]);
    // Two series keep their names.
    const two = line('Contacts', [
      { label: 'Contacts', values: MONTHS.map(() => 1500) },
      { label: 'Referrals', values: MONTHS.map(() => 300) },
    ]);
    expect(
      chartLegend(two, SIZE)
        .lines.flat()
        .map((i) => i.label),
    ).toEqual(['Contacts', 'Referrals']);
  });

  it("a doughnut's segments and swatches are told apart past the ten fills: hatched '/', then '\\'", () => {
    const categories = Array.from({ length: 21 }, (_, i) => `Group ${i + 1}`);
    const model: ChartModel = {
      kind: 'chart',
      type: 'doughnut',
      title: 'Twenty-one groups',
      monthLabels: categories,
      series: [{ label: 'Share', percent: true, values: categories.map(() => 100 / 21) }],
    };
    const swatches = chartLegend(model, { width: 520, height: 300 })
      .lines.flat()
      .map((item) => item.swatch);
    expect(swatches).toHaveLength(21);
    expect(new Set(swatches.map((s) => JSON.stringify(s))).size).toBe(21);
    expect(swatches.slice(0, 10).every((s) => s.kind === 'box' && s.hatch === undefined)).toBe(true);
    expect(swatches.slice(10, 20).map((s) => (s.kind === 'box' ? s.hatch?.rising : undefined))).toEqual(Array(10).fill('right'));
    expect(swatches[20]).toMatchObject({ kind: 'box', hatch: { rising: 'left' } });
    // Still vector: hatching is drawn as lines, never an image.
    expect(pdfImages(drawChartPages([{ model, size: { width: 520, height: 300 } }]))).toEqual([]);
  });

  it('"Target" never stands alone on a legend line', () => {
    const model = line('Caseloads', [
      { label: 'Average number of children per qualified Social Worker (1 FTE)', values: MONTHS.map(() => 15), target: 14 },
      { label: 'Average number of children per primary caseholder (based on 1 FTE)', values: MONTHS.map(() => 16), target: 14 },
    ]);
    for (const width of [200, 248, 300, 378]) {
      const { lines } = chartLegend(model, { width, height: 150 });
      expect(lines.length).toBeGreaterThan(1);
      for (const legendLine of lines)
        expect(
          legendLine.every((i) => i.swatch.kind === 'target'),
          `${width} pt wide`,
        ).toBe(false);
      // What is drawn: every line of every label, the target's beside a series.
      const text = drawnText(model, { width, height: 150 });
      for (const part of lines.flat().flatMap((i) => i.text)) expect(text).toContain(part);
    }
  });

  it('fits a long title to the chart: shrunk, then wrapped, never wider than the chart', () => {
    const title = 'Percentage of children with child in need plan (not CWD) with CIN review within last 12 weeks';
    for (const width of [240, 370]) {
      const model = line(title, [{ label: 'x', values: MONTHS.map(() => 1) }]);
      const drawn = titleOf(model, { width, height: 190 });
      expect(drawn.lines.join(' ')).toBe(title);
      for (const titleLine of drawn.lines) expect(textWidth(titleLine, drawn.size, 'bold')).toBeLessThanOrEqual(width - 8);
    }
  });

  it('as SVG, is vector with its text alternative for the HTML twin, and ids of its own', () => {
    const svg = chartSvg(line('Contacts & referrals', [{ label: 'Contacts', values: MONTHS.map((_, i) => 100 + i) }]), SIZE, 'c1');
    expect(svg).toMatch(
      /^<svg [^>]*role="img" aria-labelledby="c1-title c1-desc"><title id="c1-title">Contacts &amp; referrals<\/title><desc id="c1-desc">Line chart, Oct-22 to Oct-23\. Contacts: 112 in Oct-23, lowest 100 \(Oct-22\), highest 112 \(Oct-23\)\.<\/desc>/,
    );
    expect(svg).not.toMatch(/<image/);
    const ids = [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(ids.length).toBeGreaterThan(2);
    for (const id of ids) expect(id).toMatch(/^c1-(title|desc|\d+)$/);
    for (const ref of svg.matchAll(/(?:href="#|url\(#)([^")]+)/g)) expect(ids).toContain(ref[1]);
    // Numbered in their order in this chart, not by cairo's count of surfaces drawn so far in the process:
    // the same chart is the same text whatever was drawn before it (a month run and a pack run give one HTML).
    const other = chartSvg(line('Another chart', [{ label: 'Referrals', values: MONTHS.map((_, i) => 50 + i) }]), SIZE, 'c2');
    expect(chartSvg(line('Contacts & referrals', [{ label: 'Contacts', values: MONTHS.map((_, i) => 100 + i) }]), SIZE, 'c1')).toBe(svg);
    expect(ids.slice(2)).toEqual(ids.slice(2).map((_, i) => `c1-${i + 1}`));
    expect(other).toContain('id="c2-1"');
  });
});

describe('the charts of the October 2023 reports and the July 2023 clinics', () => {
  const reports: Array<{ name: string; month: '2023-10' | '2023-07'; output?: ReportOutput }> = [
    { name: 'performance', month: '2023-10' },
    { name: 'finance', month: '2023-10' },
    { name: 'clinic-safeguarding', month: '2023-07' },
    { name: 'clinic-pathways-through-care', month: '2023-07' },
  ];

  beforeAll(async () => {
    const dataset = await sampleDataset();
    for (const report of reports) report.output = await configuredReport(report.name, report.month, dataset);
  });

  const built = (name: string): ReportOutput => {
    const output = reports.find((r) => r.name === name)?.output;
    if (!output) throw new Error(`${name} was not built`);
    return output;
  };

  it('every tick label is the value of its gridline, and every category is labelled', () => {
    let checked = 0;
    for (const { name } of reports) {
      for (const { model, size } of laidOutCharts(built(name).blocks)) {
        const { value, category } = axes(model, chartScales(model, size));
        expect(value.gridlines, model.title).toBe(true);
        expect(value.ticks.length, model.title).toBeGreaterThan(2);
        for (const tick of value.ticks) expect(labelValue(tick.label), `${name}: ${model.title}, tick ${tick.value}`).toBeCloseTo(tick.value, 9);
        // None hidden: a tick for each category, labelled with the category (wrapped onto lines, read back joined).
        expect(
          category.ticks.map((t) => t.label.replace(/- /g, '-')),
          `${name}: ${model.title}`,
        ).toEqual(model.monthLabels);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('the three charts the issue names have their ticks on whole gridline values', () => {
    const named = [
      ['performance', 'CLA with 3 or more placements'],
      ['clinic-safeguarding', 'CIN visits'],
      ['clinic-pathways-through-care', 'review'],
    ] as const;
    for (const [report, words] of named) {
      const found = laidOutCharts(built(report).blocks).find(({ model }) => model.title.includes(words));
      if (!found) throw new Error(`${report}: no chart titled with "${words}"`);
      const ticks = axes(found.model, chartScales(found.model, found.size)).value.ticks;
      const step = (ticks[1]?.value ?? 0) - (ticks[0]?.value ?? 0);
      for (const tick of ticks) expect(tick.label, found.model.title).toBe(`${step % 1 === 0 ? tick.value.toFixed(0) : tick.value.toFixed(1)}%`);
    }
  });

  it("the finance report's placements chart labels all its bars", () => {
    const found = laidOutCharts(built('finance').blocks).find(({ model }) => /placement/i.test(model.title));
    if (!found) throw new Error('no placements chart');
    expect(found.model.monthLabels.length).toBe(4);
    const category = axes(found.model, chartScales(found.model, found.size)).category;
    expect(category.ticks.map((t) => t.label.replace(/- /g, '-'))).toEqual(found.model.monthLabels);
  });

  it.each(reports.map((r) => r.name))('%s: no raster image; chart titles, category labels, legends and ticks in pdftotext; one font subset set', (name) => {
    const output = built(name);
    expect(pdfImages(output.pdf)).toEqual([]);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'b4b-charts-')), 'report.pdf');
    writeFileSync(file, output.pdf);
    const text = pdfText(output.pdf).replace(/\s+/g, ' ');
    const charts = laidOutCharts(output.blocks);
    expect(charts.length).toBeGreaterThan(1);
    for (const { model, size } of charts) {
      for (const word of model.title.split(' ')) expect(text, model.title).toContain(word);
      for (const label of model.monthLabels) for (const part of label.split(/[\s-]+/)) expect(text, `${model.title}: "${label}"`).toContain(part);
      for (const item of chartLegend(model, size).lines.flat())
        for (const part of item.text) expect(text, `${model.title}: legend "${item.label}"`).toContain(part);
      for (const tick of axes(model, chartScales(model, size)).value.ticks) expect(text, `${model.title}: tick ${tick.label}`).toContain(tick.label);
    }
    // Each Arimo face at most twice: the document's text, and all of its charts together (never one per chart).
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    const faces = fonts.map((f) => /\+(Arimo-\w+)/.exec(f)?.[1] ?? f);
    for (const face of new Set(faces)) expect(faces.filter((f) => f === face).length, face).toBeLessThanOrEqual(2);
  });
});

describe('a chart whose months run into the financial year before, whose target the workbook gives apart', () => {
  it("draws and tables each month against its own year's target, never this year's across last year's months", async () => {
    const dataset = await sampleDataset();
    // 'Right service right time': the referrals row (AB8 is Oct-23) with a target for 2022/23 of 300 beside 2023/24's 273.
    const referrals = (row: IndicatorRow): boolean => row.values['2023-10']?.source.cell === 'AB8' && row.values['2023-10']?.source.sheet === 'B4B data set';
    const byYear: Dataset = {
      ...dataset,
      tables: dataset.tables.map((t) => ({
        ...t,
        rows: t.rows.map((r) =>
          referrals(r) && r.target?.kind === 'number'
            ? {
                ...r,
                yearTargets: [
                  { year: 2022, label: 'Target 2022/23', figure: { ...r.target, value: 300 } },
                  { year: 2023, label: 'Target 2023/24', figure: r.target },
                ],
              }
            : r,
        ),
      })),
    };
    const output = await performanceReport('2023-10', byYear);
    const charts = laidOutCharts(output.blocks).map(({ model }) => model);
    const chart = charts.find((m) => m.series.some((s) => s.targets !== undefined));
    if (!chart) throw new Error('no chart with targets by year');
    expect(chart.series.map((s) => [s.target, s.targets])).toEqual([[273, [300, 300, 300, 300, 300, 300, 273, 273, 273, 273, 273, 273, 273]]]);
    // The text alternative and the figures table say which target each month is measured against.
    expect(chartDescription(chart)).toContain('; target 300 for Oct-22 to Mar-23, 273 for Apr-23 to Oct-23.');
    const target = /<tr><th scope="row">Target<\/th>(.*?)<\/tr>/.exec(output.html?.slice(output.html.indexOf(chart.title)) ?? '')?.[1] ?? '';
    expect([...target.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1])).toEqual([
      '300',
      '300',
      '300',
      '300',
      '300',
      '300',
      '273',
      '273',
      '273',
      '273',
      '273',
      '273',
      '273',
    ]);
    // Every other chart of the report, and every chart of the sample as it is, keeps one target across its months.
    expect(charts.filter((m) => m !== chart && m.series.some((s) => s.targets !== undefined))).toEqual([]);
    const sample = laidOutCharts((await performanceReport('2023-10', dataset)).blocks).map(({ model }) => model);
    expect(sample.filter((m) => m.series.some((s) => s.targets !== undefined))).toEqual([]);
  });
});
