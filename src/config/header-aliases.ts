import { z } from 'zod';

/** A list of header names; "/.../" entries are regular expressions. */
const aliasList = z.array(z.string().min(1)).min(1);

const projectSheet = <T extends z.ZodRawShape>(columns: T) =>
  z.object({ sheet: aliasList, columns: z.object(columns) });

export const headerAliasesSchema = z.object({
  indicatorTables: z.object({
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
  }),
  projectSheets: z.object({
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
  }),
});

export type HeaderAliases = z.infer<typeof headerAliasesSchema>;
export type IndicatorColumn = keyof HeaderAliases['indicatorTables'];
export type ProjectSheetName = keyof HeaderAliases['projectSheets'];

export function normaliseHeader(text: string): string {
  return text.replace(/\u00a0/g, ' ').replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim().replace(/\.$/, '').toLowerCase();
}

/** True when `text` is one of the aliases (exact after normalising, or matching a /regex/ entry). */
export function matchesAlias(text: string, aliases: readonly string[]): boolean {
  const header = normaliseHeader(text);
  if (header === '') return false;
  return aliases.some((alias) => {
    const regex = /^\/(.*)\/([a-z]*)$/.exec(alias);
    if (regex?.[1] !== undefined) return new RegExp(regex[1], regex[2]?.includes('i') ? regex[2] : `${regex[2] ?? ''}i`).test(header);
    return normaliseHeader(alias) === header;
  });
}

/** The first key of `groups` whose aliases match `text`. */
export function classifyHeader<K extends string>(text: string, groups: Record<K, readonly string[]>): K | undefined {
  for (const key of Object.keys(groups) as K[]) {
    if (matchesAlias(text, groups[key])) return key;
  }
  return undefined;
}
