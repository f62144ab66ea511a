import { z } from 'zod';

/** The assurance clinics' team measures (config/team-measures.yaml). */
export const teamMeasureSchema = z.strictObject({
  code: z.string().min(1),
  name: z.string().min(1),
  polarity: z.enum(['higher-is-better', 'lower-is-better']),
  target: z.number().min(0).max(1).optional(),
  indicator: z.string().optional(),
});

export const teamMeasuresFileSchema = z.strictObject({ measures: z.array(teamMeasureSchema) });

export type TeamMeasure = z.infer<typeof teamMeasureSchema>;
export type TeamMeasuresFile = z.infer<typeof teamMeasuresFileSchema>;
