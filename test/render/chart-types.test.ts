import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportHtml } from '../../src/html/report-html.js';
import { layOutTask } from '../../src/layout/layout-task.js';
import { chartScales } from '../../src/render/chart-canvas.js';
import { chartDescription, chartLegend, segmentShares } from '../../src/render/chart-config.js';
import type { ChartType } from '../../src/report/report-figures.js';
import { chartOfEachType, chartTypesReport, laidOutCharts } from '../fixtures/chart-types.js';
import { pdfText } from '../fixtures/pdf-text.js';

/** Every chart type from a chart model alone, laid out to PDF and to the HTML twin (test/fixtures/chart-types.ts). */
const task = chartTypesReport();
if (task.kind !== 'report') throw new Error('the chart-types fixture is a report');
const charts = laidOutCharts(task.blocks);
let file = '';
let text = '';
let html = '';

beforeAll(async () => {
  const laidOut = await layOutTask(task);
  file = path.join(mkdtempSync(path.join(tmpdir(), 'b4b-chart-types-')), 'chart-types.pdf');
  writeFileSync(file, laidOut.pdf);
  text = pdfText(Buffer.from(laidOut.pdf)).replace(/\s+/g, ' ');
  html = reportHtml(task.blocks, { title: task.options.title, format: task.options.format });
});

describe('one chart of each type', () => {
  it('covers every chart type', () => {
    const types: ChartType[] = ['line', 'bar', 'horizontal-bar', 'grouped-bar', 'stacked-bar', 'doughnut'];
    expect(new Set(chartOfEachType().map((c) => c.type))).toEqual(new Set(types));
  });

  it('is drawn in the PDF as vectors: no image, and one subset of each Arimo face for all its charts', () => {
    expect(execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').slice(2)).toEqual([]);
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    const faces = fonts.map((f) => /\+(Arimo-\w+)/.exec(f)?.[1] ?? f);
    // Nine charts: pdfmake's subsets and the charts' (Regular, Bold, Italic), never one per chart.
    for (const face of new Set(faces)) expect(faces.filter((f) => f === face).length, face).toBeLessThanOrEqual(2);
    expect(charts.length).toBe(9);
  });

  it.each(chartOfEachType().map((c) => ({ title: c.title, type: c.type })))(
    '$type: its title, categories, legend and ticks are text in the PDF',
    ({ title }) => {
      for (const { model, size } of charts.filter((c) => c.model.title === title)) {
        for (const word of model.title.split(' ')) expect(text).toContain(word);
        for (const label of model.monthLabels) for (const part of label.split(/[\s-]+/)) expect(text, label).toContain(part);
        for (const item of chartLegend(model, size).lines.flat()) for (const part of item.text) expect(text, item.label).toContain(part);
        for (const scale of Object.values(chartScales(model, size))) for (const tick of scale.ticks) expect(text, tick.label).toContain(tick.label);
      }
    },
  );

  it("prints a doughnut's figures and shares, never colour alone", () => {
    const doughnut = chartOfEachType().find((c) => c.type === 'doughnut');
    if (!doughnut) throw new Error('no doughnut');
    expect(segmentShares(doughnut)).toEqual(['56%', '14%', '12%', '6%', '5%', '2%', '4%']);
    expect(text).toContain('White British: 1240 (56%)');
    expect(text).toContain('Not known: 80 (4%)');
  });

  it('is inline SVG in the HTML twin, each with its text alternative beside its figures table', () => {
    // Every SVG is a chart, but the one before them that defines their glyphs once (hidden, of no size).
    const [glyphs, ...svgs] = html.match(/<svg\b[^>]*>/g) ?? [];
    expect(glyphs).toMatch(/width="0" height="0" style="position:absolute" aria-hidden="true"/);
    expect(svgs).toHaveLength(charts.length);
    for (const svg of svgs) expect(svg).toMatch(/role="img" aria-labelledby="(chart-\d+)-title \1-desc"/);
    expect(html).not.toMatch(/<image\b|data:image/);
    for (const chart of chartOfEachType()) {
      expect(html).toContain(`<title id="`);
      expect(html).toContain(chartDescription(chart).replace(/&/g, '&amp;'));
      expect(html).toContain(`Figures of the chart “${chart.title.replace(/&/g, '&amp;')}”`);
    }
    expect(html).toContain('<th scope="row">Share of the whole</th>');
  });
});
