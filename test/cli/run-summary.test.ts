/**
 * The run's summary as a terminal shows it, from a run result made by hand (no workbook, no layout),
 * and the advice it prints, rewritten for the project the command was given.
 */
import { describe, expect, it } from 'vitest';
import { adviceFor } from '../../src/cli/advice.js';
import { RunReporter } from '../../src/cli/log-format.js';
import { changeLine, summaryLines } from '../../src/cli/run-summary.js';
import { formatFinding } from '../../src/findings/finding.js';
import type { FigureChange, RunRecord } from '../../src/run/ledger.js';
import type { RunResult } from '../../src/run/run.js';

const change: FigureChange = {
  where: "'B4B data set' Right service right time",
  indicator: 'Number of referrals into statutory service in the month',
  month: '2021-11',
  cell: "'B4B data set'!E8",
  old: '400',
  new: '405',
};

function record(id: string, changes: FigureChange[]): RunRecord {
  return {
    id,
    target: { kind: 'report', name: 'performance' },
    month: '2023-10',
    trigger: 'on-demand',
    startedAt: '2023-11-10T07:00:00.000Z',
    finishedAt: '2023-11-10T07:00:04.000Z',
    durationMs: 4000,
    workbook: { path: '/data/b4b.xlsx' },
    outcome: 'success',
    outputs: [],
    warnings: [],
    changes,
  };
}

function result(): RunResult {
  const names = ['performance', 'finance', 'panel', 'board'];
  const more = Array.from({ length: 7 }, (_, i): FigureChange => ({ ...change, month: `2022-0${i + 1}` as FigureChange['month'] }));
  return {
    month: '2023-10',
    results: names.map((name, i) => ({
      target: { kind: i < 2 ? 'report' : 'pack', name },
      record: { ...record(`20231110T070000Z-run00${i}`, i === 0 ? [change, ...more] : [change]), target: { kind: i < 2 ? 'report' : 'pack', name } },
    })),
    workbookWarnings: [],
    delivery: [],
    durationMs: 4000,
    outOfStep: [],
  };
}

describe('the summary of a run', () => {
  it('says a change of the workbook once, naming the outputs, and which run lists the rest', () => {
    const lines = summaryLines(result(), new RunReporter('text'), { width: 200 });
    const changes = lines.slice(lines.findIndex((l) => l.startsWith('Figures changed')));
    expect(changes[0]).toBe('Figures changed since the last run of October 2023: 8');
    expect(changes[1]).toBe(
      "  every output: Number of referrals into statutory service in the month, Nov-21: 400 → 405  at 'B4B data set'!E8 ('B4B data set' Right service right time)",
    );
    expect(changes[2]).toMatch(/^ {2}report performance: Number of referrals into statutory service in the month, Jan-22: 400 → 405/);
    expect(changes[6]).toBe('  … and 3 more ("b4b-reports history --run run000" lists report performance\'s)');
  });

  it('names every run that holds the changes it does not list, when they are in several outputs', () => {
    const spread = result();
    // Finance's record holds two changes of its own besides the shared one: the rest are in two outputs' runs.
    const finance = spread.results[1];
    const own = ['2021-01', '2021-02'].map((month): FigureChange => ({ ...change, indicator: 'Agency staff', month: month as FigureChange['month'] }));
    if (finance) finance.record = { ...finance.record, changes: [change, ...own] };
    const lines = summaryLines(spread, new RunReporter('text'), { width: 200 });
    expect(lines).toContain('  … and 5 more, each in its outputs\' runs: "b4b-reports history --run run000 run001"');
  });
});

describe('a changed figure, as the summary and history say it', () => {
  it('says what the value is (a target, the RAG) in brackets, and where a document prints it as printed there', () => {
    const target = { ...change, month: '2023-10', what: 'target', cell: "'B4B data set'!AC8", old: '273', new: '290' } as const;
    expect(changeLine(target)).toBe(
      "Number of referrals into statutory service in the month (target), Oct-23: 273 → 290  at 'B4B data set'!AC8 ('B4B data set' Right service right time)",
    );
    expect(changeLine({ where: 'performance (printed)', indicator: change.indicator, month: '2023-10', what: 'RAG', old: 'Amber', new: 'Green' })).toBe(
      'Number of referrals into statutory service in the month (RAG), Oct-23: Amber → Green  (as printed in performance)',
    );
  });
});

