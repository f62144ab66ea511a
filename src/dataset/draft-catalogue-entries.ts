import { indicatorKind, type CatalogueEntry } from '../config/catalogue.js';
import type { Dataset } from './types.js';

const LOWER_IS_BETTER = [
  /re-referral/i,
  /2nd or more/i,
  /3 or more placements|3\+ placements/i,
  /residential/i,
  /unregulated/i,
  /2 or more social workers/i,
  /caseholder|case holders|per worker|per qualified social worker/i,
  /IFA/i,
  /referrals into statutory/i,
  /C&F assessments completed/i,
  /subject to CP Plan at end|rate of children subject to CP/i,
  /children in our care|rate of CLA|number of CLA at the end/i,
  /18 months or more/i,
  /leading to NFA/i,
];
const HIGHER_IS_BETTER = [
  /visit/i,
  /supervision/i,
  /up to date|up-to-date/i,
  /in time|within timescales?|within \d+ working days/i,
  /health assessment/i,
  /same social worker/i,
  /PEP/i,
  /participated/i,
  /SCC foster carers/i,
  /<20 miles/i,
  /core group/i,
  /review/i,
];

function guessPolarity(name: string, hasTarget: boolean): CatalogueEntry['polarity'] {
  if (LOWER_IS_BETTER.some((re) => re.test(name))) return 'lower-is-better';
  if (HIGHER_IS_BETTER.some((re) => re.test(name))) return 'higher-is-better';
  return hasTarget ? 'higher-is-better' : 'neutral';
}

function shortName(name: string): string {
  const short = name
    .replace(/^(Number|Percentage|Rate) of /i, (m) => (/^rate/i.test(m) ? 'Rate of ' : ''))
    .replace(/ as at the end of the month| at the end of the month| at end of month| in the month/gi, '')
    .trim();
  return short.charAt(0).toUpperCase() + short.slice(1);
}

/**
 * Draft catalogue entries for the indicators of a workbook that the catalogue does not know yet, with
 * a guessed polarity, kind and short name for an officer to check before pasting them into
 * config/indicators.yaml.
 */
export function draftCatalogueEntries(dataset: Dataset): CatalogueEntry[] {
  const drafts = new Map<string, CatalogueEntry>();
  for (const table of dataset.tables) {
    for (const row of table.rows) {
      if (row.catalogued || drafts.has(row.id)) continue;
      const figures = Object.values(row.values).filter((f) => f?.kind === 'number');
      const decimals = Math.max(0, ...figures.map((f) => (f?.kind === 'number' ? f.format.decimals : 0)));
      const format = row.percent ? 'percent' : decimals > 0 ? 'decimal' : 'integer';
      const targets = [row.target, ...(row.yearTargets ?? []).map((t) => t.figure)];
      const hasTarget = targets.some((t) => t?.kind === 'number' || t?.kind === 'comparison');
      drafts.set(row.id, {
        id: row.id,
        name: row.name,
        aliases: [],
        shortName: shortName(row.name),
        polarity: guessPolarity(row.name, hasTarget),
        format,
        ...(format === 'decimal' ? { decimals } : {}),
        kind: indicatorKind(undefined, row.name, row.percent, row.typeText),
      });
    }
  }
  return [...drafts.values()];
}
