import { z } from 'zod';

/** Settings of the finance report (config/finance.yaml). */
export const financeSettingsSchema = z.strictObject({
  varianceRag: z.strictObject({ greenUpTo: z.number().nonnegative(), amberUpTo: z.number().nonnegative() }),
  mainVarianceFrom: z.number().nonnegative(),
  agencyServiceArea: z.string().min(1),
  /** The performance indicator of the number of agency staff (headcount and target), as the performance report prints it. */
  agencyIndicator: z.string().min(1).optional(),
  /** The revenue line that holds the placement types' costs: the placements table is reconciled with its forecast. */
  placementsServiceArea: z.string().min(1).optional(),
  costReductionTarget: z.number().positive(),
  weeksPerYear: z.number().positive().default(52),
  placementIndicators: z.record(z.string(), z.string()),
  exemptionNotice: z.string().min(1),
});

export type FinanceSettings = z.infer<typeof financeSettingsSchema>;
