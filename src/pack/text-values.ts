import Handlebars from 'handlebars';
import { ConfigFileError } from '../findings/errors.js';
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

/** The values configuration text may use: {{monthLong}}, {{monthEnd}}, {{meetingMonth}}, {{meetingDate}} (and in a pack's items, {{documentMonth}}). */
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

/** What an item's text may name of its documents: the month each reports on, and each one's title as filled in. */
export interface ItemDocuments {
  months: MonthKey[];
  titles: string[];
}

/**
 * An item summary's values: the pack's; {{documentTitles}}, its documents' titles as their pages
 * print them, each with its own month ("Assurance Clinic – Safeguarding, August 2023; Assurance
 * Clinic – Pathways Through Care, July 2023"); and {{documentMonth}}, the month its documents report
 * on ("July 2023" for clinics of the latest month with team rows). Documents of different months have
 * no one month to name: an error naming the item, never one of them chosen.
 */
export function documentMonthValues(values: Record<string, string>, documents: ItemDocuments, where: string): Record<string, string> {
  const distinct = [...new Set(documents.months)].sort();
  const withTitles = { ...values, documentTitles: documents.titles.join('; ') };
  if (distinct.length > 1) {
    return {
      ...withTitles,
      get documentMonth(): string {
        throw new ConfigFileError(
          `${where}: the summary names {{documentMonth}}, but the item's documents report on ${distinct.map(monthLongLabel).join(' and ')}; ` +
            "expected one month (name each document's month in its own title, and {{documentTitles}} in the summary, instead)",
        );
      },
    };
  }
  return distinct[0] ? { ...withTitles, documentMonth: monthLongLabel(distinct[0]) } : withTitles;
}

/** The same values as plain data (for a document laid out in the layout thread): {{documentMonth}} only where there is one month. */
export function plainDocumentMonthValues(values: Record<string, string>, documents: ItemDocuments): Record<string, string> {
  const distinct = [...new Set(documents.months)];
  const withTitles = { ...values, documentTitles: documents.titles.join('; ') };
  return distinct.length === 1 && distinct[0] ? { ...withTitles, documentMonth: monthLongLabel(distinct[0]) } : withTitles;
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
  try {
    return template(values);
  } catch (cause) {
    if (cause instanceof ConfigFileError) throw cause;
    // A value the text names that this text has none of ({{documentMonth}} outside a pack's items).
    throw new ConfigFileError(`configuration text ${JSON.stringify(text)}: ${(cause as Error).message.split('\n')[0] ?? ''}`);
  }
}
