import { z } from 'zod';

/** Settings of the finance report (config/finance.yaml). */
export const financeSettingsSchema = z.strictObject({
  varianceRag: z.strictObject({ greenUpTo: z.number().nonnegative(), amberUpTo: z.number().nonnegative() }),
  mainVarianceFrom: z.number().nonnegative(),
  agencyServiceArea: z.string().min(1),
  costReductionTarget: z.number().positive(),
  weeksPerYear: z.number().positive().default(52),
  placementIndicators: z.record(z.string(), z.string()),
  exemptionNotice: z.string().min(1),
});

export type FinanceSettings = z.infer<typeof financeSettingsSchema>;
