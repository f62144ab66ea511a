import Handlebars from 'handlebars';
import { z } from 'zod';
import { ConfigFileError } from '../config/read-config.js';
import { addMonths, monthLongLabel, type MonthKey } from '../model/month.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "23 November 2023" from "2023-11-23". */
export function longDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

export interface PackTextValues extends Record<string, string> {
  monthLong: string;
  monthEnd: string;
  meetingMonth: string;
  meetingDate: string;
}

/** The names configuration text may use, and nothing else: no blocks, helpers, partials or paths. */
export const PACK_TEXT_VALUES = ['monthLong', 'monthEnd', 'meetingMonth', 'meetingDate'] as const;

const listed = PACK_TEXT_VALUES.map((name) => `{{${name}}}`);
const EXPECTED_VALUES = `expected one of ${listed.join(', ')}`;
const EXPECTED_TEXT = `expected plain text with ${listed.slice(0, -1).join(', ')} or ${listed[listed.length - 1]}`;

interface HbNode {
  type: string;
  path?: { type: string; original?: unknown; parts?: string[]; data?: boolean; depth?: number };
  params?: unknown[];
  hash?: { pairs?: unknown[] };
  program?: { body: HbNode[] };
  inverse?: { body: HbNode[] };
}

/**
 * What is wrong with an officer's configuration text (a pack title, a covering report's paragraph)
 * as a template, or undefined when it only uses the values above. Such text is filled in at run time,
 * so a mistake found here is said once, at load, with the file and line (see configText).
 */
export function configTextProblem(text: string): string | undefined {
  if (!text.includes('{{')) return undefined;
  let program: { body: HbNode[] };
  try {
    program = Handlebars.parse(text);
  } catch {
    return `the text is not a valid template (an unclosed or broken {{...}}); ${EXPECTED_TEXT}`;
  }
  for (const node of program.body) {
    if (node.type === 'ContentStatement' || node.type === 'CommentStatement') continue;
    const raw = node.path?.original;
    const original = typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
    if (node.type === 'BlockStatement' || node.type === 'DecoratorBlock') {
      return `"{{#${original}}}" is a block, and configuration text has none; ${EXPECTED_TEXT}`;
    }
    if (node.type !== 'MustacheStatement') return `the text uses a partial or decorator ({{>...}}), and configuration text has none; ${EXPECTED_TEXT}`;
    const path = node.path;
    const name = path?.type === 'PathExpression' && !path.data && path.depth === 0 && path.parts?.length === 1 ? path.parts[0] : undefined;
    const plain = (node.params?.length ?? 0) === 0 && (node.hash?.pairs?.length ?? 0) === 0;
    if (name !== undefined && plain && (PACK_TEXT_VALUES as readonly string[]).includes(name)) continue;
    const hint = name !== undefined ? ' (report blocks such as {{indicatorTable}} belong in the report templates, templates/*.hbs)' : '';
    return `"{{${original}${plain ? '' : ' ...'}}}" is not a value configuration text may use; ${EXPECTED_VALUES}${hint}`;
  }
  return undefined;
}

/** A configuration text field: a text whose {{...}} names only the pack text values (checked at load, with its file and line). */
export function configText(): z.ZodString {
  return z.string().superRefine((text, ctx) => {
    const problem = configTextProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** The values configuration text may use: {{monthLong}}, {{monthEnd}}, {{meetingMonth}}, {{meetingDate}}. */
export function packTextValues(month: MonthKey, meetingDate?: string): PackTextValues {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const meetingMonth = monthLongLabel(addMonths(month, 1));
  return {
    monthLong: monthLongLabel(month),
    monthEnd: `${lastDay} ${monthLongLabel(month)}`,
    meetingMonth,
    meetingDate: meetingDate ? longDate(meetingDate) : meetingMonth,
  };
}

// Each text compiled once per process: a pack fills the same few titles again for every variant and item.
const compiled = new Map<string, HandlebarsTemplateDelegate>();

/**
 * Fills the placeholders of officers' configuration text (never workbook text). Text that uses
 * anything but the pack text values is a ConfigFileError (the schemas refuse it at load already).
 */
export function fillText(text: string, values: Record<string, string>): string {
  let template = compiled.get(text);
  if (!template) {
    const problem = configTextProblem(text);
    if (problem) throw new ConfigFileError(`configuration text ${JSON.stringify(text)}: ${problem}`);
    template = Handlebars.compile(text, { noEscape: true, strict: true, knownHelpersOnly: true });
    compiled.set(text, template);
  }
  return template(values);
}
