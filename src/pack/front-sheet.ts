import { COLOURS } from '../render/pdf-document.js';
import { FONT_FAMILY } from '../render/fonts.js';
import type { PackVariant } from './assemble.js';

export interface AgendaEntry {
  number: number | string;
  title: string;
  summary: string;
  /** "(Pages 115 - 152)"; undefined while the pages are not yet known. */
  pages?: { first: number; last: number };
  /** Appendices that are exempt from publication, e.g. ["Appendix 1"]; `exemptionWording` follows "is". */
  exemptAppendices: string[];
}

export interface FrontSheetInput {
  meeting: string;
  /** "Thursday, 23 November 2023", or the meeting month. */
  when: string;
  council: string;
  variant: PackVariant;
  agenda: AgendaEntry[];
  exemptionWording: string;
  /** The public pack's line under the council, from the pack's `publicNotice` ("This meeting is open to the public"). */
  publicNotice?: string;
}

/** The front sheet and agenda, in the council's format: meeting, date, then each item with its pages. */
export function frontSheetDocument(input: FrontSheetInput): Record<string, unknown> {
  const restricted = input.variant === 'restricted';
  const agenda = input.agenda.flatMap((entry) => [
    {
      columns: [
        { text: String(entry.number), width: 28, bold: true },
        {
          text: [
            { text: entry.title.toUpperCase(), bold: true },
            ...(entry.pages ? [{ text: ` (Pages ${entry.pages.first} - ${entry.pages.last})`, bold: true }] : []),
          ],
          width: '*',
        },
      ],
      margin: [0, 10, 0, 3],
    },
    ...(entry.summary ? [{ text: entry.summary, margin: [28, 0, 0, 3] }] : []),
    ...(entry.exemptAppendices.length > 0
      ? [
          {
            text: `${entry.exemptAppendices.join(' and ')} ${entry.exemptAppendices.length > 1 ? 'are' : 'is'} ${input.exemptionWording}${
              restricted ? '.' : '; this public pack has a page reading "Document is Confidential" in its place.'
            }`,
            italics: true,
            margin: [28, 0, 0, 3],
          },
        ]
      : []),
  ]);
  return {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: [56, 60, 56, 50],
    info: { title: `${input.meeting}: agenda`, author: input.council, creator: 'b4b-reports' },
    language: 'en-GB',
    displayTitle: true,
    defaultStyle: { font: FONT_FAMILY, fontSize: 10.5, lineHeight: 1.15 },
    content: [
      ...(restricted
        ? [{ text: 'RESTRICTED PACK: CONTAINS EXEMPT INFORMATION. NOT FOR PUBLICATION.', bold: true, color: COLOURS.red, margin: [0, 0, 0, 20] }]
        : []),
      { text: input.meeting, fontSize: 24, bold: true, color: COLOURS.brand, margin: [0, 40, 0, 16] },
      { text: input.when, fontSize: 14, margin: [0, 0, 0, 8] },
      { text: input.council, fontSize: 12, margin: [0, 0, 0, 8] },
      ...(restricted || !input.publicNotice ? [] : [{ text: input.publicNotice, fontSize: 12, margin: [0, 0, 0, 8] }]),
      { text: 'AGENDA', fontSize: 16, bold: true, pageBreak: 'before', margin: [0, 0, 0, 6] },
      ...agenda,
    ],
  };
}
