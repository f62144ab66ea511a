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
  const numbered = (texts: string[]): Node[] =>
    texts.map((text) => {
      paragraph += 1;
      return {
        columns: [
          { text: `${paragraph}.`, width: 28 },
          { text: t(text), width: '*' },
        ],
        margin: [0, 0, 0, 5],
      };
    });
  const labelTable = (rows: Array<[string, string]>, widths: Array<number | string> = [150, '*']): Node => ({
    table: { widths, body: rows.map(([label, value]) => [{ text: label, bold: true }, { text: value }]) },
    layout: 'noBorders',
    margin: [0, 0, 0, 6],
  });
  const content: Node[] = [
    labelTable([
      ['DECISION-MAKER:', report.decisionMaker],
      ['SUBJECT:', report.subject],
      ['DATE OF DECISION:', (values.meetingDate ?? '').toUpperCase()],
      ['REPORT OF:', report.reportOf],
    ]),
    heading('CONTACT DETAILS'),
    {
      table: {
        widths: [90, 50, '*', 110],
        body: report.contacts.flatMap((c) => [
          [{ text: c.role, bold: true }, 'Title', c.title, ''],
          ['', 'Name:', c.name, `Tel: ${c.telephone}`],
          ['', 'E-mail:', c.email, ''],
        ]),
      },
      layout: 'lightHorizontalLines',
      fontSize: 9,
    },
    heading('STATEMENT OF CONFIDENTIALITY'),
    { text: t(report.confidentiality) },
    heading('BRIEF SUMMARY'),
    { text: t(report.briefSummary) },
    heading('RECOMMENDATIONS:'),
    ...report.recommendations.map((text, i) => ({
      columns: [
        { text: `(${ROMAN[i] ?? i + 1})`, width: 28 },
        { text: t(text), width: '*' },
      ],
      margin: [0, 0, 0, 4],
    })),
    heading('REASONS FOR REPORT RECOMMENDATIONS'),
    ...numbered(report.reasons),
    heading('ALTERNATIVE OPTIONS CONSIDERED AND REJECTED'),
    ...numbered(report.alternatives),
    heading('DETAIL (Including consultation carried out)'),
    ...numbered(report.detail),
    heading('RESOURCE IMPLICATIONS'),
    { text: 'Capital/Revenue/Property/Other', decoration: 'underline', margin: [0, 0, 0, 4] },
    ...numbered(report.resourceImplications),
    heading('LEGAL IMPLICATIONS'),
    { text: 'Statutory power to undertake proposals in the report:', decoration: 'underline', margin: [0, 0, 0, 4] },
    ...numbered(report.legalImplications.slice(0, 1)),
    ...(report.legalImplications.length > 1
      ? [{ text: 'Other Legal Implications:', decoration: 'underline', margin: [0, 0, 0, 4] }, ...numbered(report.legalImplications.slice(1))]
      : []),
    heading('RISK MANAGEMENT IMPLICATIONS'),
    ...numbered(report.riskManagement),
    heading('POLICY FRAMEWORK IMPLICATIONS'),
    ...numbered(report.policyFramework),
    labelTable([
      ['KEY DECISION?', report.keyDecision],
      ['WARDS/COMMUNITIES AFFECTED:', report.wardsAffected],
    ]),
    heading('SUPPORTING DOCUMENTATION'),
    { text: 'Appendices', bold: true, margin: [0, 0, 0, 3] },
    ...input.appendices.map((title, i) => ({
      columns: [
        { text: `${i + 1}.`, width: 28 },
        { text: title, width: '*' },
      ],
    })),
    { text: "Documents In Members' Rooms", bold: true, margin: [0, 8, 0, 3] },
    ...report.membersRoomDocuments.map((title, i) => ({
      columns: [
        { text: `${i + 1}.`, width: 28 },
        { text: title, width: '*' },
      ],
    })),
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
    { text: 'Other Background Documents', bold: true, margin: [0, 4, 0, 3] },
    ...report.backgroundDocuments.map((title, i) => ({
      columns: [
        { text: `${i + 1}.`, width: 28 },
        { text: title, width: '*' },
      ],
    })),
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
