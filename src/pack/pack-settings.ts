import { z } from 'zod';
import { configTextProblem } from './config-text.js';

/** A configuration text field: a text whose {{...}} names only the pack text values (checked at load, with its file and line). */
function configText(): z.ZodString {
  return z.string().superRefine((text, ctx) => {
    const problem = configTextProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** One document of an agenda item: a report the program makes, a covering report, or a PDF file. */
export const packDocumentSchema = z.union([
  z.strictObject({
    /** A report named in config/b4b.yaml. */
    report: z.string().min(1),
    appendix: z.union([z.number(), z.string()]).optional(),
    title: configText().min(1),
    /** Exempt: replaced by a "Document is Confidential" page in the public pack. */
    exempt: z.boolean().default(false),
    /**
     * The pack's month (default), or the latest month up to it with team rows (for clinics). The
     * document's title and its item's summary may name it: {{documentMonth}} ("July 2023").
     */
    month: z.enum(['pack', 'latest-with-team-rows']).default('pack'),
  }),
  z.strictObject({
    /** The item's covering report in the council's template (a YAML file). */
    coveringReport: z.string().min(1),
  }),
  z.strictObject({
    /** A glossary the program lays out from a data file (config/glossary.yaml: title, acronyms, terms). */
    glossary: z.string().min(1),
    appendix: z.union([z.number(), z.string()]).optional(),
    title: configText().min(1),
  }),
  z.strictObject({
    /** A PDF the program did not make (minutes, another report), included as it is. */
    file: z.string().min(1),
    appendix: z.union([z.number(), z.string()]).optional(),
    title: configText().min(1),
    exempt: z.boolean().default(false),
  }),
]);

export const packItemSchema = z.strictObject({
  number: z.union([z.number(), z.string()]),
  /** Titles, summaries and covering-report paragraphs may use {{monthLong}}, {{monthEnd}}, {{meetingMonth}} and {{meetingDate}} (src/pack/text-values.ts), nothing else. */
  title: configText().min(1),
  summary: configText().default(''),
  documents: z.array(packDocumentSchema).min(1),
});

const packSchema = z.strictObject({
  meeting: z.string().min(1),
  /** The meeting's date (YYYY-MM-DD); without one, packs name the month after the data month. */
  meetingDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
    .optional(),
  /**
   * The meetings' dates (YYYY-MM-DD): a month's pack goes to the first meeting after the month ends,
   * and its front sheet, title and covering report's DATE OF DECISION print that date ("23 November 2023").
   */
  meetingDates: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')).optional(),
  /** "Page N" of the first item's first page; odd, since every item starts on an odd page. */
  firstPage: z
    .number()
    .int()
    .positive()
    .refine((n) => n % 2 === 1, 'firstPage must be odd: every item starts on an odd page'),
  /** A front sheet and agenda before the items. */
  frontSheet: z.boolean().default(true),
  /** A line the public pack's front sheet prints under the council ("This meeting is open to the public"); none when absent. */
  publicNotice: z.string().min(1).optional(),
  items: z.array(packItemSchema).min(1),
});

export const packsFileSchema = z.strictObject({ packs: z.record(z.string(), packSchema) });

export type PackDocument = z.infer<typeof packDocumentSchema>;
export type PackItem = z.infer<typeof packItemSchema>;
export type PackSettings = z.infer<typeof packSchema>;

export const coveringReportSchema = z.strictObject({
  decisionMaker: z.string().min(1),
  subject: z.string().min(1),
  reportOf: z.string().min(1),
  /** In the order printed: the council's is the Executive Director, then the author ("Author:"). */
  contacts: z.array(z.strictObject({ role: z.string(), title: z.string(), name: z.string(), telephone: z.string(), email: z.string() })),
  confidentiality: configText().default('None'),
  briefSummary: configText().min(1),
  recommendations: z.array(configText()).min(1),
  reasons: z.array(configText()).min(1),
  alternatives: z.array(configText()).min(1),
  detail: z.array(configText()).min(1),
  resourceImplications: z.array(configText()).min(1),
  legalImplications: z.array(configText()).min(1),
  riskManagement: z.array(configText()).min(1),
  policyFramework: z.array(configText()).min(1),
  keyDecision: z.string().default('No'),
  wardsAffected: z.string().default('None'),
  equalityImpactAssessment: z.string().default('No'),
  dataProtectionImpactAssessment: z.string().default('No'),
  membersRoomDocuments: z.array(z.string()).default(['None']),
  /** "Other Background documents available for inspection at:": a title, or a title and the paragraph that makes it exempt. */
  backgroundDocuments: z.array(z.union([z.string(), z.strictObject({ title: z.string().min(1), exemptParagraph: z.string().optional() })])).default(['None']),
});

export type CoveringReport = z.infer<typeof coveringReportSchema>;

/** A glossary's data file (config/glossary.yaml): its title, acronyms and terms with their definitions. */
export const glossarySchema = z.object({
  title: z.string().min(1),
  acronyms: z.array(z.object({ abbreviation: z.string().min(1), meaning: z.string().min(1) })).default([]),
  terms: z.array(z.object({ term: z.string().min(1), text: z.string().min(1) })).min(1),
});

export type Glossary = z.infer<typeof glossarySchema>;
