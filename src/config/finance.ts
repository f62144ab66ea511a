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

/** A financial year as config/finance.yaml names it: "2023/24", April 2023 to March 2024. */
function isFinancialYear(key: string): boolean {
  const m = /^(\d{4})\/(\d{2})$/.exec(key);
  return m !== null && (Number(m[1]) + 1) % 100 === Number(m[2]);
}

/**
 * The cost reduction plans' total target of each financial year, in pounds: `{ 2023/24: 600000 }`.
 * A target belongs to one year's plans, so a month of a year with none prints none. A bare number,
 * the form before targets had a year, is the target of 2023/24, the year it was set for (see
 * `costReductionTargetFor`): never of a later year.
 */
const costReductionTargetSchema = z.union([z.number().positive(), z.record(z.string(), z.number().positive())]).superRefine((target, ctx) => {
  if (typeof target === 'number') return;
  if (Object.keys(target).length === 0)
    ctx.addIssue({ code: 'custom', message: 'no financial year is given a target; expected one per year, e.g. { 2023/24: 600000 }' });
  for (const key of Object.keys(target))
    if (!isFinancialYear(key))
      ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" is not a financial year; expected one written like 2023/24 (April 2023 to March 2024)` });
});

/** The financial year a bare `costReductionTarget` (a number, no year) was set for. */
export const UNDATED_TARGET_YEAR = '2023/24';

/** The cost reduction target configured for a financial year ("2024/25"), if any. */
export function costReductionTargetFor(settings: Pick<FinanceSettings, 'costReductionTarget'>, year: string): number | undefined {
  const target = settings.costReductionTarget;
  if (typeof target === 'number') return year === UNDATED_TARGET_YEAR ? target : undefined;
  return Object.hasOwn(target, year) ? target[year] : undefined;
}

/** Settings of the finance report (config/finance.yaml). */
export const financeSettingsSchema = z.strictObject({
  varianceRag: varianceRagSchema,
  mainVarianceFrom: z.number().nonnegative(),
  agencyServiceArea: z.string().min(1),
  /** The performance indicator of the number of agency staff (headcount and target), as the performance report prints it. */
  agencyIndicator: z.string().min(1).optional(),
  /** The revenue line that holds the placement types' costs: the placements table is reconciled with its forecast. */
  placementsServiceArea: z.string().min(1).optional(),
  costReductionTarget: costReductionTargetSchema,
  weeksPerYear: z.number().positive().default(52),
  placementIndicators: z.record(z.string(), z.string()),
  exemptionNotice: z.string().min(1),
});

export type FinanceSettings = z.infer<typeof financeSettingsSchema>;
