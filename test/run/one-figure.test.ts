import ExcelJS from 'exceljs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSettings, type LoadedSettings } from '../../src/config/settings.js';
import { describeDisagreements, packDisagreements, type PackFigure } from '../../src/pack/consistency.js';

import { silentProgress } from '../../src/run/progress.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { producePack } from '../../src/produce/pack.js';
import { produceReport } from '../../src/produce/report.js';
import { printedFigures } from '../../src/report/printed-figures.js';
import type { Block } from '../../src/report/template/blocks.js';
import { performanceReport, SAMPLE, sampleDataset, sampleInputs, testContext } from '../fixtures/sample-report.js';
import { tempProject } from '../fixtures/temp-project.js';
import { runOne, runRequest } from '../fixtures/run-request.js';

const request = runRequest;

const figure = (over: Partial<PackFigure>): PackFigure => ({
  document: 'performance',
  kind: 'figure',
  indicator: 'number-of-children-in-our-care',
  name: 'Number of children in our care',
  month: '2022-11',
  text: '552',
  ...over,
});

describe('one figure per indicator and month', () => {
  it('finds two figures for one month across documents, and names both cells, tables and pages once per indicator', () => {
    const printed = [
      figure({ cell: "'B4B data set'!Q20", table: 'Right service right time', packPage: 4 }),
      figure({ cell: "'B4B data set'!Q33", table: 'Children remain within or return to birth families', packPage: 9, text: '543' }),
      figure({ month: '2022-12', cell: "'B4B data set'!R20", table: 'Right service right time', packPage: 4, text: '540' }),
      figure({ month: '2022-12', cell: "'B4B data set'!R33", table: 'Children remain within or return to birth families', packPage: 9, text: '540' }),
      // Blanks and "-" are not figures: a table without the month does not disagree.
      figure({ month: '2023-01', document: 'clinic-safeguarding', text: '' }),
      figure({ month: '2023-01', text: '549' }),
      figure({ kind: 'target', month: '2023-10', text: '12%', cell: "'B4B data set'!AC44", document: 'performance', packPage: 9 }),
      figure({ kind: 'target', month: '2023-10', text: '11%', cell: 'config/team-measures.yaml', document: 'clinic-safeguarding', packPage: 30 }),
    ];
    const found = packDisagreements(printed);
    expect(found.map((d) => `${d.kind} ${d.month}`)).toEqual(['figure 2022-11', 'target 2023-10']);
    expect(describeDisagreements(found).map((w) => w.message)).toEqual([
      'the pack prints different figures for "Number of children in our care" in performance, table "Right service right time", Page 4 and ' +
        'performance, table "Children remain within or return to birth families", Page 9, each from the table its template names: ' +
        "1 month(s) differ: Nov-22 552 ('B4B data set'!Q20) / 543 ('B4B data set'!Q33)",
      'the pack prints different targets for "Number of children in our care" in performance, Page 9 and clinic-safeguarding, Page 30, ' +
        "each from the table its template names: 1 month(s) differ: Oct-23 12% ('B4B data set'!AC44) / 11% (config/team-measures.yaml)",
    ]);
  });

  it("records a team table's target set in the team measures file as from the project's own file, which the check across outputs then names", () => {
    const table = (file?: string): Block => ({
      kind: 'team-table',
      code: 'sa-20-days',
      title: 'Single assessments completed within 20 working days',
      target: '11%',
      targetFrom: { indicator: 'single-assessments-20-days', ...(file ? { file } : {}) },
      rows: [],
      total: { team: 'Total', denominator: 0, numerator: 0, percent: '', worse: false },
    });
    expect(printedFigures([table('config/clinic-measures-2024.yaml')], 'clinic-safeguarding', '2023-10')).toEqual([
      expect.objectContaining({ kind: 'target', text: '11%', cell: 'config/clinic-measures-2024.yaml' }),
    ]);
    // Without a file (a model made elsewhere), no cell is claimed rather than a file the project may not read.
    expect(printedFigures([table()], 'clinic-safeguarding', '2023-10')[0]).not.toHaveProperty('cell');
  });

  it("a report reads the same tables in a pack as alone: the board pack's clinic prints the stand-alone clinic's figures", async () => {
    const inputs = await sampleInputs();
    const alone = await produceReport(inputs, { name: 'clinic-safeguarding', month: '2023-07' }, testContext());
    const board = await producePack(inputs, 'board', '2023-10', testContext(), { numberItemFiles: true });
    const inBoard = board.printed.filter((f) => f.document === 'clinic-safeguarding');
    const key = (f: { kind: string; indicator: string; month: string; label?: string }): string => `${f.kind}|${f.indicator}|${f.month}|${f.label ?? ''}`;
    const standAlone = new Map(alone.printed.map((f) => [key(f), f.text]));
    expect(inBoard.length).toBeGreaterThan(100);
    expect(
      inBoard
        .filter((f) => standAlone.get(key(f)) !== f.text)
        .map((f) => `${f.name} ${f.month}: ${f.text} in the pack, ${standAlone.get(key(f)) ?? 'nothing'} alone`),
    ).toEqual([]);
    // And the text the reader sees: the clinic's pages in the pack read as the clinic alone, but for the pack's stamps and page numbers.
    const strip = (text: string): string =>
      text
        .replace(/Page \d+/g, '')
        .replace(/Agenda Item \d+|Appendix \d+/g, '')
        .replace(/\s+/g, ' ')
        .trim();
    const aloneText = strip(pdfText(alone.pdf));
    const item = board.variants.restricted.items.find((i) => pdfText(Buffer.from(i.bytes)).includes('Assurance Clinic - Safeguarding'));
    expect(strip(pdfText(Buffer.from(item?.bytes ?? new Uint8Array())))).toContain(aloneText);
  });
});

