/**
 * Writes data/b4b-sample.xlsx, the sample B4B workbook, from the files in data/sample-source/.
 *
 * - b4b-data-set.tsv and board-data-tables-for-slide.tsv are the "B4B data set" and "Board Data
 *   Tables for Slide" sheets exactly as seed 002 prints them (cells separated by two tabs). Their
 *   figures are copied, never altered; each cell is given the type and number format the real
 *   workbook has, quirks included (see `cellFor`).
 * - health-assessments.tsv is the health assessments table of the October 2023 performance report
 *   (seed 000, agenda item 10, Appendix 1, "Promote permanence and placement stability"), Oct-22 to
 *   Oct-23, as seed 000 prints it (its tabs doubled to the layout above); seed 002's sheets hold only
 *   the older months of these two indicators. test/sample-workbook.test.ts checks it against the seed.
 * - safeguarding-clinic-series.tsv holds the monthly series behind the Safeguarding clinic's charts
 *   (seed 000, agenda item 7; their figures are seed 002's chart data, August 2022 to July 2023), on a
 *   sheet of its own in the council's layout; its 20-working-day assessment row is illustrative.
 * - agency-staffing.tsv: the number of agency social workers (October 2023 and its target from seed
 *   000's commentary; the earlier months illustrative, as the Notes sheet says), on a sheet of its own.
 * - team-measures.tsv and caseloads.tsv hold the Safeguarding assurance clinic figures of July 2023
 *   (seed 000, agenda item 7) in the project's own long format; commentary.yaml the October 2023
 *   progress analysis (seed 000, item 10, Appendix 1); finance.yaml illustrative finance figures.
 * - breakdowns.tsv holds the performance report's figures by category that the pack prints (Family
 *   Hubs, children in care out of education, pay gaps); breakdowns-illustrative.tsv those it shows only
 *   as pictures (referral sources, staff diversity), made up and marked so on the Notes sheet.
 *
 * Run: npm run sample  (or: npx tsx scripts/build-sample-workbook.ts [OUTPUT.xlsx])
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { parse as parseYaml } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = process.env.B4B_SAMPLE_SOURCE ?? path.join(ROOT, 'data', 'sample-source');
const FIXED_DATE = new Date(Date.UTC(2023, 10, 1));

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Rows of a sheet as seed 002 prints it: one line a row, cells split on two tabs. */
export function parseSeedSheet(text: string): string[][] {
  const rows: string[][] = [];
  let blankRun = 0;
  for (const line of text.replace(/\r/g, '').split('\n')) {
    if (line.trim() === '') {
      blankRun += 1;
      continue;
    }
    // The text conversion puts one empty line between rows; two or more stand for a blank row.
    if (rows.length > 0 && blankRun >= 2) rows.push([]);
    blankRun = 0;
    rows.push(line.split('\t\t'));
  }
  return rows;
}

interface CellSpec {
  value: ExcelJS.CellValue;
  numFmt?: string;
}

/** The direction-of-travel cells that print as dates in the seed hold -1/0/1 under a stray date format. */
const SHOWN_AS_DATE: Record<string, number> = { 'Dec-69': -1, 'Dec-99': 1, 'Jan-00': 0 };

/**
 * The cell the real workbook has for a printed text: numbers are numbers (General, or with their
 * decimals), percentages are fractions under a % format unless `percentAsText`, month headers are
 * text or real dates, "-", "TBC" and comparisons such as "<36%" are text.
 */
