import { z } from 'zod';

/**
 * RAG of a service area's forecast variance, as a percentage of its budget: Green up to `greenUpTo`
 * per cent over budget (an underspend is Green), Amber up to `amberUpTo`, Red beyond. Green must end
 * where Amber starts or before it: `greenUpTo: 10` with `amberUpTo: 3` would leave no Amber at all
 * and print a 5% overspend Green, so it is refused.
 */
const varianceRagSchema = z
  .strictObject({ greenUpTo: z.number().nonnegative(), amberUpTo: z.number().nonnegative() })
  .superRefine((rag, ctx) => {
    if (rag.greenUpTo > rag.amberUpTo) {
      ctx.addIssue({
        code: 'custom',
        path: ['greenUpTo'],
        message: `${rag.greenUpTo} is above amberUpTo (${rag.amberUpTo}), so no variance could be Amber; expected greenUpTo at most amberUpTo`,
      });
    }
  });

/** Settings of the finance report (config/finance.yaml). */
export const financeSettingsSchema = z.strictObject({
  varianceRag: varianceRagSchema,
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