describe('the table a template names', () => {
  const table = (body: string): string => `# Test\n\n{{#indicatorTable from="Right service right time"}}\n${body}\n{{/indicatorTable}}\n`;

  it('takes a row from its own section where the line says so', async () => {
    const report = await performanceReport(
      '2023-10',
      undefined,
      table('number-of-children-in-our-care from "Children remain within or return to birth families"'),
    );
    const block = report.blocks.find((b) => b.kind === 'indicator-table');
    expect(block?.kind === 'indicator-table' ? block.rows[0]?.table : undefined).toBe('Children remain within or return to birth families');
    expect(report.warnings).toEqual([]);
  });

  it('warns, naming the table used, where the named section has no such row, rather than guessing quietly', async () => {
    const report = await performanceReport('2023-10', undefined, table('number-of-children-in-our-care from "Corporate parenting board"'));
    const messages = report.warnings.map((w) => w.message);
    expect(messages).toContain(
      'Number of children in our care: the template takes it from the section "Corporate parenting board", but no table of that section has it for Oct-23; ' +
        'printed from the table "Right service right time" instead',
    );
    // And the other tables that have the row, with other figures, are named with the months they differ in.
    expect(messages.filter((m) => m.startsWith('Number of children in our care: two tables could give it, "Right service right time"'))).toHaveLength(2);
    expect(messages).toHaveLength(3);
  });
});

