import { z } from 'zod';

/**
 * The indicator catalogue (config/indicators.yaml): what the workbook does not say about an indicator.
 * Officers edit the YAML; this schema is the single description of its fields.
 */
export const catalogueEntrySchema = z.object({
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
});

export const catalogueSchema = z.object({
  /** The amber tolerance used where an entry gives none. */
  defaultTolerance: z.object({ percentPoints: z.number().nonnegative(), percentOfTarget: z.number().nonnegative() }),
  indicators: z.array(catalogueEntrySchema),
});

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

  constructor(readonly file: CatalogueFile) {
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
    return new IndicatorCatalogue({ defaultTolerance: { percentPoints: 5, percentOfTarget: 10 }, indicators: [] });
  }
}
