import { z } from 'zod';

/**
 * The indicator catalogue (config/indicators.yaml): what the workbook does not say about an indicator.
 * Officers edit the YAML; this schema is the single description of its fields.
 */
export const catalogueEntrySchema = z.strictObject({
  /** Stable identifier used by templates: lower-case words joined by hyphens. */
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use lower-case letters, digits and hyphens'),
  /** The indicator's name as the workbook writes it. */
  name: z.string().min(1),
  /** Other spellings of the name in this or earlier workbooks ("chilren"). */
  aliases: z.array(z.string().min(1)).default([]),
  /** The name printed in charts and narrow tables. */
  shortName: z.string().min(1),
  /** Is a higher figure better? "neutral" for context measures (demand) that have no good direction. */
  polarity: z.enum(['higher-is-better', 'lower-is-better', 'neutral']),
  /**
   * Amber band around the target. For percentages, in percentage points (5 = five points);
   * for counts and rates, as a percentage of the target (10 = within 10% of target).
   */
  tolerance: z.number().nonnegative().optional(),
  /** How figures are shown. Percentages are held as fractions (0.26 shows as 26%). */
  format: z.enum(['integer', 'decimal', 'percent']),
  /** Decimal places shown; defaults to 0, or 1 for "decimal". */
  decimals: z.number().int().min(0).max(4).optional(),
  /**
   * What a figure can be, for the plausibility checks; by default from the format and the name:
   * count (a whole number, 0 or more: "Number of..."), percent (0% to 100%), rate (0 or more:
   * "Rate of...", "per 10,000"), measure (any other figure).
   */
  kind: z.enum(['count', 'percent', 'rate', 'measure']).optional(),
  /** The lowest and highest plausible figure, where they are narrower than the kind's (percentages as fractions). */
  range: z.tuple([z.number(), z.number()]).optional(),
});

/** How the reader judges whether a figure can be right (config/indicators.yaml `plausibility`). */
export const plausibilitySchema = z.strictObject({
  /** A count above this is not a figure for one council's children (a typo, or a pasted cell). */
  maxCount: z.number().positive().default(10_000_000),
  /** A month-on-month rise or fall by more than this factor is a warning... */
  jumpFactor: z.number().min(1).default(5),
  /** ...where both figures are at least this large, or the larger is at least this times jumpFactor (small counts jump naturally; 510 then 0 does not). */
  jumpFloor: z.number().nonnegative().default(20),
});

export const catalogueSchema = z.strictObject({
  /** The amber tolerance used where an entry gives none. */
  defaultTolerance: z.strictObject({ percentPoints: z.number().nonnegative(), percentOfTarget: z.number().nonnegative() }),
  plausibility: plausibilitySchema.default({ maxCount: 10_000_000, jumpFactor: 5, jumpFloor: 20 }),
  /**
   * Which RAG, Direction of travel and Trend the reports print. `computed` (the default): worked out
   * from the month's figure, the target and this catalogue (src/model/rag.ts). `workbook`: the
   * workbook's own RAG, Direction of travel and Trend columns, where a table has them for the report
   * month (they are about a table's latest month); the computed ones elsewhere, with a warning. Either
   * way `validate` names each workbook cell that disagrees with the computed value.
   */
  ragAndDirection: z.enum(['computed', 'workbook']).default('computed'),
  indicators: z.array(catalogueEntrySchema),
});

export type IndicatorKind = NonNullable<z.infer<typeof catalogueEntrySchema>['kind']>;

/**
 * An indicator's kind: the catalogue's word for it, else what its format, the workbook's type column
 * ("PERCENTAGE", "NUMBER", "RATE") or its name says.
 */
export function indicatorKind(entry: Pick<CatalogueEntry, 'kind' | 'format'> | undefined, name: string, percent: boolean, typeText?: string): IndicatorKind {
  if (entry?.kind) return entry.kind;
  if (percent || entry?.format === 'percent') return 'percent';
  const type = typeText?.toLowerCase() ?? '';
  if (/rate/.test(type)) return 'rate';
  if (/number|count/.test(type)) return 'count';
  if (/^\s*rate\b|per 1(0|00),?000\b|rolling rate/i.test(name)) return 'rate';
  if (/^\s*(number|no\.?|count|total)\b/i.test(name) && entry?.format !== 'decimal') return 'count';
  return 'measure';
}

export type CatalogueEntry = z.infer<typeof catalogueEntrySchema>;
export type CatalogueFile = z.infer<typeof catalogueSchema>;

/** Names compared for identity: case, spacing, punctuation spacing and a trailing full stop ignored. */
export function normaliseIndicatorName(name: string): string {
  return name
    .replace(/\u00a0/g, ' ')
    .replace(/[’‘]/g, "'")
    .replace(/\s*\/\s*/g, '/')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.:]$/, '')
    .toLowerCase();
}

export class IndicatorCatalogue {
  private readonly byName = new Map<string, CatalogueEntry>();
  readonly byId = new Map<string, CatalogueEntry>();

  constructor(
    readonly file: CatalogueFile,
    /** The catalogue file as messages name it: the project's own (catalogue: in config/b4b.yaml), else the default. */
    readonly source = 'config/indicators.yaml',
  ) {
    for (const entry of file.indicators) {
      if (this.byId.has(entry.id)) throw new Error(`indicator catalogue: the id "${entry.id}" is used twice`);
      this.byId.set(entry.id, entry);
      for (const name of [entry.name, ...entry.aliases]) {
        const key = normaliseIndicatorName(name);
        const other = this.byName.get(key);
        if (other && other.id !== entry.id) {
          throw new Error(`indicator catalogue: the name "${name}" belongs to both "${other.id}" and "${entry.id}"`);
        }
        this.byName.set(key, entry);
      }
    }
  }

  lookup(name: string): CatalogueEntry | undefined {
    return this.byName.get(normaliseIndicatorName(name));
  }

  static empty(): IndicatorCatalogue {
    return new IndicatorCatalogue(catalogueSchema.parse({ defaultTolerance: { percentPoints: 5, percentOfTarget: 10 }, indicators: [] }));
  }
}
