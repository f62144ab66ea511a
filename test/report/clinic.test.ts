import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/dataset/types.js';
import { teamPercent } from '../../src/report/report-figures.js';
import type { ReportDocument as ReportOutput } from '../../src/produce/report.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { runCommand } from '../fixtures/run-cli.js';
import { configuredReport, sampleDataset, sampleInputs, samplePack } from '../fixtures/sample-report.js';
import { ROOT } from '../fixtures/workbooks.js';
import { tempProject, type TempProject } from '../fixtures/temp-project.js';

const fixture = (name: string): string[][] =>
  readFileSync(path.join(ROOT, 'test/fixtures', name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t').map((c) => c.trim()));

/** The seed's twelve team tables (seed 000, agenda item 7), rows and Total rows, copied verbatim. */
const SEED_TEAM_ROWS = fixture('seed-000-clinic-team-rows.tsv');
/** The seed's "20+ Caseloads" list: allocations, qualifying status, team. */
const SEED_20_PLUS = fixture('seed-000-clinic-20-plus-caseloads.tsv');

let dataset: Dataset;
let report: ReportOutput;
let text: string;
let lines: string[];

beforeAll(async () => {
  dataset = await sampleDataset();
  report = await configuredReport('clinic-safeguarding', '2023-07', dataset);
  const raw = pdfText(report.pdf);
  lines = raw.split('\n').map((l) => l.trim());
  text = raw.replace(/[ \t]+/g, ' ');
});

describe('the Safeguarding assurance clinic for July 2023', () => {
  it('prints every team row and Total row of the seed, in the seed order, with the seed %', () => {
    expect(SEED_TEAM_ROWS).toHaveLength(145);
    let from = 0;
    const problems: string[] = [];
    for (const [team, denominator, numerator, percent] of SEED_TEAM_ROWS) {
      // A worse-than-target % carries a ▼ before it.
      const pattern = new RegExp(`${team!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ${denominator} ${numerator} (▼ )?${percent!.replace('.', '\\.')}`, 'g');
      pattern.lastIndex = from;
      const match = pattern.exec(text);
      if (!match) problems.push(`${team} ${denominator} ${numerator} ${percent} not found after ${from}`);
      else from = match.index + match[0].length;
    }
    expect(problems).toEqual([]);
  });

  it('computes every Total from its team rows, equal to the seed', () => {
    const tables = report.blocks.filter((b) => b.kind === 'team-table');
    const seedTotals = SEED_TEAM_ROWS.filter((r) => r[0] === 'Total');
    expect(tables).toHaveLength(12);
    tables.forEach((table, i) => {
      if (table.kind !== 'team-table') return;
      const sum = (k: 'numerator' | 'denominator'): number => table.rows.reduce((n, r) => n + r[k], 0);
      expect([table.total.denominator, table.total.numerator]).toEqual([sum('denominator'), sum('numerator')]);
      expect([String(table.total.denominator), String(table.total.numerator), table.total.percent]).toEqual(seedTotals[i]?.slice(1));
    });
  });

  it("lists the seed's 20+ caseloads, highest first", () => {
    const section = lines.slice(
      lines.indexOf('20+ Caseloads'),
      lines.findIndex((l) => l.startsWith('Caseloads in BIT')),
    );
    const printed = section.flatMap((line) => {
      const m = /^(\d+) (SW|NQSW|ASYE) (.+)$/.exec(line);
      return m ? [[m[1], m[2], m[3]]] : [];
    });
    const key = (r: Array<string | undefined>): string => r.join('|');
    expect(printed.map(key).sort()).toEqual(SEED_20_PLUS.map(key).sort());
    const allocations = printed.map((r) => Number(r[0]));
    expect(allocations).toEqual([...allocations].sort((a, b) => b - a));
  });

  it('prints no worker reference from the caseload sheet', () => {
    const references = dataset.caseloads.map((c) => c.workerReference);
    expect(references.length).toBeGreaterThan(60);
    expect(references.filter((ref) => text.includes(ref))).toEqual([]);
  });

  it('has the context of demand with raw Trend arrows, and a chart for every measure with a monthly series', () => {
    expect(text).toMatch(/Number of contacts in the month 1594 1959 1789 1488 1794 1428 1839 1598 2023 1544 1828 1948 1804 ↓/);
    expect(text).toMatch(/Number of referrals into Early Help 149 196 187 183 161 179 220 172 183 131 181 154 172 ↑/);
    const charts = report.blocks.flatMap((b) => (b.kind === 'charts' ? b.charts : []));
    // Every team measure's chart (the 20-working-day one included), and the three of the clinic's own series.
    expect(charts.filter((c) => c.series.length > 0)).toHaveLength(15);
    // The template names no table for three measures the workbook also has in 'B4B data set', with another July
    // figure: printed from the clinic's own sheet, and said, naming both cells.
    expect(report.warnings.map((w) => w.message.replace(/: two tables could give it.*\((Jul-23 \S+ \([^)]+\) \/ \S+ \([^)]+\))\).*$/, ': $1'))).toEqual([
      "Percentage of children with an active Child in Need Plan (not CWD) visited within last 6 weeks: Jul-23 95% ('Board Data Tables for Slide'!P44) / 96% ('B4B data set'!Y67)",
      "Percentage of children subject to child protection plans with recent core group held in time: Jul-23 65% ('Board Data Tables for Slide'!P70) / 79% ('B4B data set'!Y29)",
      "Percentage of CLA who had their supervision and was within the timescale: Jul-23 84% ('Board Data Tables for Slide'!P56) / 90% ('B4B data set'!Y79)",
      // The Frontline Team's caseload is in the 20+ table only: no team table lists the team.
      "Frontline Team: 1 caseload(s) for July 2023 (such as 'Caseloads'!A65) in a team none of the team tables lists " +
        '("Caseloads in BIT – highlighting those at 20 or over", "SWwF Central", "SWwF East", "SWwF West"); ' +
        "they print in no team table, only where a table lists every team's (the 20+ caseloads). Correct the team's name, or add a table for it to the template",
    ]);
  });

  it("has the seed's charts of the clinic's own series, August 2022 to July 2023, under the seed's headings", () => {
    const charts = report.blocks.flatMap((b) => (b.kind === 'charts' ? b.charts : []));
    const series = (title: string): Array<number | null> | undefined => charts.find((c) => c.title === title)?.series[0]?.values;
    // Seed 002's chart data (the pack's Pages 55 and 57); July 2022, the first of the 13 months, has no figure.
    expect(series('Number of children with an active Child in Need Plan not allocated to CWD (CIN*)')).toEqual([
      null,
      718,
      717,
      721,
      758,
      764,
      762,
      752,
      716,
      699,
      618,
      555,
      467,
    ]);
    expect(series('Number of current Child Protection Plans lasting 18 months or more')).toEqual([null, 31, 23, 23, 25, 29, 17, 27, 29, 30, 34, 30, 26]);
    expect(series('Percentage of completed S47 enquiries in the month with an outcome of ICPC')?.map((v) => (v === null ? null : Math.round(v * 100)))).toEqual(
      [null, 25, 32, 20, 24, 15, 18, 20, 34, 28, 22, 36, 19],
    );
    // The 20-working-day chart ends at the July team table's total, 37 of 135.
    expect(series('Single assessments completed within 20 working days')?.at(-1)).toBe(0.274);
    const headings = report.blocks.flatMap((b) => (b.kind === 'heading' && b.level === 1 ? [b.text] : []));
    expect(headings).toContain('CP performance – duration and visits');
    const section = text.slice(text.indexOf('CP performance – duration and visits'), text.indexOf('CP performance – core groups'));
    for (const title of [
      'Number of current Child Protection Plans lasting 18',
      'Percentage of completed S47 enquiries in the month',
      'CP visits within 10 working days',
    ]) {
      expect(section).toContain(title);
    }
  });
});