describe('a run of the sample month', () => {
  let loaded: LoadedSettings;
  beforeAll(async () => {
    const project = await tempProject();
    loaded = await loadSettings({ settingsFile: project.settings });
  });

  it('records every difference of the October 2023 board pack with both cells and the pages the rows are on', async () => {
    const { record } = await runOne(loaded, request({ kind: 'pack', name: 'board' }), silentProgress);
    const differences = record.warnings.filter((w) => w.startsWith('the pack prints different'));
    expect(differences.length).toBeGreaterThan(0);
    const cla = differences.find((w) => w.includes('"Number of children in our care"'));
    expect(cla).toContain("Nov-22 552 ('B4B data set'!Q20) / 543 ('B4B data set'!Q33)");
    // The pages named are the pages of the restricted pack that print the rows.
    const restricted = await readFile(record.outputs.find((o) => o.path.endsWith('board-2023-10-restricted.pdf'))?.path ?? '');
    const pages = pdfText(restricted).split('\f');
    for (const page of [...(cla ?? '').matchAll(/Page (\d+)/g)].map((m) => Number(m[1]))) {
      const pageText = pages.find((text) => text.includes(`Page ${page}\n`)) ?? '';
      expect(pageText, `Page ${page}`).toContain('Number of children in our care');
    }
  });

  it('prints and records the workbook findings, and --strict fails on them', async () => {
    const { record } = await runOne(loaded, request({ kind: 'report', name: 'performance' }), silentProgress);
    expect(record.warnings).toContainEqual(
      expect.stringContaining(
        "b4b-sample.xlsx › 'B4B data set'!O20: Number of children in our care: \"Right service right time\" (row C20) reads as the other tables' series shifted by one month",
      ),
    );
    await expect(runOne(loaded, request({ kind: 'report', name: 'performance' }, { strict: true }), silentProgress)).rejects.toThrow(
      /--strict: the run has \d+ warning\(s\); nothing was written:\n(.*\n)*? {2}b4b-sample\.xlsx › 'B4B data set'!O20: Number of children in our care/,
    );
  });

  it('puts none of its warnings on a page: the clinic with a measure that has no monthly series', async () => {
    const month = { month: '2023-07' as const };
    // A measure whose monthly series config/team-measures.yaml does not name: the 20-working-day one, its line taken out.
    const project = await tempProject();
    const measures = path.join(project.root, 'config', 'team-measures.yaml');
    const config = await readFile(measures, 'utf8');
    const withoutSeries = config.replace('\n    indicator: percentage-of-c-f-assessments-completed-within-20-working-days', '');
    expect(withoutSeries).not.toBe(config);
    await writeFile(measures, withoutSeries);
    const noSeries = await loadSettings({ settingsFile: project.settings });
    const { record } = await runOne(noSeries, request({ kind: 'report', name: 'clinic-safeguarding' }, month), silentProgress);
    expect(record.warnings).toContainEqual(
      expect.stringContaining('Single assessments completed within 20 working days: config/team-measures.yaml names no monthly series'),
    );
    const pdf = await readFile(record.outputs.find((o) => o.path.endsWith('.pdf'))?.path ?? '');
    const html = await readFile(record.outputs.find((o) => o.path.endsWith('.html'))?.path ?? '', 'utf8');
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    expect(text).not.toContain('no monthly series');
    expect(html).not.toContain('no monthly series');
    for (const warning of record.warnings) {
      // The part of a warning after its cell is the sentence that must never reach the page.
      const sentence = warning.replace(/^.*?!\w+\d+: /, '').replace(/\s+/g, ' ');
      expect(text.includes(sentence), sentence).toBe(false);
    }
  });
});

