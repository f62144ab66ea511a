import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownRow, Dataset, Figure } from '../../src/dataset/types.js';
import { monthLongLabel } from '../../src/model/month.js';
import { cellName } from '../../src/report/figure-ref.js';
import { teamPercent } from '../../src/report/report-figures.js';
import { renderTemplate } from '../../src/report/template/render-template.js';
import { ReportFigures } from '../../src/report/report-figures.js';

import { TemplateError } from '../../src/findings/errors.js';
import { compareSnapshots, figuresSnapshot } from '../../src/run/figures-snapshot.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { HUB_SENTENCE_ETHNICITIES } from '../fixtures/seed-breakdowns.js';
import { performanceReport, sampleDataset } from '../fixtures/sample-report.js';
import { projectConfig, ROOT } from '../fixtures/workbooks.js';

/**
 * The performance report's parts printed from the Breakdowns sheet, read back from the PDF as
 * pdftotext sees it and compared with the workbook's figures (and, where the seed prints them, with
 * the seed's own lines: seed 000, agenda item 10, Appendix 1).
 */
const SEED = readFileSync(path.join(ROOT, 'test/fixtures/seed-000-breakdown-lines.txt'), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'));
const seedLine = (start: string): string => SEED.find((l) => l.startsWith(start)) ?? `(no seed line starting ${start})`;

let dataset: Dataset;
let report: Awaited<ReturnType<typeof performanceReport>>;
let lines: string[];
let text: string;

const rows = (measure: string): BreakdownRow[] => dataset.breakdowns.filter((r) => r.month === '2023-10' && r.measure === measure);
const row = (measure: string, category: string): BreakdownRow => {
  const found = rows(measure).find((r) => r.category === category);
  if (!found) throw new Error(`the sample has no ${measure} / ${category}`);
  return found;
};
const shown = (r: BreakdownRow): string => (r.unit === 'count' ? String(r.value.value) : `${Math.round(r.value.value * 1000) / 10}%`);
/** Where a line is in the extracted text; -1 when it is not. */
const at = (line: string, from = 0): number => lines.indexOf(line, from);

beforeAll(async () => {
  dataset = await sampleDataset();
  report = await performanceReport('2023-10', dataset);
  text = pdfText(report.pdf);
  lines = text.split('\n').map((l) => l.trim());
}, 60_000);

describe('the October 2023 performance report prints the Breakdowns sheet, as text extracted from the PDF', () => {
  it('Referral Source: the month of its rows in the heading, and each source with its count and share of the total', () => {
    const sources = rows('referral-source');
    expect(sources.length).toBeGreaterThan(5);
    const heading = at(`Referral Source - ${monthLongLabel(sources[0]!.month)}`);
    expect(heading).toBeGreaterThan(at('Strong, safe & vibrant localities'));
    // Before the section's indicator table, where the seed prints it.
    expect(heading).toBeLessThan(
      at('Percentage of re-referrals within 12 months 27% 26% 30% 27% 25% 28% 27% 25% 35% 26% 19% 21% 21% 23% ● G → 27% 21% 26% 21%'),
    );
    const total = sources.reduce((n, r) => n + r.value.value, 0);
    const table = at('Source Referrals % of total', heading);
    expect(table).toBeGreaterThan(heading);
    expect(lines.slice(table + 1, table + 2 + sources.length)).toEqual([
      ...sources.map((r) => `${r.category} ${r.value.value} ${teamPercent(r.value.value, total).text}`),
      `Total ${total} 100%`,
    ]);
    // The sample's illustrative sources add up to the month's referrals into statutory services (the workbook's 277).
    expect(total).toBe(277);
    expect(lines).toContain('Schools 86 31.0%');
  });

  it("Attendance at Family Hubs: the seed's four bullets, each figure from the sheet", () => {
    const start = at('Attendance at Family Hubs');
    expect(start).toBeGreaterThan(at('Desired outcome', at('Strong, safe & vibrant localities')));
    const distinct = row('family-hubs', 'Distinct individuals');
    const cin = row('family-hubs', 'Children on Child In Need plans');
    const cp = row('family-hubs', 'Children on Child Protection Plans');
    const expected = [
      `${distinct.value.value} distinct individuals have attended Family Hubs in ${distinct.period}`,
      `They have attended a total number of ${row('family-hubs', 'Attendances').value.value.toLocaleString('en-GB')} times`,
      `${cin.value.value} children out of ${cin.outOf?.value} on Child In Need plans have attended a Hub`,
      `${cp.value.value} children out of ${cp.outOf?.value} on Child Protection Plans have attended a Hub`,
    ];
    expect(lines.slice(start + 1, start + 5)).toEqual(expected);
    expect(expected.map((l) => `- ${l}`)).toEqual([seedLine('- 4964'), seedLine('- They'), seedLine('- 167'), seedLine('- 19')]);
  });

  it("the ethnicity of hub users: every proportion in the doughnut's figures table, and the seed's sentence", () => {
    const ethnicity = rows('family-hubs-ethnicity');
    const table = at('Ethnicity Share of individuals');
    expect(table).toBeGreaterThan(at('Attendance at Family Hubs'));
    expect(lines.slice(table + 1, table + 1 + ethnicity.length)).toEqual(ethnicity.map((r) => `${r.category} ${shown(r)}`));
    const sentence = text.replace(/\s+/g, ' ');
    expect(sentence).toContain(seedLine('50% of individuals'));
    expect([...seedLine('50% of individuals').matchAll(/(\d+%)/g)].map((m) => m[1])).toEqual(
      HUB_SENTENCE_ETHNICITIES.map((c) => shown(row('family-hubs-ethnicity', c))),
    );
    // The doughnut is drawn from the same figures, as proportions.
    const doughnut = report.blocks.find((b) => b.kind === 'breakdown-chart' && b.chart.type === 'doughnut');
    expect(doughnut?.kind === 'breakdown-chart' && doughnut.chart.series[0]?.values).toEqual(ethnicity.map((r) => r.value.value));
  });

  it("Education: the count and % of children in care out of education, then the commentary sheet's narrative", () => {
    const start = at('Education');
    expect(start).toBeGreaterThan(at('Promote permanence and placement stability', at('Children remain within or return to their birth families')));
    expect(start).toBeLessThan(at('Permanent, stable workforce'));
    const sentence = `There are ${shown(row('cla-education', 'Children in care out of education'))} looked after children (${shown(row('cla-education', 'Children in care out of education (%)'))}) currently out of education.`;
    expect(lines[start + 1]).toBe(sentence);
    expect(seedLine('There are')).toBe(`${sentence} ${lines[start + 2]}`);
    const narrative = dataset.commentary.find((c) => c.section === 'education' && c.month === '2023-10')?.text ?? '';
    expect(text.replace(/\s+/g, ' ')).toContain(narrative.replace(/\s+/g, ' ').slice(-120));
  });

  it('Diversity & Inclusion of staff and in senior roles: each % worked out from its counts, printed with them', () => {
    const staff = at('Diversity & Inclusion of staff');
    const senior = at('Diversity & Inclusion in Senior Roles');
    expect(staff).toBeGreaterThan(at('Permanent, stable workforce'));
    expect(senior).toBeGreaterThan(staff);
    for (const r of rows('staff-diversity')) {
      expect(lines.indexOf(`${r.category} ${teamPercent(r.value.value, r.outOf!.value).text} (${r.value.value} of ${r.outOf!.value})`, staff)).toBeGreaterThan(
        staff,
      );
    }
    expect(lines[at('Group No. of Senior Roles No. in Senior Roles') + 1]).toBe(
      `Women ${row('senior-roles', 'Women').outOf?.value} ${row('senior-roles', 'Women').value.value}`,
    );
    expect(lines).toContain('Women 77.3% (812 of 1050)');
  });

  it("Gender Pay Gap: the period in the heading and the seed's four lines; women and ethnic minorities in the organisation against senior roles", () => {
    const start = at(`Gender Pay Gap ${row('pay-gap', 'Mean gender pay gap').period}`);
    expect(lines[start]).toBe(seedLine('Gender Pay Gap'));
    expect(lines.slice(start + 1, start + 5)).toEqual([
      seedLine('Mean Gender'),
      seedLine('Median Gender'),
      seedLine('Mean Ethnicity'),
      seedLine('Median Ethnicity'),
    ]);
    expect(lines.slice(start + 1, start + 5)).toEqual(
      ['Mean gender pay gap', 'Median gender pay gap', 'Mean ethnicity pay gap', 'Median ethnicity pay gap'].map(
        (c) => `${c.replace(/\b\w/g, (l) => l.toUpperCase())} - ${shown(row('pay-gap', c))}`,
      ),
    );
    const women = (measure: string): string => {
      const r = row(measure, 'Women');
      return `${teamPercent(r.value.value, r.outOf!.value).text} (${r.value.value} of ${r.outOf!.value})`;
    };
    expect(lines).toContain(`Women ${women('staff-diversity')} ${women('senior-roles')}`);
    expect(start).toBeLessThan(at('Embedding practice framework and standards'));
  });

  it('lists every figure these parts print among the printed figures, with its cell and page', () => {
    const printed = report.printed.filter((p) => dataset.breakdowns.some((r) => p.indicator.startsWith(`${r.measure}`)));
    for (const r of dataset.breakdowns.filter((b) => b.month === '2023-10')) {
      const own = printed.filter((p) => p.cell === cellName(r.value.source));
      expect(own.length, `${r.measure} ${r.category}`).toBeGreaterThan(0);
      for (const p of own) {
        expect(p.page, `${r.measure} ${r.category}`).toBeGreaterThan(0);
        expect(text).toContain(p.text);
      }
    }
    // A % worked out from two counts is listed too, with the counts' cells beside it.
    expect(printed).toContainEqual(expect.objectContaining({ indicator: 'family-hubs 2023: Children on Child In Need plans (out of)', text: '2157' }));
    expect(printed).toContainEqual(expect.objectContaining({ indicator: 'staff-diversity 2022: Women (%)', text: '77.3%' }));
    expect(printed).toContainEqual(expect.objectContaining({ indicator: 'referral-source: Schools (% of total)', text: '31.0%' }));
  });

  it('prints the same figures in the HTML twin, and warns of nothing about them', () => {
    for (const expected of [
      '<th scope="row">Police</th><td class="num">92</td><td class="num">33.2%</td>',
      '4964 distinct individuals',
      '<th scope="row">White British</th><td class="num">50%</td>',
      'Mean Gender Pay Gap - 2.7%',
    ]) {
      expect(report.html).toContain(expected);
    }
    expect(report.warnings.filter((w) => /breakdown|not supplied|referral-source|family-hubs|pay-gap/i.test(w.message))).toEqual([]);
  });
});

describe('a month whose Breakdowns rows are missing', () => {
  it('prints "not supplied" in their place and warns, naming the latest month that has them; never another month\'s figures', async () => {
    // The referral sources moved to September 2023: October's report must not print them.
    const moved: Dataset = {
      ...dataset,
      breakdowns: dataset.breakdowns.filter((r) => r.measure !== 'family-hubs').map((r) => (r.measure === 'referral-source' ? { ...r, month: '2023-09' } : r)),
    };
    const output = await performanceReport('2023-10', moved);
    const printed = pdfText(output.pdf).split('\n');
    const heading = printed.indexOf('Referral Source - October 2023');
    expect(printed[heading + 1]).toBe('Not supplied for October 2023');
    expect(printed).not.toContain('Police 92 33.2%');
    expect(printed).toContain('not supplied distinct individuals have attended Family Hubs in');
    expect(output.warnings.map((w) => w.message)).toEqual(
      expect.arrayContaining([
        'referral-source: not supplied for October 2023: the Breakdowns sheet has no rows of this measure for that month (its latest are for September 2023)',
        'family-hubs: not supplied for October 2023: the Breakdowns sheet has no rows of this measure for that month',
      ]),
    );
  });
});

describe('a doughnut of percentages that do not add up to a whole', () => {
  it('is a warning naming the cells (typed Percentage, "80%" for 8% was printed and drawn beside shares adding up to 172%, without a word); the sample\'s is none', async () => {
    const { catalogue } = await projectConfig();
    const template = '{{breakdownChart "family-hubs-ethnicity" type="doughnut" title="Ethnicity" labels="Share" category="Ethnicity"}}';
    const warningsOf = (changed: Dataset): string[] => {
      const figures = new ReportFigures(changed, catalogue, '2023-10');
      renderTemplate(template, figures, { month: '2023-10', report: 'performance', service: '' });
      return figures.warnings.map((w) => w.message).filter((m) => m.includes('parts of a whole'));
    };
    const ethnicity = rows('family-hubs-ethnicity');
    const first = ethnicity[0] as BreakdownRow;
    // Typed Percentage rather than Proportion (the reader's own check of the sum is for proportions), one share typed ten times over.
    const typed: Dataset = {
      ...dataset,
      breakdowns: dataset.breakdowns.map((r): BreakdownRow => {
        if (r.measure !== 'family-hubs-ethnicity' || r.month !== '2023-10') return r;
        const value: Figure & { kind: 'number' } = { ...r.value, value: r === first ? r.value.value * 10 : r.value.value };
        return { ...r, unit: 'percentage', value };
      }),
    };
    const sum = ethnicity.reduce((n, r) => n + r.value.value, 0) + first.value.value * 9;
    const cells = ethnicity.map((r) => r.value.source.cell).join(', ');
    expect(warningsOf(typed)).toEqual([
      `family-hubs-ethnicity: the chart "Ethnicity" draws its figures for October 2023 as the parts of a whole, but they add up to ${Math.round(sum * 1000) / 10}% (${cells}); ` +
        'expected about 100% (97% to 103%): a category is missing, or a figure is mistyped',
    ]);
    expect(warningsOf(dataset)).toEqual([]);
  });
});

describe('a measure whose rows cover two periods, headed by one', () => {
  it('is a warning naming them ("Gender Pay Gap 2023" headed the ethnicity pay gap\'s 2022 figures, without a word); the sample\'s is none', async () => {
    const { catalogue } = await projectConfig();
    const warningsOf = (changed: Dataset): string[] => {
      const figures = new ReportFigures(changed, catalogue, '2023-10');
      renderTemplate('## Gender Pay Gap {{breakdownPeriod "pay-gap"}}', figures, { month: '2023-10', report: 'performance', service: '' });
      return figures.warnings.map((w) => w.message).filter((m) => m.includes('periods'));
    };
    const payGap = rows('pay-gap');
    const gender = new Set(payGap.filter((r) => /gender/i.test(r.category)));
    const mixed: Dataset = { ...dataset, breakdowns: dataset.breakdowns.map((r) => (gender.has(r) ? { ...r, period: '2023' } : r)) };
    const name = (period: string): string =>
      payGap
        .filter((r) => (gender.has(r) ? '2023' : r.period) === period)
        .map((r) => r.category)
        .join(', ');
    const periods = [...new Set(payGap.map((r) => (gender.has(r) ? '2023' : r.period)))];
    expect(periods).toHaveLength(2);
    expect(warningsOf(mixed)).toEqual([
      `pay-gap: its rows for October 2023 cover 2 periods (${periods.map((p) => `${p}: ${name(p)}`).join('; ')}), but the template prints one period for them all, ` +
        `its first row's (${periods[0]}); expected one period a month for the measure, or the template to print each category's period`,
    ]);
    expect(warningsOf(dataset)).toEqual([]);
  });
});

describe("a template's mistakes with the breakdown helpers are template errors", () => {
  it.each([
    ['{{breakdownFigure "pay-gap" "Mean gender pay gap" show="median"}}', 'expected show="value", "out-of" or "percent"'],
    ['{{breakdownChart "referral-source" type="pie"}}', 'expected one of line, bar, horizontal-bar, grouped-bar, stacked-bar, doughnut'],
    ['{{breakdownChart "referral-source:total"}}', 'expected "referral-source", "referral-source:percent" or "referral-source:out-of"'],
    ['{{breakdownChart "referral-source" "pay-gap"}}', 'the series mix counts and percentages'],
  ])('%s', async (template, message) => {
    const { catalogue } = await projectConfig();
    const render = (): unknown =>
      renderTemplate(template, new ReportFigures(dataset, catalogue, '2023-10'), { month: '2023-10', report: 'performance', service: '' });
    expect(render).toThrow(TemplateError);
    expect(render).toThrow(message);
    try {
      render();
    } catch (error) {
      // A template mistake: exit 1, code "template" under --json; the run names the template file.
      expect([(error as TemplateError).exitCode, (error as TemplateError).code]).toEqual([1, 'template']);
    }
  });

  it("workbook text in a breakdown (a period, a category) is never read as the template's markup", async () => {
    const { catalogue } = await projectConfig();
    const tricky: Dataset = { ...dataset, breakdowns: dataset.breakdowns.map((r) => (r.measure === 'pay-gap' ? { ...r, period: '**2022**\n# Injected' } : r)) };
    const blocks = renderTemplate(
      '## Gender Pay Gap {{breakdownPeriod "pay-gap"}}\n\nIn {{breakdownPeriod "pay-gap"}}.',
      new ReportFigures(tricky, catalogue, '2023-10'),
      {
        month: '2023-10',
        report: 'performance',
        service: '',
      },
    );
    expect(blocks).toEqual([
      { kind: 'heading', level: 2, text: 'Gender Pay Gap **2022**\n# Injected' },
      { kind: 'paragraph', runs: [{ text: 'In ' }, { text: '**2022**\n# Injected' }, { text: '.' }] },
    ]);
  });
});

describe('a re-run after a Breakdowns cell changed', () => {
  it('lists the change with its measure, category, month, old and new value and cell', () => {
    const before = figuresSnapshot(dataset, '2023-10', report.printed);
    const schools = row('referral-source', 'Schools');
    const changed: Dataset = {
      ...dataset,
      breakdowns: dataset.breakdowns.map((r) => (r === schools ? { ...r, value: { ...r.value, value: 85 } } : r)),
    };
    expect(compareSnapshots(before, figuresSnapshot(changed, '2023-10', report.printed))).toEqual([
      { where: 'Breakdowns referral-source', indicator: 'Schools', month: '2023-10', cell: cellName(schools.value.source), old: '86', new: '85' },
    ]);
  });
});

describe('referral sources that do not add up to the month’s referrals', () => {
  it('are printed as the workbook has them, with a run warning naming both figures and the indicator’s cell', async () => {
    const schools = row('referral-source', 'Schools');
    const mistyped: Dataset = { ...dataset, breakdowns: dataset.breakdowns.map((r) => (r === schools ? { ...r, value: { ...r.value, value: 68 } } : r)) };
    const output = await performanceReport('2023-10', mistyped);
    expect(pdfText(output.pdf).split('\n')).toContain('Total 259 100%');
    // The month's referrals into statutory services, where the council's table holds them (seed 002's 'B4B data set'!AB8).
    expect(output.warnings.map((w) => w.message)).toContain(
      `referral-source: the categories add up to 259, but "Number of referrals into statutory service in the month" is 277 for October 2023 ('B4B data set'!AB8); a category is missing or a figure is mistyped`,
    );
  });

  /** The sample with the month's referrals (B4B data set AB8) typed as something other than a number. */
  const withReferrals = (figure: (oct: Figure) => Figure): Dataset => ({
    ...dataset,
    tables: dataset.tables.map((t) => ({
      ...t,
      rows: t.rows.map((r) => {
        const oct = r.values['2023-10'];
        return oct && oct.source.sheet === 'B4B data set' && oct.source.cell === 'AB8' ? { ...r, values: { ...r.values, '2023-10': figure(oct) } } : r;
      }),
    })),
  });

  it('with "<300" typed for the month, the warning says the categories cannot be checked against it and that the breakdown prints their total, never that the referrals are not supplied', async () => {
    const withheld = withReferrals((f) => ({
      kind: 'comparison',
      op: '<',
      value: 300,
      format: { style: 'integer', decimals: 0 },
      text: '<300',
      source: f.source,
    }));
    const output = await performanceReport('2023-10', withheld);
    const messages = output.warnings.map((w) => w.message).filter((m) => m.startsWith('referral-source:'));
    expect(messages).toEqual([
      `referral-source: the categories add up to 277, and "Number of referrals into statutory service in the month" is "<300" for October 2023 ('B4B data set'!AB8), ` +
        'a comparison, not a figure, so the categories cannot be checked against it (277 is < 300), and the breakdown prints their total, 277, which "<300" does not say: ' +
        'if "<300" is there to withhold the figure, delete October 2023\'s referral-source rows from the Breakdowns sheet too; if not, type the figure there to have them checked',
    ]);
    expect(pdfText(output.pdf).split('\n')).toContain('Total 277 100%');

    // The advice followed, the figure withheld: the month's referral-source rows deleted, the report prints no total and says so.
    const deleted = await performanceReport('2023-10', {
      ...withheld,
      breakdowns: withheld.breakdowns.filter((r) => !(r.measure === 'referral-source' && r.month === '2023-10')),
    });
    const printed = pdfText(deleted.pdf).split('\n');
    expect(printed[printed.indexOf('Referral Source - October 2023') + 1]).toBe('Not supplied for October 2023');
    expect(printed).not.toContain('Total 277 100%');
    expect(printed.some((line) => /\b277\b/.test(line) && /referral|Total/i.test(line))).toBe(false);
    expect(deleted.warnings.map((w) => w.message).filter((m) => m.startsWith('referral-source:'))).toEqual([
      'referral-source: not supplied for October 2023: the Breakdowns sheet has no rows of this measure for that month',
    ]);
  });

  it('with "<250" typed for the month, which the categories (277) break, the warning says so', async () => {
    const output = await performanceReport(
      '2023-10',
      withReferrals((f) => ({ kind: 'comparison', op: '<', value: 250, format: { style: 'integer', decimals: 0 }, text: '<250', source: f.source })),
    );
    expect(output.warnings.map((w) => w.message)).toContain(
      `referral-source: the categories add up to 277, but "Number of referrals into statutory service in the month" is "<250" for October 2023 ('B4B data set'!AB8), which 277 is not; a category is missing or a figure is mistyped`,
    );
  });

  it('with "TBC" typed for the month, the warning quotes it', async () => {
    const output = await performanceReport(
      '2023-10',
      withReferrals((f) => ({ kind: 'missing', reason: 'placeholder', text: 'TBC', source: f.source })),
    );
    expect(output.warnings.map((w) => w.message)).toContain(
      `referral-source: the categories add up to 277, and "Number of referrals into statutory service in the month" has no figure for October 2023 ('B4B data set'!AB8), only "TBC", ` +
        'so the categories cannot be checked against it; type the figure there to have them checked',
    );
  });
});