describe('the key, written for councillors', () => {
  const keyText = (pdf: Uint8Array): string => {
    const all = pdfText(Buffer.from(pdf)).replace(/\s+/g, ' ');
    return all.slice(all.indexOf('How to read the tables'), all.indexOf('How to read the tables') + 1400);
  };

  it('explains the Trend column (the rise or fall) beside Direction of travel (better or worse), on one page', () => {
    const key = keyText(report.pdf);
    expect(key).toMatch(/Trend ↑ ↓ → whether the figure rose \(↑\) or fell \(↓\) since last month/);
    expect(key).toMatch(/Direction of travel ↑ ↓ → whether this month is better \(↑\) or worse \(↓\) than last month/);
    expect(key).toMatch(/RAG ● G ● A ● R how this month's figure compares with its target/);
    // Nothing about the font's digits or what was typed in a cell.
    expect(key).not.toMatch(/digit|font|typed|TBC|workbook/i);
    const page = pdfText(Buffer.from(report.pdf))
      .split('\f')
      .findIndex((t) => t.includes('How to read the tables'));
    expect(pdfText(Buffer.from(report.pdf)).split('\f')[page]).toContain('no figure for that month');
  });

  it("is the template's wording: a line changed in the template is the line printed", async () => {
    const source = readFileSync(path.join(ROOT, 'templates/clinic-safeguarding.hbs'), 'utf8');
    const changed = source.replace(/^-: .*$/m, '-: nothing to show this month.');
    expect(changed).not.toBe(source);
    const output = await configuredReport('clinic-safeguarding', '2023-07', dataset, changed);
    expect(keyText(output.pdf)).toContain('- nothing to show this month.');
    expect(output.html).toContain('<dt>-</dt><dd>nothing to show this month.</dd>');
  });

  it('refuses a {{key}} without its wording, saying where to copy it from', async () => {
    const source = readFileSync(path.join(ROOT, 'templates/clinic-safeguarding.hbs'), 'utf8').replace(/\{\{#key\}\}[\s\S]*?\{\{\/key\}\}/, '{{key}}');
    await expect(configuredReport('clinic-safeguarding', '2023-07', dataset, source)).rejects.toThrow(
      '{{key}} needs its wording: {{#key}}, one "Term: what it means" line each (RAG, Direction of travel, Trend, -), then {{/key}}; the package\'s templates/performance.hbs has the council\'s wording to copy',
    );
  });

  it('refuses a key line that is not "Term: what it means", naming the line', async () => {
    const source = readFileSync(path.join(ROOT, 'templates/clinic-safeguarding.hbs'), 'utf8');
    await expect(configuredReport('clinic-safeguarding', '2023-07', dataset, source.replace('{{#key}}\n', '{{#key}}\nJust a sentence.\n'))).rejects.toThrow(
      'the template cannot be used: the key\'s line "Just a sentence." is not "Term: what it means"',
    );
  });
});

describe('team percentages', () => {
  it('are one decimal place, half up, from numerator and denominator', () => {
    expect(teamPercent(1, 18).text).toBe('5.6%');
    expect(teamPercent(37, 135).text).toBe('27.4%');
    expect(teamPercent(1, 16).text).toBe('6.3%');
    expect(teamPercent(0, 0).text).toBe('');
  });
});

describe('b4b-reports run for the clinics', () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await tempProject();
  });

  it('writes the Safeguarding clinic for July 2023', async () => {
    const result = await runCommand(['run', '--month', '2023-07', '--report', 'clinic-safeguarding', '--settings', project.settings]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim().endsWith(path.join('output', '2023-07', 'clinic-safeguarding-2023-07.pdf'))).toBe(true);
  });

  it('runs the second service area, Pathways Through Care, from the sample', async () => {
    const result = await runCommand(['run', '--month', '2023-07', '--report', 'clinic-pathways-through-care', '--settings', project.settings]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim().endsWith(path.join('output', '2023-07', 'clinic-pathways-through-care-2023-07.pdf'))).toBe(true);
  });

  it('fails for a month without team rows, naming the latest month that has them, and writes nothing', async () => {
    const result = await runCommand(['run', '--month', '2023-10', '--report', 'clinic-safeguarding', '--settings', project.settings]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'b4b-sample.xlsx has no team rows for October 2023 in its Team measures sheet, so the clinic cannot be produced; the latest month with team rows is July 2023',
    );
  });

  // The sample's June 2023 team rows are all Pathways Through Care's (ptc-*): they are not the Safeguarding
  // clinic's figures. Counted as its own, they made a Safeguarding clinic for June whose twelve team tables
  // each printed "Total 0 0", with warnings only in the run log.
  it("fails for a month with only another clinic's team rows, naming its measures and its latest month, and writes nothing", async () => {
    const result = await runCommand(['run', '--month', '2023-06', '--report', 'clinic-safeguarding', '--settings', project.settings]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'b4b-sample.xlsx has no team rows for June 2023 of the measures clinic-safeguarding prints (sa-20-days, sa-45-days, cin-visits-6-weeks and 9 more) ' +
        'in its Team measures sheet, only rows of other measures, so clinic-safeguarding cannot be produced (its team tables would print no team and a Total of 0); ' +
        'the latest month with its team rows is July 2023',
    );
    expect(existsSync(path.join(project.output, '2023-06', 'clinic-safeguarding-2023-06.pdf'))).toBe(false);
    expect(existsSync(path.join(project.output, '2023-06', 'clinic-safeguarding-2023-06.html'))).toBe(false);
  });

  it("in a pack, takes a clinic's latest month from its own team rows, never another clinic's", async () => {
    const result = await runCommand(['run', '--month', '2023-06', '--pack', 'board', '--settings', project.settings]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "the workbook has no team rows of the measures clinic-safeguarding prints up to June 2023, so the pack's clinic cannot be produced; " +
        "its first month with them is July 2023: run the pack for July 2023 or later, or take clinic-safeguarding out of the pack's items (config/packs.yaml)",
    );
    expect(existsSync(path.join(project.output, '2023-06', 'board-2023-06-public.pdf'))).toBe(false);
  });
});

describe("the board pack's clinics, each on its own latest month", () => {
  // August's Safeguarding rows in, Pathways Through Care's not yet: each clinic reports on its own
  // latest month. The shipped summary named {{documentMonth}}, one month for both, and the whole
  // pack was refused; it names each clinic's title, with its month.
  it('the agenda names each clinic with its own month, and the pack is made', async () => {
    const full = await sampleDataset();
    const safeguarding = new Set(
      [...readFileSync(path.join(ROOT, 'templates', 'clinic-safeguarding.hbs'), 'utf8').matchAll(/teamTable "([^"]+)"/g)].map((m) => m[1]),
    );
    const august = full.teamMeasures.filter((r) => r.month === '2023-07' && safeguarding.has(r.measure)).map((r) => ({ ...r, month: '2023-08' as const }));
    expect(august.length).toBeGreaterThan(0);
    const inputs = await sampleInputs({ dataset: { ...full, teamMeasures: [...full.teamMeasures, ...august] } });
    const pack = await samplePack('board', '2023-10', { inputs });
    const text = pdfText(Buffer.from(pack.variants.public.pack)).replace(/\s+/g, ' ');
    expect(text).toContain(
      'Team-level performance and caseloads: Assurance Clinic – Safeguarding, August 2023; Assurance Clinic – Pathways Through Care, July 2023.',
    );
  });
});

describe("a measure with no team rows in a month that has the clinic's other rows", () => {
  // July 2023 without its ICPC rows (a measure not filled in yet): the table printed "Total 0 0", a count
  // of no ICPCs at all, with a warning only in the run log.
  it('prints "No team rows for July 2023" in its table, and no Total of 0, in the PDF and its HTML twin', async () => {
    const full = await sampleDataset();
    const teamMeasures = full.teamMeasures.filter((r) => !(r.month === '2023-07' && r.measure === 'icpc-15-days'));
    const output = await configuredReport('clinic-safeguarding', '2023-07', { ...full, teamMeasures });
    const table = output.blocks.find((b) => b.kind === 'team-table' && b.code === 'icpc-15-days');
    expect(table).toMatchObject({ rows: [], noRows: 'No team rows for July 2023 in the Team measures sheet' });
    const html = output.html ?? '';
    const caption = html.indexOf('>% ICPCs held in 15 working days of strategy discussion<');
    expect(caption).toBeGreaterThan(0);
    const htmlTable = html.slice(caption, html.indexOf('</table>', caption));
    expect(htmlTable).toContain('<td colspan="4">No team rows for July 2023 in the Team measures sheet</td>');
    expect(htmlTable).not.toContain('Total');
    const pdfLines = pdfText(output.pdf)
      .split('\n')
      .map((l) => l.replace(/\s+/g, ' ').trim());
    expect(pdfLines.some((l) => l.includes('No team rows for July 2023 in the Team measures sheet'))).toBe(true);
    // Every other team table still ends in its Total; none prints a Total of nothing.
    expect(pdfLines.filter((l) => /\bTotal 0 0\b/.test(l))).toEqual([]);
    expect(output.warnings.map((w) => w.message)).toContain(
      'ICPCs held within 15 working days of the strategy discussion: no team rows for July 2023 in the Team measures sheet',
    );
  });
});

describe('caseload tables with no caseloads to list', () => {
  // Without the month's caseloads, the "20+ Caseloads" table printed its header and no row: read as "no
  // worker has 20 or more", where nothing was supplied.
  it('say "No caseloads for July 2023 in the Caseloads sheet" when the month has none, in the PDF and its HTML twin', async () => {
    const full = await sampleDataset();
    const output = await configuredReport('clinic-safeguarding', '2023-07', { ...full, caseloads: full.caseloads.filter((c) => c.month !== '2023-07') });
    const tables = output.blocks.filter((b) => b.kind === 'caseload-table');
    expect(tables.map((t) => t.noRows)).toEqual(Array(5).fill('No caseloads for July 2023 in the Caseloads sheet'));
    const html = output.html ?? '';
    const at = html.indexOf('>20+ Caseloads<');
    expect(at).toBeGreaterThan(0);
    expect(html.slice(at, html.indexOf('</table>', at))).toContain('<td colspan="3">No caseloads for July 2023 in the Caseloads sheet</td>');
    expect(pdfText(output.pdf).replace(/\s+/g, ' ')).toContain('No caseloads for July 2023 in the Caseloads sheet');
  });

  it('say what they list none of when the month has caseloads ("No caseloads of 20 or more for July 2023")', async () => {
    const full = await sampleDataset();
    const caseloads = full.caseloads.map((c) => (c.month === '2023-07' ? { ...c, allocations: Math.min(c.allocations, 19) } : c));
    const output = await configuredReport('clinic-safeguarding', '2023-07', { ...full, caseloads });
    const tables = output.blocks.filter((b) => b.kind === 'caseload-table');
    expect(tables.map((t) => [t.title, t.noRows, t.rows.length > 0])).toEqual([
      ['20+ Caseloads', 'No caseloads of 20 or more for July 2023', false],
      ['Caseloads in BIT – highlighting those at 20 or over', undefined, true],
      ['SWwF Central', undefined, true],
      ['SWwF East', undefined, true],
      ['SWwF West', undefined, true],
    ]);
  });
});

describe('a caseload whose team no team table lists', () => {
  it('("SWF-West 3" for SWF West 3) is said, naming a cell: it prints in no team table', async () => {
    const full = await sampleDataset();
    const moved = full.caseloads.find((c) => c.month === '2023-07' && c.team === 'SWF West 3');
    expect(moved).toBeDefined();
    const caseloads = full.caseloads.map((c) => (c === moved ? { ...c, team: 'SWF-West 3' } : c));
    const output = await configuredReport('clinic-safeguarding', '2023-07', { ...full, caseloads });
    expect(output.warnings.map((w) => w.message).filter((m) => m.startsWith('SWF-West 3:'))).toEqual([
      expect.stringMatching(/^SWF-West 3: 1 caseload\(s\) for July 2023 \(such as 'Caseloads'!A\d+\) in a team none of the team tables lists/),
    ]);
  });
});