describe('advice printed by a command given --project or --settings', () => {
  it('names the same project, so that it works as printed from any folder', () => {
    const text = 'the latest month with team rows is July 2023; "b4b-reports run --month 2023-07 --report clinic-safeguarding" produces it';
    expect(adviceFor({ project: '/srv/b4b project' })(text)).toBe(
      `the latest month with team rows is July 2023; "b4b-reports run --project '/srv/b4b project' --month 2023-07 --report clinic-safeguarding" produces it`,
    );
    expect(adviceFor({ settings: '/srv/b4b/config/b4b.yaml' })('"b4b-reports history" lists the runs')).toBe(
      '"b4b-reports history --settings /srv/b4b/config/b4b.yaml" lists the runs',
    );
    // "user" and "catalogue" take options after their own command, not before it.
    expect(adviceFor({ project: '/srv/b4b' })('Add one with "b4b-reports user add NAME --role officer"')).toBe(
      'Add one with "b4b-reports user add --project /srv/b4b NAME --role officer"',
    );
    // Without either, the project is the folder the command ran in (or B4B_PROJECT): the advice stands as it is.
    expect(adviceFor({})(text)).toBe(text);
  });
});

describe('the summary on an 80-column terminal', () => {
  const skippedReason =
    'clinic-safeguarding was not produced for October 2023: b4b.xlsx has no team rows for October 2023 in its Team measures sheet, so the clinic cannot be produced; ' +
    'the latest month with team rows is July 2023; "b4b-reports run --month 2023-07 --report clinic-safeguarding" produces it for July 2023';
  const run = (): RunResult => {
    const pack: RunRecord = {
      ...record('20231110T070000Z-run001', []),
      target: { kind: 'pack', name: 'board' },
      outputs: ['public', 'restricted'].map((v) => ({ path: `/p/output/2023-10/board-2023-10-${v}.pdf`, sha256: 'x' })),
    };
    const clinic: RunRecord = {
      ...record('20231110T070000Z-run002', []),
      target: { kind: 'report', name: 'clinic-safeguarding' },
      outcome: 'skipped',
      warnings: [skippedReason],
    };
    return {
      month: '2023-10',
      results: [
        { target: pack.target, record: pack },
        { target: clinic.target, record: clinic },
      ],
      workbookWarnings: [],
      delivery: [],
      durationMs: 4000,
      outOfStep: [],
    };
  };

  it("wraps the files and a skipped output's reason rather than cutting them: the restricted pack's name and the advice's command are whole", () => {
    const reporter = new RunReporter('text');
    reporter.warn(skippedReason, { target: 'report clinic-safeguarding' });
    const lines = summaryLines(run(), reporter, { width: 80, cwd: '/p' });
    const text = lines.join('\n');
    expect(text).toContain('board-2023-10-restricted.pdf');
    expect(text.replace(/\n +/g, ' ')).toContain('"b4b-reports run --month 2023-07 --report clinic-safeguarding" produces it for July 2023');
    // The rows (the month's line above them may wrap on the terminal, as any long line does).
    expect(lines.slice(1).every((l) => l.length <= 80)).toBe(true);
    // Said in its row, the skip is not listed again among the warnings.
    expect(lines.some((l) => l.startsWith('Warnings'))).toBe(false);
  });

  it('says each changed figure whole, wrapped: its old and new value and its cell, never cut', () => {
    const lines = summaryLines(result(), new RunReporter('text'), { width: 79 });
    const changes = lines.slice(lines.findIndex((l) => l.startsWith('Figures changed')) + 1);
    expect(changes.slice(0, 3)).toEqual([
      '  every output: Number of referrals into statutory service in the month,',
      "      Nov-21: 400 → 405 at 'B4B data set'!E8 ('B4B data set' Right service",
      '      right time)',
    ]);
    expect(lines.every((l) => l.length <= 79)).toBe(true);
  });

  it("when every output was refused or skipped, counts the workbook's warnings rather than listing them (nothing was made), and says that validate lists them, in 80 columns", () => {
    const refused: RunRecord = {
      ...record('20231110T070000Z-run003', []),
      outcome: 'refused',
      error: '/p/output/2023-10/performance-2023-10.pdf already exists',
    };
    const skipped = run().results[1] as RunResult['results'][number];
    const findings = Array.from({ length: 8 }, (_, i) => ({
      severity: 'warning' as const,
      code: 'duplicate-row' as const,
      message: 'a row twice',
      source: { file: 'b4b.xlsx', sheet: 'B4B data set', cell: `C${100 + i}` },
    }));
    const reporter = new RunReporter('text');
    for (const finding of findings) reporter.warn(formatFinding(finding));
    // Not the workbook's: what this run did before refusing (a set a stopped run left, finished now) is listed as ever.
    reporter.warn('finished publishing run 20231110T065900Z-abc123, which was stopped or failed while its files were put in place');
    const lines = summaryLines({ ...run(), results: [{ target: refused.target, record: refused }, skipped], workbookWarnings: findings }, reporter, {
      width: 79,
      advise: adviceFor({ project: '/srv/b4b' }),
    });
    const from = lines.findIndex((l) => l.startsWith('Warnings'));
    // The refusal (use --force) is what the officer needs: the workbook's warnings are for when the month is made.
    expect(lines.slice(from)).toEqual([
      'Warnings (1, each said once):',
      '  finished publishing run 20231110T065900Z-abc123, which was stopped or failed…',
      "The workbook's warnings: 8, not listed, as nothing was made",
      '("b4b-reports validate --project /srv/b4b" lists them)',
    ]);
    expect(lines.every((l) => l.length <= 79)).toBe(true);
  });

  it("lists warnings about an output before the workbook's, and where the workbook's own RAG disagrees last; a pack's copy of a report's warning is the same warning", () => {
    const reporter = new RunReporter('text');
    reporter.warn("b4b.xlsx › 'B4B data set'!AD8: Number of referrals: the workbook's RAG is -1 (Red), but 277 against 270 is Green; the reports print Green");
    reporter.warn("b4b.xlsx › 'B4B data set'!C122: a row twice");
    reporter.warn("b4b.xlsx › 'Breakdowns'!A33: the categories add up to 277, but the total is 280", { target: 'report performance' });
    reporter.warn("performance: b4b.xlsx › 'Breakdowns'!A33: the categories add up to 277, but the total is 280", { target: 'pack board' });
    const lines = summaryLines(run(), reporter, { width: 200, cwd: '/p' });
    const listed = lines.slice(lines.findIndex((l) => l.startsWith('Warnings')));
    expect(listed[0]).toMatch(/^Warnings \(3, each said once/);
    expect(listed.slice(1)).toEqual([
      // Said by as many outputs as the run has: no list of them.
      "  b4b.xlsx › 'Breakdowns'!A33: the categories add up to 277, but the total is 280",
      "  b4b.xlsx › 'B4B data set'!C122: a row twice",
      "  b4b.xlsx › 'B4B data set'!AD8: Number of referrals: the workbook's RAG is -1 (Red), but 277 against 270 is Green; the reports print Green",
    ]);
  });
});

describe("the summary's pointer to the warnings in full", () => {
  it("names every output's run that holds warnings in one command, kept whole on its line when longer than the terminal", () => {
    const reporter = new RunReporter('text');
    reporter.warn("b4b.xlsx › 'B4B data set'!C122: a row twice", { target: 'report performance' });
    reporter.warn('the pack prints different figures for "Number of children in our care"', { target: 'pack board' });
    const month = result();
    // Each output's run records its own warnings; a skipped one's holds only its reason (said in its row).
    month.results = month.results.map((r, i) => ({ ...r, record: { ...r.record, warnings: i === 1 ? [] : [`warning of ${r.target.name}`] } }));
    const advise = adviceFor({ project: '/srv/councils/southampton/childrens-services/b4b-reports-project' });
    const lines = summaryLines(month, reporter, { width: 80, advise });
    const at = lines.findIndex((l) => l.startsWith('Warnings ('));
    expect(lines.slice(at, at + 2)).toEqual([
      "Warnings (2, each said once; each output's in full:",
      '"b4b-reports history --project /srv/councils/southampton/childrens-services/b4b-reports-project --run run000 run002 run003"):',
    ]);
    // One output's run: named as that output's.
    const one = result();
    one.results = one.results.map((r, i) => ({ ...r, record: { ...r.record, warnings: i === 3 ? ['w'] : [] } }));
    expect(summaryLines(one, reporter, { width: 200 }).find((l) => l.startsWith('Warnings ('))).toBe(
      'Warnings (2, each said once; pack board\'s in full: "b4b-reports history --run run003"):',
    );
  });
});
