import { z } from 'zod';

/** A list of header names; "/.../" entries are regular expressions. */
const aliasList = z.array(z.string().min(1)).min(1);

const projectSheet = <T extends z.ZodRawShape>(columns: T) =>
  z.strictObject({ sheet: aliasList, columns: z.strictObject(columns) });

export const headerAliasesSchema = z.strictObject({
  indicatorTables: z.strictObject({
    indicator: aliasList,
    refId: aliasList,
    target: aliasList,
    rag: aliasList,
    direction: aliasList,
    trend: aliasList,
    southamptonLastYear: aliasList,
    statisticalNeighbours: aliasList,
    southEast: aliasList,
    england: aliasList,
    notes: aliasList,
    /**
     * A column saying what kind of figure each row holds (PERCENTAGE, NUMBER, RATE): not printed, but
     * used to check figures of indicators the catalogue does not know.
     */
    type: z.array(z.string().min(1)).default([]),
    /** Columns to ignore without a warning (owner, reporter...). Other unknown columns are ignored with one. */
    ignored: z.array(z.string().min(1)).default([]),
  }),
  /**
   * Cell texts that mean "no figure" in a value, target or benchmark column; the text is kept and
   * printed where the report prints the cell. "/.../" entries are regular expressions.
   */
  noFigure: z.array(z.string().min(1)).default(['/^-+$/', '–', '—', 'TBC', 'TBA', 'n/a', 'N/A', 'NA', 'Local', 'nil', 'not available', 'not applicable', '*', '.', '?']),
  /**
   * Month headers the workbook has wrong, corrected without editing the workbook. Each applies only
   * while the cell still reads as given, and every correction applied is recorded with the run.
   */
  monthCorrections: z
    .array(
      z.strictObject({
        sheet: z.string().min(1),
        cell: z.string().regex(/^[A-Z]{1,3}[1-9][0-9]*$/, 'expected a cell such as F3'),
        /** What the cell says now ("Jan-21"). */
        reads: z.string().min(1),
        /** The month it stands for, as YYYY-MM. */
        month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM, e.g. 2022-01'),
      }),
    )
    .default([]),
  /** Places where a table's month headers may skip months: the sheet and the first header after the gap. */
  allowedMonthGaps: z
    .array(z.strictObject({ sheet: z.string().min(1), cell: z.string().regex(/^[A-Z]{1,3}[1-9][0-9]*$/, 'expected a cell such as F3') }))
    .default([]),
  projectSheets: z.strictObject({
    teamMeasures: projectSheet({
      month: aliasList, measure: aliasList, team: aliasList, denominator: aliasList, numerator: aliasList,
    }),
    caseloads: projectSheet({
      month: aliasList, workerReference: aliasList, qualifyingStatus: aliasList, team: aliasList, allocations: aliasList,
    }),
    commentary: projectSheet({
      month: aliasList, report: aliasList, section: aliasList, kind: aliasList, text: aliasList,
    }),
    financeRevenue: projectSheet({
      month: aliasList, serviceArea: aliasList, budget: aliasList, forecastOutturn: aliasList, commentary: aliasList,
    }),
    financePlacements: projectSheet({
      month: aliasList, placementType: aliasList, number: aliasList, averageWeeklyCost: aliasList, budgetedNumber: aliasList,
    }),
    financeCostReduction: projectSheet({
      month: aliasList, proposal: aliasList, owner: aliasList, target: aliasList,
      forecastDelivery: aliasList, rag: aliasList, commentary: aliasList,
    }),
    /** Figures by category (referral sources, ethnicity of hub users, staff diversity, pay gaps): docs/workbook.md. */
    breakdowns: projectSheet({
      month: aliasList, measure: aliasList, period: aliasList, category: aliasList, value: aliasList, outOf: aliasList, type: aliasList,
    }).default({
      sheet: ['Breakdowns', 'Breakdown data'],
      columns: {
        month: ['Month'], measure: ['Measure', 'Measure code'], period: ['Period', 'Year'], category: ['Category', 'Item', 'Group'],
        value: ['Value', 'Figure'], outOf: ['Out of', 'Of', 'Out of (count)'], type: ['Type', 'Figure type'],
      },
    }),
  }),
});

/** The header aliases as the reader takes them: the file's settings, and the file as its messages name it. */
export type HeaderAliases = z.infer<typeof headerAliasesSchema> & { file?: string };

/** The header aliases file as the reader's messages name it: the project's own, else the default. */
export function aliasesFile(aliases: Pick<HeaderAliases, 'file'>): string {
  return aliases.file ?? 'config/header-aliases.yaml';
}
export type IndicatorColumn = Exclude<keyof HeaderAliases['indicatorTables'], 'type' | 'ignored'>;
export type ProjectSheetName = keyof HeaderAliases['projectSheets'];

export function normaliseHeader(text: string): string {
  return text.replace(/\u00a0/g, ' ').replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim().replace(/\.$/, '').toLowerCase();
}

/** A list of entries as the reader matches it: its exact entries by their key, its /regex/ entries compiled (once per list). */
interface CompiledEntries {
  exact: Set<string>;
  patterns: RegExp[];
}

/** Compiles `entries` once per list (and per kind of key): a /regex/ entry always ignores case. */
function compileEntries(entries: readonly string[], key: (text: string) => string, cache: WeakMap<readonly string[], CompiledEntries>): CompiledEntries {
  let compiled = cache.get(entries);
  if (!compiled) {
    compiled = { exact: new Set(), patterns: [] };
    for (const entry of entries) {
      const regex = /^\/(.*)\/([a-z]*)$/.exec(entry);
      if (regex?.[1] !== undefined) compiled.patterns.push(new RegExp(regex[1], regex[2]?.includes('i') ? regex[2] : `${regex[2] ?? ''}i`));
      else compiled.exact.add(key(entry));
    }
    cache.set(entries, compiled);
  }
  return compiled;
}
const compiledAliases = new WeakMap<readonly string[], CompiledEntries>();
const compiledNoFigureTexts = new WeakMap<readonly string[], CompiledEntries>();

/** True when `text` is one of the aliases (exact after normalising, or matching a /regex/ entry). */
export function matchesAlias(text: string, aliases: readonly string[]): boolean {
  const header = normaliseHeader(text);
  if (header === '') return false;
  const { exact, patterns } = compileEntries(aliases, normaliseHeader, compiledAliases);
  return exact.has(header) || patterns.some((pattern) => pattern.test(header));
}

/** A cell text that means "no figure": exact (ignoring case and spaces) or matching a /regex/ entry. */
export function isNoFigureText(text: string, entries: readonly string[]): boolean {
  const value = text.replace(/\u00a0/g, ' ').trim();
  const { exact, patterns } = compileEntries(entries, (entry) => entry.trim().toLowerCase(), compiledNoFigureTexts);
  return exact.has(value.toLowerCase()) || patterns.some((pattern) => pattern.test(value));
}

/** The first key of `groups` whose aliases match `text`. */
export function classifyHeader<K extends string>(text: string, groups: Record<K, readonly string[]>): K | undefined {
  for (const key of Object.keys(groups) as K[]) {
    if (matchesAlias(text, groups[key])) return key;
  }
  return undefined;
}
