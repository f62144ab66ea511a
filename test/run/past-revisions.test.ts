import ExcelJS from 'exceljs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import type { MonthKey } from '../../src/model/month.js';
import { describePastRevision, pastRevisions, type SnapshotEntry } from '../../src/run/figures-snapshot.js';
import { RunLedger } from '../../src/run/ledger.js';
import { runInProcess, runRequest } from '../fixtures/run-request.js';
import { tempProject } from '../fixtures/temp-project.js';
import { ROOT } from '../fixtures/workbooks.js';

const WHERE = "'B4B data set' Right service right time";
const MONTHS: MonthKey[] = ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06', '2023-07', '2023-08', '2023-09'];

/** A snapshot of one row's month figures (and its target, which is not a month's figure), as figuresSnapshot keys them. */
function snapshot(values: Array<number | undefined>, months: MonthKey[] = MONTHS, target = '300'): Record<string, SnapshotEntry> {
  const out: Record<string, SnapshotEntry> = {};
  values.forEach((v, i) => {
    const month = months[i] as MonthKey;
    if (v === undefined) return;
    out[`figure|${WHERE}|Number of contacts|${month}`] = {
      where: WHERE,
      indicator: 'Number of contacts',
      month,
      value: String(v),
      cell: `'B4B data set'!${'STUVWXYZA'[i]}6`,
    };
  });
  out[`target|${WHERE}|Number of contacts|2023-09`] = { where: WHERE, indicator: 'Number of contacts', month: '2023-09', what: 'target', value: target };
  return out;
}

const SEPTEMBER = [1839, 1598, 2023, 1544, 1828, 1948, 1804, 1471, 1532];

describe('past months that an earlier month’s run read', () => {
  it('a row moved one month later (pasted one column to the right) is named, with its cell and what to do', () => {
    const october = snapshot([undefined, 1839, 1598, 2023, 1544, 1828, 1948, 1804, 1471]);
    const [revision, ...rest] = pastRevisions(snapshot(SEPTEMBER), october, '2023-09');
    expect(rest).toEqual([]);
    expect(revision).toMatchObject({ indicator: 'Number of contacts', lag: 1, shared: 8 });
    expect(revision?.differ.map((d) => d.month)).toEqual(MONTHS.slice(1).reverse());
    expect(describePastRevision(revision as NonNullable<typeof revision>, 'the run of September 2023', 'B4B October 2023.xlsx')).toBe(
      "B4B October 2023.xlsx › 'B4B data set'!A6: Number of contacts ('B4B data set' Right service right time): each month now holds the figure " +
        "the run of September 2023 read for the month before, in 8 of the 8 months both read (Sep-23 1471, which was Aug-23's; " +
        "Aug-23 1804, which was Jul-23's; Jul-23 1948, which was Jun-23's, and 5 more): is the row out of step with its month headers, " +
        'pasted one column over? Put each figure under its own month, then run this month again with --force',
    );
  });

  it('a row moved one month earlier is named as holding the month after’s figures', () => {
    const october = snapshot([1598, 2023, 1544, 1828, 1948, 1804, 1471, 1532, 1922]);
    const [revision] = pastRevisions(snapshot(SEPTEMBER), october, '2023-09');
    expect(revision?.lag).toBe(-1);
    expect(describePastRevision(revision as NonNullable<typeof revision>, 'the run of September 2023', 'b.xlsx')).toContain(
      'read for the month after, in 8 of the 9 months',
    );
  });

  it('a moved row lists only the months that moved: a month with no earlier figure to compare is not said to be one', () => {
    const october = snapshot([1598, 2023, 1544, 1828, 1948, 1804, 1471, 1532, 1922]);
    const [revision] = pastRevisions(snapshot(SEPTEMBER), october, '2023-09');
    const said = describePastRevision(revision as NonNullable<typeof revision>, 'the run of September 2023', 'b.xlsx');
    expect(said).toContain("(Aug-23 1532, which was Sep-23's; Jul-23 1471, which was Aug-23's; Jun-23 1804, which was Jul-23's, and 5 more)");
    expect(said).not.toContain('Oct-23');
  });

  it('a month or two revised is not listed, nor a target changed, nor a month after the earlier run’s', () => {
    const october = snapshot([1839, 1598, 2023, 1544, 1828, 1948, 1804, 1480, 1540, 9999], [...MONTHS, '2023-10'], '250');
    expect(pastRevisions(snapshot(SEPTEMBER), october, '2023-09')).toEqual([]);
    // The same row read a month later, from a workbook whose October column the earlier run had too: October is not a past month.
    expect(pastRevisions(snapshot([...SEPTEMBER, 1922], [...MONTHS, '2023-10']), october, '2023-09')).toEqual([]);
  });

  it('a row restated in most of its months is listed, and says that a restatement on purpose is no fault', () => {
    const october = snapshot(SEPTEMBER.map((v) => v + 7));
    const [revision] = pastRevisions(snapshot(SEPTEMBER), october, '2023-09');
    expect(revision).toMatchObject({ shared: 9 });
    expect(revision?.lag).toBeUndefined();
    expect(describePastRevision(revision as NonNullable<typeof revision>, 'the run of September 2023', 'b.xlsx')).toBe(
      "b.xlsx › 'B4B data set'!A6: Number of contacts ('B4B data set' Right service right time): 9 of the 9 months the run of September 2023 also " +
        'read now differ (Sep-23 1532 then, 1539 now; Aug-23 1471 then, 1478 now; Jul-23 1804 then, 1811 now, and 6 more): a row pasted over or ' +
        'sorted apart from its names changes them all. If the figures were restated on purpose, nothing is wrong; if not, correct the row, then ' +
        'run this month again with --force',
    );
    // Six of nine months restated is under three quarters: not listed.
    expect(pastRevisions(snapshot(SEPTEMBER), snapshot(SEPTEMBER.map((v, i) => (i < 6 ? v + 7 : v))), '2023-09')).toEqual([]);
  });
});

