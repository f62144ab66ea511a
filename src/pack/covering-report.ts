import { pageLabel, type AgendaFormat } from '../render/agenda-format.js';
import { FONT_FAMILY } from '../render/fonts.js';
import type { CoveringReport } from './pack-settings.js';
import { fillText } from './text-values.js';

type Node = Record<string, unknown> | string;

export interface CoveringReportInput {
  report: CoveringReport;
  /** "Summary of performance and commentary – October 2023", one per appendix, in order. */
  appendices: string[];
  values: Record<string, string>;
  format: AgendaFormat;
  council: string;
}

/** The council's columns of the background documents table (seed 000, item 10). */
export const BACKGROUND_COLUMNS = [
  'Title of Background Paper(s)',
  'Relevant Paragraph of the Access to Information Procedure Rules / Schedule 12A allowing document to be Exempt/Confidential (if applicable)',
] as const;

/** A background document: its title alone, or with the paragraph that makes it exempt. */
export function backgroundDocument(doc: CoveringReport['backgroundDocuments'][number]): { title: string; exemptParagraph?: string | undefined } {
  return typeof doc === 'string' ? { title: doc } : doc;
}

/** A paragraph's text as the paragraphs it holds: a blank line between them in the YAML; other line breaks are spaces. */
export function coveringParagraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter((p) => p !== '');
}

const ROMAN = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x'];

/**
 * The council's report template: DECISION-MAKER to SUPPORTING DOCUMENTATION, with paragraphs
 * numbered on through the sections (as item 10 of seed 000). A4 portrait.
 */