function cellFor(text: string, options: { monthsAsDates: boolean; percentAsText: boolean; isHeader: boolean }): CellSpec | undefined {
  const t = text.trim() === '' ? '' : text;
  if (t === '') return undefined;
  const shown = SHOWN_AS_DATE[t];
  if (shown !== undefined && !options.isHeader) return { value: shown, numFmt: 'mmm-yy' };
  const month = /^([A-Z][a-z]{2})-(\d{2})$/.exec(t);
  if (month?.[1] && month[2] && MONTHS.includes(month[1])) {
    if (!options.monthsAsDates) return { value: t };
    return { value: new Date(Date.UTC(2000 + Number(month[2]), MONTHS.indexOf(month[1]), 1)), numFmt: 'mmm-yy' };
  }
  const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (isoDate) {
    return { value: new Date(Date.UTC(Number(isoDate[1]), Number(isoDate[2]) - 1, Number(isoDate[3]))), numFmt: 'yyyy-mm-dd' };
  }
  const percent = /^(-?\d+(?:\.(\d+))?)%$/.exec(t);
  if (percent?.[1]) {
    if (options.percentAsText) return { value: t };
    const decimals = percent[2]?.length ?? 0;
    const value = Math.round((Number(percent[1]) / 100) * 10 ** (decimals + 2)) / 10 ** (decimals + 2);
    return { value, numFmt: decimals === 0 ? '0%' : `0.${'0'.repeat(decimals)}%` };
  }
  const number = /^-?\d+(?:\.(\d+))?$/.exec(t);
  if (number) {
    const decimals = number[1]?.length ?? 0;
    return decimals === 0 ? { value: Number(t) } : { value: Number(t), numFmt: `0.${'0'.repeat(decimals)}` };
  }
  return { value: t };
}

/** The sample keeps this row's percentages typed as text ("26%"), as some rows of the real workbook are. */
const PERCENT_AS_TEXT_ROWS = [/^Percentage of children open for 6\+ months that have had 2 or more social workers/];

/** A printed percentage ("71%") as the fraction the cell holds. */
function percentValue(text: string | undefined): number | undefined {
  const m = /^(-?\d+(?:\.\d+)?)%$/.exec(text?.trim() ?? '');
  return m?.[1] === undefined ? undefined : Number(m[1]) / 100;
}

function writeSeedSheet(sheet: ExcelJS.Worksheet, rows: string[][], options: { monthsAsDates: boolean; trendFormulas: boolean }): void {
  let trendCol: number | undefined;
  let directionCol: number | undefined;
  /** The table prints "-0" in its Direction of travel column: its zeros there are rounded changes, not the code 0. */
  let roundedChanges = false;
  let monthCols: number[] = [];
  rows.forEach((cells, index) => {
    const r = index + 1;
    const isHeader = cells.some((c) => c.trim() === 'Indicator');
    if (isHeader) {
      monthCols = cells.flatMap((c, i) => (/^[A-Z][a-z]{2}-\d{2}$/.test(c.trim()) ? [i + 1] : []));
      const trendIndex = cells.findIndex((c) => c.trim() === 'Trend');
      trendCol = trendIndex >= 0 ? trendIndex + 1 : undefined;
      const directionIndex = cells.findIndex((c) => c.trim() === 'Direction of travel');
      directionCol = directionIndex >= 0 ? directionIndex + 1 : undefined;
      const nextHeader = rows.findIndex((other, j) => j > index && other.some((c) => c.trim() === 'Indicator'));
      const body = rows.slice(index + 1, nextHeader < 0 ? undefined : nextHeader);
      roundedChanges = directionIndex >= 0 && body.some((other) => other[directionIndex]?.trim() === '-0');
    }
    const name = cells[2] ?? '';
    const percentAsText = PERCENT_AS_TEXT_ROWS.some((re) => re.test(name));
    cells.forEach((text, i) => {
      const spec = cellFor(text, { ...options, percentAsText, isHeader });
      if (!spec) return;
      const cell = sheet.getCell(r, i + 1);
      const lastMonth = monthCols[monthCols.length - 1];
      const prevMonth = monthCols[monthCols.length - 2];
      // The Trend column is a formula (this month less last month); its cached result is the printed figure.
      if (options.trendFormulas && !isHeader && i + 1 === trendCol && lastMonth && prevMonth && typeof spec.value === 'number') {
        const last = Number(cells[lastMonth - 1]);
        const prev = Number(cells[prevMonth - 1]);
        if (last - prev === spec.value) {
          const col = (n: number): string => sheet.getColumn(n).letter;
          cell.value = { formula: `${col(lastMonth)}${r}-${col(prevMonth)}${r}`, result: spec.value };
          return;
        }
      }
      // In a table whose Direction of travel prints "-0", a "0" or "-0" there is this month less last month under a
      // whole-number format (Excel prints -0.02 as "-0"): it is that formula, where the printed sign agrees.
      if (roundedChanges && !isHeader && i + 1 === directionCol && lastMonth && prevMonth && (text.trim() === '0' || text.trim() === '-0')) {
        const last = percentValue(cells[lastMonth - 1]);
        const prev = percentValue(cells[prevMonth - 1]);
        const change = last !== undefined && prev !== undefined ? Math.round((last - prev) * 1e6) / 1e6 : undefined;
        // (A formula whose result is 0 is written without its result, so an unchanged figure stays the number 0.)
        if (change !== undefined && change !== 0 && Math.abs(change) < 0.5 && (text.trim() === '-0') === change < 0) {
          const col = (n: number): string => sheet.getColumn(n).letter;
          cell.value = { formula: `${col(lastMonth)}${r}-${col(prevMonth)}${r}`, result: change };
          cell.numFmt = '0';
          return;
        }
      }
      cell.value = spec.value;
      if (spec.numFmt) cell.numFmt = spec.numFmt;
    });
  });
  sheet.getColumn(3).width = 60;
}