describe('a re-run after a target, a benchmark and the commentary changed', () => {
  it('lists the target, the benchmark, the RAG they change and the commentary, each with its cell', async () => {
    const project = await tempProject();
    const loaded = await loadSettings({ settingsFile: project.settings });
    const dataset = await sampleDataset();
    const row = dataset.tables
      .find((t) => t.section === 'Strong, Vibrant Localities')
      ?.rows.find((r) => r.id === 'percentage-of-re-referrals-within-12-months');
    const targetCell = row?.target?.source.cell ?? '';
    const englandCell = row?.benchmarks.england?.figure.source.cell ?? '';
    const commentary = dataset.commentary.find((c) => c.month === '2023-10' && c.report === 'performance');
    expect([targetCell, englandCell, commentary?.source.cell]).not.toContain('');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(SAMPLE);
    const sheet = workbook.getWorksheet(row?.source.sheet ?? '');
    sheet!.getCell(targetCell).value = 0.05;
    sheet!.getCell(englandCell).value = 0.3;
    workbook.getWorksheet(commentary?.source.sheet ?? '')!.getCell(commentary?.source.cell ?? '').value = 'Re-referrals are under review.';
    const changed = path.join(project.root, 'changed.xlsx');
    await workbook.xlsx.writeFile(changed);

    await runOne(loaded, request({ kind: 'report', name: 'performance' }), silentProgress);
    const { record } = await runOne(loaded, request({ kind: 'report', name: 'performance' }, { workbook: changed }), silentProgress);
    const changes = record.changes ?? [];
    const about = (what: string): string[] =>
      changes
        .filter((c) => c.what === what && c.indicator.startsWith('Percentage of re-referrals'))
        .map((c) => `${c.where}: ${c.old} → ${c.new} ${c.cell ?? ''}`);
    // Once: the target the report prints is its table's, from the same cell.
    expect(about('target')).toEqual([
      `'B4B data set' Strong, Vibrant Localities: ${row?.target?.kind === 'number' ? `${Math.round(row.target.value * 100)}%` : ''} → 5% '${row?.source.sheet}'!${targetCell}`,
    ]);
    expect(changes.some((c) => c.what?.startsWith('benchmark') && c.new === '30%' && c.cell === `'${row?.source.sheet}'!${englandCell}`)).toBe(true);
    expect(changes.find((c) => c.what === 'commentary')).toMatchObject({
      new: 'Re-referrals are under review.',
      cell: `'${commentary?.source.sheet}'!${commentary?.source.cell}`,
    });
    expect(about('RAG').length).toBe(1);
  });
});

describe('a re-run lists the changes of what each output prints from', () => {
  it('a finance change is listed for the finance report only, a referrals change for the performance report only', { timeout: 120_000 }, async () => {
    const project = await tempProject();
    const loaded = await loadSettings({ settingsFile: project.settings });
    const dataset = await sampleDataset();
    const revenue = dataset.finance.revenue.find((r) => r.month === '2023-10' && r.serviceArea.startsWith('Safeguarding'));
    const referrals = dataset.tables.flatMap((t) => t.rows).find((r) => r.id === 'number-of-referrals-into-statutory-service-in-the-month');
    const referralsOctober = referrals?.values['2023-10'];
    expect(revenue && referralsOctober).toBeTruthy();

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(SAMPLE);
    workbook.getWorksheet(revenue!.forecastOutturn.source.sheet ?? '')!.getCell(revenue!.forecastOutturn.source.cell ?? '').value = 11410000;
    workbook.getWorksheet(referralsOctober!.source.sheet ?? '')!.getCell(referralsOctober!.source.cell ?? '').value = 311;
    const changed = path.join(project.root, 'changed.xlsx');
    await workbook.xlsx.writeFile(changed);

    const changesOf = async (name: string): Promise<string[]> => {
      await runOne(loaded, request({ kind: 'report', name }), silentProgress);
      const { record } = await runOne(loaded, request({ kind: 'report', name }, { workbook: changed }), silentProgress);
      return (record.changes ?? []).map((c) => `${c.where}: ${c.indicator}${c.cell ? ` ${c.cell}` : ''}`);
    };
    const performance = await changesOf('performance');
    expect(performance.some((c) => c.includes(referrals!.name))).toBe(true);
    expect(performance.filter((c) => c.startsWith('Finance'))).toEqual([]);
    const finance = await changesOf('finance');
    expect(finance).toContain(
      `Finance revenue forecast outturn: ${revenue!.serviceArea} '${revenue!.forecastOutturn.source.sheet}'!${revenue!.forecastOutturn.source.cell}`,
    );
    expect(finance.filter((c) => c.includes(referrals!.name))).toEqual([]);
  });
});