describe('a month run after the run of the month before', () => {
  it('warns of a row pasted one column to the right, and the advice followed (the row put back, run again with --force) clears it', async () => {
    const project = await tempProject();
    const loaded = await loadSettings({ settingsFile: project.settings });
    const target = { kind: 'report', name: 'performance' } as const;
    const september = await runInProcess(loaded, runRequest(target, { month: '2023-09' }));
    expect(september.results[0]?.record.outcome).toBe('success');

    // October's workbook, with 'Number of contacts in the month' (row 6) pasted one column to the right.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path.join(ROOT, 'data', 'b4b-sample.xlsx'));
    const sheet = workbook.getWorksheet('B4B data set');
    if (!sheet) throw new Error('the sample has no B4B data set sheet');
    const values = Array.from({ length: 25 }, (_, i) => sheet.getCell(6, 4 + i).value);
    sheet.getCell(6, 4).value = null;
    values.forEach((v, i) => (sheet.getCell(6, 5 + i).value = v));
    const shifted = path.join(project.root, 'B4B October 2023.xlsx');
    await workbook.xlsx.writeFile(shifted);

    const said: string[] = [];
    const october = await runInProcess(loaded, runRequest(target, { workbook: shifted }), {
      step: () => undefined,
      error: () => undefined,
      warn: (m) => void said.push(m),
    });
    const record = october.results[0]?.record;
    expect(record?.outcome).toBe('success');
    const warning = record?.warnings.find((w) => w.includes('each month now holds the figure'));
    expect(warning).toMatch(
      /^B4B October 2023\.xlsx › 'B4B data set'!AA6: Number of contacts in the month \('B4B data set' Right service right time\): each month now holds the figure the run of September 2023 read for the month before, in 23 of the 24 months both read \(Sep-23 1471, which was Aug-23's;/,
    );
    expect(said.some((m) => m.startsWith(warning?.slice(0, 60) ?? '-'))).toBe(true);

    // The advice: each figure back under its own month (the sample), and the month run again with --force.
    const again = await runInProcess(loaded, runRequest(target, { workbook: path.join(ROOT, 'data', 'b4b-sample.xlsx'), force: true }));
    expect(again.results[0]?.record.outcome).toBe('success');
    expect(again.results[0]?.record.warnings.filter((w) => w.includes('the run of September 2023'))).toEqual([]);
    expect((await new RunLedger(project.ledger).readAll()).records.filter((r) => r.month === '2023-10').map((r) => r.outcome)).toEqual(['success', 'success']);
  });
});