function writeLongSheet(sheet: ExcelJS.Worksheet, header: string[], rows: Array<Array<string | number>>, numFmts: Record<number, string> = {}): void {
  sheet.addRow(header).font = { bold: true };
  for (const row of rows) {
    const added = sheet.addRow(row);
    for (const [col, fmt] of Object.entries(numFmts)) added.getCell(Number(col)).numFmt = fmt;
  }
  header.forEach((_, i) => (sheet.getColumn(i + 1).width = i === header.length - 1 ? 60 : 24));
}

function readTsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text
    .replace(/\r/g, '')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const [header = '', ...rest] = lines;
  return { header: header.split('\t'), rows: rest.map((l) => l.split('\t')) };
}

/** A month "2023-07" as the first of the month, shown "Jul-23" (the long sheets hold real dates). */
function monthDate(key: string): Date {
  const [y, m] = key.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1));
}

async function main(): Promise<void> {
  const output = path.resolve(process.argv[2] ?? path.join(ROOT, 'data', 'b4b-sample.xlsx'));
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'b4b-reports sample builder';
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;

  const dataSet = parseSeedSheet(await readFile(path.join(SOURCE, 'b4b-data-set.tsv'), 'utf8'));
  writeSeedSheet(workbook.addWorksheet('B4B data set'), dataSet, { monthsAsDates: false, trendFormulas: false });
  const board = parseSeedSheet(await readFile(path.join(SOURCE, 'board-data-tables-for-slide.tsv'), 'utf8'));
  writeSeedSheet(workbook.addWorksheet('Board Data Tables for Slide'), board, { monthsAsDates: true, trendFormulas: true });
  const health = parseSeedSheet(await readFile(path.join(SOURCE, 'health-assessments.tsv'), 'utf8'));
  writeSeedSheet(workbook.addWorksheet('Health assessments'), health, { monthsAsDates: false, trendFormulas: false });
  const clinicSeries = parseSeedSheet(await readFile(path.join(SOURCE, 'safeguarding-clinic-series.tsv'), 'utf8'));
  writeSeedSheet(workbook.addWorksheet('Safeguarding clinic series'), clinicSeries, { monthsAsDates: false, trendFormulas: false });
  const agency = parseSeedSheet(await readFile(path.join(SOURCE, 'agency-staffing.tsv'), 'utf8'));
  writeSeedSheet(workbook.addWorksheet('Agency staffing'), agency, { monthsAsDates: false, trendFormulas: false });

  const team = readTsv(await readFile(path.join(SOURCE, 'team-measures.tsv'), 'utf8'));
  const illustrativeTeams = readTsv(await readFile(path.join(SOURCE, 'team-measures-illustrative.tsv'), 'utf8'));
  writeLongSheet(
    workbook.addWorksheet('Team measures'),
    team.header,
    [...team.rows, ...illustrativeTeams.rows].map(([month = '', measure = '', teamName = '', den = '', num = '']) => [
      monthDate(month) as unknown as string,
      measure,
      teamName,
      Number(den),
      Number(num),
    ]),
    { 1: 'mmm-yy' },
  );
  const caseloads = readTsv(await readFile(path.join(SOURCE, 'caseloads.tsv'), 'utf8'));
  writeLongSheet(
    workbook.addWorksheet('Caseloads'),
    caseloads.header,
    caseloads.rows.map(([month = '', worker = '', status = '', teamName = '', allocations = '']) => [
      monthDate(month) as unknown as string,
      worker,
      status,
      teamName,
      Number(allocations),
    ]),
    { 1: 'mmm-yy' },
  );

  const breakdowns = readTsv(await readFile(path.join(SOURCE, 'breakdowns.tsv'), 'utf8'));
  const illustrativeBreakdowns = readTsv(await readFile(path.join(SOURCE, 'breakdowns-illustrative.tsv'), 'utf8'));
  const breakdownSheet = workbook.addWorksheet('Breakdowns');
  writeLongSheet(breakdownSheet, breakdowns.header, []);
  for (const [month = '', measure = '', period = '', category = '', value = '', outOf = '', type = ''] of [
    ...breakdowns.rows,
    ...illustrativeBreakdowns.rows,
  ]) {
    // Values as the council types them: counts as numbers, percentages as fractions under a % format.
    const spec = cellFor(value, { monthsAsDates: false, percentAsText: false, isHeader: false });
    const added = breakdownSheet.addRow([monthDate(month), measure, period, category, spec?.value ?? null, outOf === '' ? null : Number(outOf), type]);
    added.getCell(1).numFmt = 'mmm-yy';
    if (spec?.numFmt) added.getCell(5).numFmt = spec.numFmt;
  }

  const commentary = parseYaml(await readFile(path.join(SOURCE, 'commentary.yaml'), 'utf8')) as Array<{
    month: string;
    report: string;
    section: string;
    kind: string;
    text: string;
  }>;
  writeLongSheet(
    workbook.addWorksheet('Commentary'),
    ['Month', 'Report', 'Section', 'Kind', 'Text'],
    commentary.map((c) => [String(c.month), c.report, c.section, c.kind, c.text.trim()]),
  );

  const finance = parseYaml(await readFile(path.join(SOURCE, 'finance.yaml'), 'utf8')) as {
    revenue: Array<{ month: string; serviceArea: string; budget: number; forecastOutturn: number; commentary: string }>;
    placements: Array<{ month: string; placementType: string; number: number; averageWeeklyCost: number; budgetedNumber: number }>;
    costReduction: Array<{ month: string; proposal: string; owner: string; target: number; forecastDelivery: number; rag: string; commentary: string }>;
  };
  const money = '#,##0';
  writeLongSheet(
    workbook.addWorksheet('Finance revenue'),
    ['Month', 'Service area', 'Budget', 'Forecast outturn', 'Commentary'],
    finance.revenue.map((r) => [String(r.month), r.serviceArea, r.budget, r.forecastOutturn, r.commentary ?? '']),
    { 3: money, 4: money },
  );
  writeLongSheet(
    workbook.addWorksheet('Finance placements'),
    ['Month', 'Placement type', 'Number', 'Average weekly cost', 'Budgeted number'],
    finance.placements.map((r) => [String(r.month), r.placementType, r.number, r.averageWeeklyCost, r.budgetedNumber]),
    { 4: money },
  );
  writeLongSheet(
    workbook.addWorksheet('Finance cost reduction'),
    ['Month', 'Proposal', 'Owner', 'Target', 'Forecast delivery', 'RAG', 'Commentary'],
    finance.costReduction.map((r) => [String(r.month), r.proposal, r.owner, r.target, r.forecastDelivery, r.rag, r.commentary ?? '']),
    { 4: money, 5: money },
  );

  const notes = workbook.addWorksheet('Notes');
  [
    ['About this sample workbook'],
    ['Written by scripts/build-sample-workbook.ts from data/sample-source/. Do not edit by hand: change the sources and run npm run sample.'],
    [
      "'B4B data set' and 'Board Data Tables for Slide': the council's figures exactly as published in the Children and Families Scrutiny Panel pack of 23 November 2023 (seed 002), in the real layout with its quirks: text and date month headers, a row of month-end dates above some headers, percentages as fractions, as text and as plain points, '-', 'TBC', '<36%', Trend formulas with saved results, and direction-of-travel numbers shown as dates by a stray cell format.",
    ],
    [
      "'Health assessments': the two health assessment indicators from October 2022 to October 2023, as the performance report of 23 November 2023 prints them (seed 000, agenda item 10, Appendix 1).",
    ],
    [
      "'Agency staffing': the number of agency social workers and its target of 21. October 2023 (19) and the target are the performance report's (seed 000, agenda item 10, Appendix 1: 'has by passed the target of 21, with the current level of 19'); October 2022 to September 2023 are ILLUSTRATIVE FIGURES ONLY.",
    ],
    [
      "'Team measures' and 'Caseloads': the Safeguarding assurance clinic figures for July 2023 (seed 000, agenda item 7). Worker references are invented opaque codes; the seed names no worker.",
    ],
    [
      "'Team measures' rows whose Measure starts 'ptc-' (Pathways Through Care, June and July 2023): ILLUSTRATIVE FIGURES ONLY, made up to exercise the second clinic template.",
    ],
    [
      "'Safeguarding clinic series': the monthly series behind the Safeguarding clinic's charts (seed 000, agenda item 7), August 2022 to July 2023, from the chart data of seed 002: children with an active Child in Need plan not allocated to CWD, Child Protection Plans lasting 18 months or more, completed S47 enquiries with an outcome of ICPC.",
    ],
    [
      "'Safeguarding clinic series', row 'Percentage of C&F assessments completed within 20 working days': ILLUSTRATIVE FIGURES ONLY (the pack has no chart of it); its July 2023 figure, 27.4%, is the clinic's team table total (37 of 135).",
    ],
    ["'Commentary': the October 2023 performance report's text (seed 000, agenda item 10, Appendix 1)."],
    [
      "'Breakdowns', measures family-hubs, family-hubs-ethnicity, cla-education and pay-gap: the figures the October 2023 performance report prints (seed 000, agenda item 10, Appendix 1: Attendance at Family Hubs, Education, Gender Pay Gap 2022). The 13 ethnicities its sentence does not name are the doughnut's data labels in seed 002, read in the legend's order; the 5.7% of children in care out of education is typed as the pack prints it, since the pack does not say what it is out of.",
    ],
    [
      "'Breakdowns', measures referral-source, staff-diversity and senior-roles: ILLUSTRATIVE FIGURES ONLY. The pack shows these only as charts with no figures; the referral sources add up to October 2023's 277 referrals, with schools at 31% and the police at a third, as the pack's commentary says.",
    ],
    [
      "'Finance revenue', 'Finance placements', 'Finance cost reduction': ILLUSTRATIVE FIGURES ONLY. No finance figures are public; these are made up to exercise the finance report. Placement numbers for July to October 2023 match the published performance figures.",
    ],
  ].forEach((row) => notes.addRow(row));
  notes.getColumn(1).width = 140;

  await workbook.xlsx.writeFile(output);
  process.stdout.write(`Wrote ${path.relative(process.cwd(), output) || output}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
