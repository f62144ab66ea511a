import Handlebars from 'handlebars';
import { ConfigFileError } from '../config/read-config.js';
import { configTextProblem } from './config-text.js';
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