export function coveringReportDocument(input: CoveringReportInput): Record<string, unknown> {
  const { report, values } = input;
  const t = (text: string): string => fillText(text, values);
  let paragraph = 0;
  const heading = (text: string): Node => ({ text, bold: true, margin: [0, 10, 0, 4], outline: true });
  const underlined = (text: string): Node => ({ text, decoration: 'underline', margin: [0, 0, 0, 4] });
  // A numbered paragraph may hold several paragraphs (a blank line between them in the YAML): the
  // number goes on the first; each is kept whole on one page, so no sentence ends alone atop a page.
  const numbered = (texts: string[]): Node[] =>
    texts.map((text) => {
      paragraph += 1;
      const [first = '', ...more] = coveringParagraphs(t(text));
      return {
        stack: [
          {
            columns: [
              { text: `${paragraph}.`, width: 28 },
              { text: first, width: '*' },
            ],
          },
          ...more.map((p) => ({ text: p, margin: [28, 4, 0, 0] })),
        ],
        unbreakable: true,
        margin: [0, 0, 0, 5],
      };
    });
  const labelTable = (rows: Array<[string, string]>, widths: Array<number | string> = [150, '*']): Node => ({
    table: { widths, body: rows.map(([label, value]) => [{ text: label, bold: true }, { text: value }]) },
    layout: 'noBorders',
    margin: [0, 0, 0, 6],
  });
  const listed = (titles: string[]): Node[] =>
    titles.map((title, i) => ({
      columns: [
        { text: `${i + 1}.`, width: 28 },
        { text: title, width: '*' },
      ],
    }));
  /** A heading (and a sub-heading under it) is kept on the page of what follows it. */
  const section = (title: string, ...parts: Node[][]): Node[] => {
    const [lead = [], ...rest] = parts;
    const [first, ...after] = lead;
    return [{ stack: [heading(title), ...(first !== undefined ? [first] : [])], unbreakable: true }, ...after, ...rest.flat()];
  };
  const contactRows = report.contacts.flatMap((c) => [
    [{ text: c.role, bold: true }, 'Title', { text: c.title, colSpan: 3 }, '', ''],
    ['', 'Name:', c.name, 'Tel:', c.telephone],
    ['', 'E-mail', { text: c.email, colSpan: 3 }, '', ''],
  ]);
  const content: Node[] = [
    labelTable([
      ['DECISION-MAKER:', report.decisionMaker],
      ['SUBJECT:', report.subject],
      ['DATE OF DECISION:', (values.meetingDate ?? '').toUpperCase()],
      ['REPORT OF:', report.reportOf],
    ]),
    ...section('CONTACT DETAILS', [
      {
        // The council's order and labels: the Executive Director, then the author (config order).
        table: { widths: [92, 40, '*', 22, 72], body: contactRows, dontBreakRows: true },
        layout: 'lightHorizontalLines',
        fontSize: 9,
      },
    ]),
    ...section('STATEMENT OF CONFIDENTIALITY', [{ text: t(report.confidentiality) }]),
    ...section('BRIEF SUMMARY', [{ text: t(report.briefSummary) }]),
    ...section('RECOMMENDATIONS:', [
      ...report.recommendations.map((text, i) => ({
        columns: [
          { text: `(${ROMAN[i] ?? i + 1})`, width: 28 },
          { text: t(text), width: '*' },
        ],
        margin: [0, 0, 0, 4],
      })),
    ]),
    ...section('REASONS FOR REPORT RECOMMENDATIONS', numbered(report.reasons)),
    ...section('ALTERNATIVE OPTIONS CONSIDERED AND REJECTED', numbered(report.alternatives)),
    ...section('DETAIL (Including consultation carried out)', numbered(report.detail)),
    ...section(
      'RESOURCE IMPLICATIONS',
      [{ stack: [underlined('Capital/Revenue/Property/Other'), ...numbered(report.resourceImplications.slice(0, 1))] }],
      numbered(report.resourceImplications.slice(1)),
    ),
    ...section(
      'LEGAL IMPLICATIONS',
      [{ stack: [underlined('Statutory power to undertake proposals in the report:'), ...numbered(report.legalImplications.slice(0, 1))] }],
      report.legalImplications.length > 1
        ? [
            { stack: [underlined('Other Legal Implications:'), ...numbered(report.legalImplications.slice(1, 2))], unbreakable: true },
            ...numbered(report.legalImplications.slice(2)),
          ]
        : [],
    ),
    ...section('RISK MANAGEMENT IMPLICATIONS', numbered(report.riskManagement)),
    ...section('POLICY FRAMEWORK IMPLICATIONS', numbered(report.policyFramework)),
    labelTable([
      ['KEY DECISION?', report.keyDecision],
      ['WARDS/COMMUNITIES AFFECTED:', report.wardsAffected],
    ]),
    ...section('SUPPORTING DOCUMENTATION', [{ stack: [{ text: 'Appendices', bold: true, margin: [0, 0, 0, 3] }, ...listed(input.appendices)] }]),
    { stack: [{ text: "Documents In Members' Rooms", bold: true, margin: [0, 8, 0, 3] }, ...listed(report.membersRoomDocuments)], unbreakable: true },
    {
      stack: [
        { text: 'Equality Impact Assessment', bold: true, margin: [0, 8, 0, 3] },
        labelTable(
          [
            [
              'Do the implications/subject of the report require an Equality and Safety Impact Assessment (ESIA) to be carried out?',
              report.equalityImpactAssessment,
            ],
          ],
          ['*', 50],
        ),
      ],
      unbreakable: true,
    },
    {
      stack: [
        { text: 'Data Protection Impact Assessment', bold: true, margin: [0, 4, 0, 3] },
        labelTable(
          [
            [
              'Do the implications/subject of the report require a Data Protection Impact Assessment (DPIA) to be carried out?',
              report.dataProtectionImpactAssessment,
            ],
          ],
          ['*', 50],
        ),
      ],
      unbreakable: true,
    },
    {
      stack: [
        { text: 'Other Background Documents', bold: true, margin: [0, 4, 0, 3] },
        { text: 'Other Background documents available for inspection at:', margin: [0, 0, 0, 4] },
        {
          table: {
            widths: [28, '*', 190],
            headerRows: 1,
            dontBreakRows: true,
            body: [
              [{ text: BACKGROUND_COLUMNS[0], bold: true, colSpan: 2 }, '', { text: BACKGROUND_COLUMNS[1], bold: true, fontSize: 8.5 }],
              ...report.backgroundDocuments.map((doc, i) => [`${i + 1}.`, backgroundDocument(doc).title, backgroundDocument(doc).exemptParagraph ?? '']),
            ],
          },
          layout: 'lightHorizontalLines',
        },
      ],
      unbreakable: true,
    },
  ];
  const stamp = [...(input.format.agendaItem !== undefined ? [`Agenda Item ${input.format.agendaItem}`] : [])];
  return {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: [56, 60, 56, 50],
    info: { title: `${report.subject}`, subject: report.subject, author: input.council, creator: 'b4b-reports' },
    language: 'en-GB',
    displayTitle: true,
    defaultStyle: { font: FONT_FAMILY, fontSize: 10.5, lineHeight: 1.15 },
    header: (page: number) =>
      page === 1 && stamp.length > 0 ? { stack: stamp.map((text) => ({ text, bold: true, fontSize: 12 })), alignment: 'right', margin: [0, 20, 56, 0] } : null,
    footer: (page: number) => {
      const label = pageLabel(input.format, page);
      return label ? { text: label, alignment: 'center', fontSize: 9, margin: [0, 12, 0, 0] } : null;
    },
    content,
  };
}
