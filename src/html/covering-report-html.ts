import { BACKGROUND_COLUMNS, backgroundDocument, coveringParagraphs, type CoveringReportInput } from '../pack/covering-report.js';
import { fillText } from '../pack/text-values.js';
import { stampLines } from '../render/agenda-format.js';
import { escapeHtml, htmlPage } from './html-page.js';

/**
 * The HTML twin of a covering report, from the same input as its PDF (src/pack/covering-report.ts):
 * the council's template as headings, numbered paragraphs that run on through the sections (ordered
 * lists with `start`), label and value pairs as description lists, the contacts as a data table.
 */
export function coveringReportHtml(input: CoveringReportInput): string {
  const { report, values } = input;
  const t = (text: string): string => escapeHtml(fillText(text, values));
  let paragraph = 0;
  const numbered = (texts: string[]): string => {
    const start = paragraph + 1;
    paragraph += texts.length;
    const paragraphs = (text: string): string => {
      const parts = coveringParagraphs(fillText(text, values)).map(escapeHtml);
      return parts.length > 1 ? parts.map((p) => `<p>${p}</p>`).join('') : (parts[0] ?? '');
    };
    return `<ol start="${start}">\n${texts.map((text) => `<li>${paragraphs(text)}</li>`).join('\n')}\n</ol>`;
  };
  const fields = (rows: Array<[string, string]>): string =>
    `<dl class="fields">\n${rows.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`).join('\n')}\n</dl>`;
  const section = (heading: string, body: string): string => `<h2>${escapeHtml(heading)}</h2>\n${body}`;
  const list = (items: string[]): string => `<ol>\n${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('\n')}\n</ol>`;
  const stamp = stampLines(input.format);
  const legal = report.legalImplications;

  const body = [
    stamp.length > 0 ? `<p class="stamp">${stamp.map(escapeHtml).join('<br>')}</p>` : '',
    `<h1>${escapeHtml(report.subject)}</h1>`,
    fields([
      ['DECISION-MAKER:', report.decisionMaker],
      ['SUBJECT:', report.subject],
      ['DATE OF DECISION:', (values.meetingDate ?? '').toUpperCase()],
      ['REPORT OF:', report.reportOf],
    ]),
    section(
      'CONTACT DETAILS',
      '<div class="table-wrap" role="region" aria-labelledby="contacts-caption" tabindex="0">\n<table>\n<caption id="contacts-caption">Contact details</caption>\n' +
        `<thead><tr>${['Contact', 'Title', 'Name', 'Tel', 'E-mail'].map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>\n<tbody>\n` +
        report.contacts
          .map(
            (c) =>
              `<tr><th scope="row">${escapeHtml(c.role)}</th><td>${escapeHtml(c.title)}</td><td>${escapeHtml(c.name)}</td><td>${escapeHtml(c.telephone)}</td><td>${escapeHtml(c.email)}</td></tr>`,
          )
          .join('\n') +
        '\n</tbody>\n</table>\n</div>',
    ),
    section('STATEMENT OF CONFIDENTIALITY', `<p>${t(report.confidentiality)}</p>`),
    section('BRIEF SUMMARY', `<p>${t(report.briefSummary)}</p>`),
    section('RECOMMENDATIONS:', `<ol type="i">\n${report.recommendations.map((text) => `<li>${t(text)}</li>`).join('\n')}\n</ol>`),
    section('REASONS FOR REPORT RECOMMENDATIONS', numbered(report.reasons)),
    section('ALTERNATIVE OPTIONS CONSIDERED AND REJECTED', numbered(report.alternatives)),
    section('DETAIL (Including consultation carried out)', numbered(report.detail)),
    section('RESOURCE IMPLICATIONS', `<h3>Capital/Revenue/Property/Other</h3>\n${numbered(report.resourceImplications)}`),
    section(
      'LEGAL IMPLICATIONS',
      `<h3>Statutory power to undertake proposals in the report:</h3>\n${numbered(legal.slice(0, 1))}` +
        (legal.length > 1 ? `\n<h3>Other Legal Implications:</h3>\n${numbered(legal.slice(1))}` : ''),
    ),
    section('RISK MANAGEMENT IMPLICATIONS', numbered(report.riskManagement)),
    section('POLICY FRAMEWORK IMPLICATIONS', numbered(report.policyFramework)),
    fields([
      ['KEY DECISION?', report.keyDecision],
      ['WARDS/COMMUNITIES AFFECTED:', report.wardsAffected],
    ]),
    section(
      'SUPPORTING DOCUMENTATION',
      [
        '<h3>Appendices</h3>',
        list(input.appendices),
        "<h3>Documents In Members' Rooms</h3>",
        list(report.membersRoomDocuments),
        '<h3>Equality Impact Assessment</h3>',
        fields([
          [
            'Do the implications/subject of the report require an Equality and Safety Impact Assessment (ESIA) to be carried out?',
            report.equalityImpactAssessment,
          ],
        ]),
        '<h3>Data Protection Impact Assessment</h3>',
        fields([
          [
            'Do the implications/subject of the report require a Data Protection Impact Assessment (DPIA) to be carried out?',
            report.dataProtectionImpactAssessment,
          ],
        ]),
        '<h3>Other Background Documents</h3>',
        '<p>Other Background documents available for inspection at:</p>',
        '<div class="table-wrap" role="region" aria-labelledby="background-caption" tabindex="0">\n<table>\n<caption id="background-caption">Other background documents</caption>\n' +
          `<thead><tr><th scope="col">No.</th>${BACKGROUND_COLUMNS.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>\n<tbody>\n` +
          report.backgroundDocuments
            .map((doc, i) => {
              const { title, exemptParagraph } = backgroundDocument(doc);
              return `<tr><td>${i + 1}.</td><td>${escapeHtml(title)}</td><td>${escapeHtml(exemptParagraph ?? '')}</td></tr>`;
            })
            .join('\n') +
          '\n</tbody>\n</table>\n</div>',
      ].join('\n'),
    ),
  ].filter((part) => part !== '');
  return htmlPage({ title: report.subject, body: body.join('\n') });
}
