import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/dataset/types.js';
import type { RunInputs } from '../../src/inputs/run-inputs.js';
import { money000 } from '../../src/report/money.js';
import type { PackOutput } from '../../src/produce/pack.js';
import type { PackSettings } from '../../src/pack/pack-settings.js';
import { pdfPageTexts, pdfText } from '../fixtures/pdf-text.js';
import { runCommand } from '../fixtures/run-cli.js';
import { sampleBoardPack, sampleInputs, samplePack } from '../fixtures/sample-report.js';
import { tempProject } from '../fixtures/temp-project.js';

let inputs: RunInputs;
let dataset: Dataset;
let board: PackOutput;

const pageTexts = (bytes: Uint8Array): string[] => pdfPageTexts(Buffer.from(bytes));

beforeAll(async () => {
  inputs = await sampleInputs();
  dataset = inputs.workbook.dataset;
  board = await sampleBoardPack();
});

describe('the board pack for October 2023', () => {
  it("public: holds none of the finance report's figures or headings", () => {
    const publicText = pdfText(Buffer.from(board.variants.public.pack));
    const restrictedText = pdfText(Buffer.from(board.variants.restricted.pack));
    const revenue = dataset.finance.revenue.filter((r) => r.month === '2023-10');
    const figures = [
      ...revenue.flatMap((r) => [money000(r.budget.value), money000(r.forecastOutturn.value)]),
      money000(revenue.reduce((n, r) => n + r.budget.value, 0)),
    ].filter((f) => f.includes(','));
    const headings = [
      'Revenue position',
      'Main variances',
      'Cost reduction plans',
      'Agency staffing',
      'Children & Learning Finance Report',
      'NOT FOR PUBLICATION',
    ];
    const proposals = dataset.finance.costReduction.filter((c) => c.month === '2023-10').map((c) => c.proposal.slice(0, 30));
    expect(figures.length).toBeGreaterThan(5);
    for (const text of [...figures, ...headings, ...proposals]) {
      expect(restrictedText, `restricted pack has ${text}`).toContain(text);
      expect(publicText, `public pack leaks ${text}`).not.toContain(text);
    }
    expect(publicText).toContain('Document is Confidential');
  });

  /** The pack page numbers each physical page carries: [N] for "Page N", [a..b] for "Pages a - b", [] for none. */
  const pageNumbers = (pages: string[]): number[][] =>
    pages.map((t) => {
      const m = /Pages? (\d+)(?: - (\d+))?\s*$/m.exec(t);
      if (!m) return [];
      const first = Number(m[1]);
      const last = m[2] ? Number(m[2]) : first;
      return Array.from({ length: last - first + 1 }, (_, i) => first + i);
    });

  for (const variant of ['public', 'restricted'] as const) {
    it(`${variant}: page numbers run without a gap, every item starts on an odd page, and the agenda ranges are the real pages`, () => {
      const pages = pageTexts(board.variants[variant].pack);
      const numbers = pageNumbers(pages);
      const firstNumbered = numbers.findIndex((n) => n.length > 0);
      const numbered = numbers.slice(firstNumbered).flat();
      expect(numbered[0]).toBe(1);
      numbered.forEach((n, i) => expect(n, `the ${i + 1}th page number`).toBe(i + 1));
      // A page without a number in the items is only the back of a confidential page.
      numbers.forEach((n, i) => {
        if (i >= firstNumbered && n.length === 0) {
          expect(pages[i], `physical page ${i + 1}`).toContain('This page is intentionally left blank');
          expect(pages[i - 1], `physical page ${i}`).toContain('Document is Confidential');
        }
      });
      // Where each agenda item really starts: the page stamped "Agenda Item N" (or its confidential page).
      const starts = new Map<number, number>();
      pages.forEach((t, i) => {
        const item = /Agenda Item (\d+)/.exec(t)?.[1];
        if (item && i >= firstNumbered && !starts.has(Number(item))) starts.set(Number(item), numbers[i]![0]!);
      });
      for (const n of starts.values()) expect(n % 2).toBe(1);
      const agenda = pages.slice(0, firstNumbered).join('\n');
      const ranges = [...agenda.replace(/\s+/g, ' ').matchAll(/(\d+) [A-Z][A-Z &-]+? \(Pages (\d+) - (\d+)\)/g)].map((m) => ({
        item: Number(m[1]),
        first: Number(m[2]),
        last: Number(m[3]),
      }));
      expect(ranges.map((r) => r.item)).toEqual([1, 2, 3]);
      const last = numbered[numbered.length - 1];
      ranges.forEach((range, i) => {
        expect(range.first, `item ${range.item} starts`).toBe(starts.get(range.item));
        const next = ranges[i + 1];
        expect(range.last, `item ${range.item} ends`).toBe(next ? next.first - 1 : last);
      });
    });
  }

  it('public and restricted: every page of a public document has the same page number in both packs', () => {
    const byNumber = (variant: 'public' | 'restricted'): Map<number, string> => {
      const pages = pageTexts(board.variants[variant].pack);
      const numbers = pageNumbers(pages);
      const map = new Map<number, string>();
      pages.forEach((text, i) => {
        const n = numbers[i]!;
        if (n.length === 1 && !text.includes('Document is Confidential')) map.set(n[0]!, text);
      });
      return map;
    };
    const pub = byNumber('public');
    const restricted = byNumber('restricted');
    // The clinics, cited from either pack, are on the same pages (27 to 44 in October 2023's packs).
    const clinicPages = [...pub.entries()].filter(([, t]) => t.includes('Assurance Clinic')).map(([n]) => n);
    expect(clinicPages.length).toBeGreaterThan(1);
    expect(pub.size).toBeGreaterThan(30);
    for (const [n, text] of pub) expect(restricted.get(n), `Page ${n}`).toBe(text);
    // The confidential page stands for the exempt document's pages and says which they are.
    const confidential = pageTexts(board.variants.public.pack).find((t) => t.includes('Document is Confidential') && /Pages \d+ - \d+\s*$/.test(t));
    const range = /Pages (\d+) - (\d+)\s*$/m.exec(confidential ?? '');
    expect(confidential).toContain('Agenda Item 2, Appendix 1: Finance report – October 2023');
    const financePages = [...restricted.entries()].filter(([, t]) => t.includes('NOT FOR PUBLICATION')).map(([n]) => n);
    expect([Number(range?.[1]), Number(range?.[2])]).toEqual([Math.min(...financePages), Math.max(...financePages)]);
  });

  it('carries title, subject, author and language in the PDF metadata', async () => {
    const pdf = await PDFDocument.load(board.variants.public.pack);
    expect(pdf.getTitle()).toBe('Building for Brilliance Board, November 2023');
    expect(pdf.getSubject()).toBe('Building for Brilliance Board: agenda pack, data to 31 October 2023');
    expect(pdf.getAuthor()).toBe('Southampton City Council');
    expect(String(pdf.catalog.get(PDFName.of('Lang')))).toContain('en-GB');
  });

  it('writes each item as its own PDF too, numbered as in the pack', () => {
    const items = board.variants.restricted.items;
    expect(items.map((i) => i.number)).toEqual([1, 2, 3]);
    const finance = pdfText(Buffer.from(items[1]!.bytes));
    expect(finance).toContain('NOT FOR PUBLICATION');
    expect(finance).toContain('Page 21');
    expect(pdfText(Buffer.from(board.variants.public.items[1]!.bytes))).toContain('Document is Confidential');
  });
});

describe('the panel pack', () => {
  it('has the covering report in the council template, paragraphs numbered on, then Appendix 1 from page 117', async () => {
    const panel = await samplePack('panel', '2023-10', { inputs, numberItemFiles: false });
    const text = pdfText(Buffer.from(panel.variants.public.pack))
      .replace(/[ \t]*\n[ \t]*/g, '\n')
      .replace(/[ \t]+/g, ' ');
    const flat = text.replace(/\s+/g, ' ');
    for (const field of [
      'DECISION-MAKER:',
      'SUBJECT:',
      'DATE OF DECISION:',
      'REPORT OF:',
      'CONTACT DETAILS',
      'STATEMENT OF CONFIDENTIALITY',
      'BRIEF SUMMARY',
      'RECOMMENDATIONS:',
      'REASONS FOR REPORT RECOMMENDATIONS',
      'ALTERNATIVE OPTIONS CONSIDERED AND REJECTED',
      'DETAIL (Including consultation carried out)',
      'RESOURCE IMPLICATIONS',
      'LEGAL IMPLICATIONS',
      'RISK MANAGEMENT IMPLICATIONS',
      'POLICY FRAMEWORK IMPLICATIONS',
      'KEY DECISION?',
      'WARDS/COMMUNITIES AFFECTED:',
      'SUPPORTING DOCUMENTATION',
    ]) {
      expect(flat, field).toContain(field);
    }
    expect(text).toMatch(/4\.\s+Performance information up to 31 October 2023 is attached as Appendix 1/);
    expect(text).toMatch(/10\.\s+The 2022-2030 Corporate Plan/);
    // The seed's own agenda line: the performance report now prints every part of the seed's Appendix 1.
    expect(flat).toContain('CHILDREN AND LEARNING - PERFORMANCE (Pages 115 - 152)');
    // The meeting's full date, from the panel's meetingDates in config/packs.yaml (seed 000 prints it so).
    expect(flat).toContain('DATE OF DECISION: 23 NOVEMBER 2023');
    expect(flat).toMatch(/Appendices 1\. Summary of performance and commentary – October 2023 2\. Children and Learning Glossary/);
    // Appendix 2, the glossary the program lays out from config/glossary.yaml: stamped, numbered on, with its terms.
    const glossaryFirst = pageTexts(panel.variants.public.pack).find((t) => /Appendix 2/.test(t) && t.includes('Children and Families Glossary'));
    expect(glossaryFirst).toMatch(/Agenda Item 10\s+Appendix 2/);
    expect(glossaryFirst).toMatch(/Page 137\s*$/);
    for (const term of ['Acronyms', 'Brief Intervention Team', 'Section 47 Enquiry', 'Youth Offending Service or Team']) expect(flat, term).toContain(term);
    expect(flat).toContain('SWF/SWWF Social Work with Families');
    expect(text).toMatch(/Agenda Item 10\s+Appendix 1[\s\S]*Page 117/);
    // Item files without pack page numbers, for committee systems that number pages themselves.
    expect(pdfText(Buffer.from(panel.variants.public.items[0]!.bytes))).not.toMatch(/Page 11\d/);
  });

  it('takes a PDF the program did not make', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'b4b-pack-'));
    const external = await PDFDocument.create();
    const page = external.addPage();
    page.drawText('Minutes of the previous meeting', { font: await external.embedFont(StandardFonts.Helvetica), x: 50, y: 700 });
    const file = path.join(dir, 'minutes.pdf');
    await writeFile(file, await external.save());
    const custom: Record<string, PackSettings> = {
      custom: {
        meeting: 'Test meeting',
        firstPage: 1,
        frontSheet: true,
        items: [
          { number: 6, title: 'MINUTES', summary: '', documents: [{ file, title: 'Minutes', exempt: false }] },
          {
            number: 7,
            title: 'PERFORMANCE',
            summary: '',
            documents: [{ report: 'performance', appendix: 1, title: 'Performance', exempt: false, month: 'pack' }],
          },
        ],
      },
    };
    const output = await samplePack('custom', '2023-10', { inputs: { ...inputs, packs: custom, itemFiles: new Map([[file, await readFile(file)]]) } });
    const text = pdfText(Buffer.from(output.variants.public.pack));
    expect(text).toContain('MINUTES (Pages 1 - 2)');
    expect(text).toContain('PERFORMANCE (Pages 3 - 22)');
    expect(text).toMatch(/Minutes of the previous meeting\s+Page 1/);
  });
});

describe('the board agenda and front sheet', () => {
  it("names the clinics' month, the latest with team rows, not a description of it", () => {
    const front = pageTexts(board.variants.public.pack).slice(0, 2).join('\n').replace(/\s+/g, ' ');
    expect(front).toContain('Assurance Clinic – Safeguarding, July 2023; Assurance Clinic – Pathways Through Care, July 2023.');
    expect(front).not.toContain('latest month with team data');
  });

  it('prints the public notice that packs.yaml gives the pack, and none where it gives none', async () => {
    expect(pdfText(Buffer.from(board.variants.public.pack), { firstPage: 1, lastPage: 1 })).toContain('This meeting is open to the public');
    expect(pdfText(Buffer.from(board.variants.restricted.pack), { firstPage: 1, lastPage: 2 })).not.toContain('open to the public');
    const packs = inputs.packs;
    const withoutNotice: PackSettings = { ...packs.board!, items: packs.board!.items.slice(0, 1) };
    delete withoutNotice.publicNotice;
    const closed = { board: withoutNotice };
    const quiet = await samplePack('board', '2023-10', { inputs: { ...inputs, packs: closed } });
    expect(pdfText(Buffer.from(quiet.variants.public.pack), { firstPage: 1, lastPage: 1 })).not.toContain('open to the public');
    const other = { board: { ...closed.board, publicNotice: 'This meeting is held in private' } };
    const changed = await samplePack('board', '2023-10', { inputs: { ...inputs, packs: other } });
    expect(pdfText(Buffer.from(changed.variants.public.pack), { firstPage: 1, lastPage: 1 })).toContain('This meeting is held in private');
  });

  it('refuses {{documentMonth}} in a summary whose documents report on different months, naming the item', async () => {
    const packs = inputs.packs;
    const mixed = {
      board: {
        ...packs.board!,
        items: [
          {
            ...packs.board!.items[2]!,
            summary: 'Assurance clinics for {{documentMonth}}',
            documents: [...packs.board!.items[2]!.documents, ...packs.board!.items[0]!.documents],
          },
        ],
      },
    };
    await expect(samplePack('board', '2023-10', { inputs: { ...inputs, packs: mixed } })).rejects.toThrow(
      /packs\.yaml: packs\.board, item 3: the summary names \{\{documentMonth\}\}, but the item's documents report on July 2023 and October 2023; expected one month/,
    );
  });
});

describe('the panel pack as the council prints it', () => {
  let pages: string[];
  beforeAll(async () => {
    const panel = await samplePack('panel', '2023-10', { inputs });
    pages = pageTexts(panel.variants.public.pack).map((t) => t.replace(/[ \t]+/g, ' '));
  });
  const covering = (): string[] => pages.filter((t) => t.includes('Page 115') || t.includes('Page 116'));

  it("lists the contacts in the council's order and labels: the Executive Director, then the author", () => {
    const first = covering()[0]!.replace(/\s+/g, ' ');
    expect(first).toMatch(
      /CONTACT DETAILS Executive Director Title Executive Director – Corporate Services Name: .+ Tel: 023 8083 3528 E-mail .+ Author: Title Scrutiny Manager Name: .+ Tel: 023 8083 3886 E-mail /,
    );
  });

  it('prints paragraph 10 as two paragraphs under one number, and the background documents table', () => {
    const text = covering().join('\n');
    expect(text).toMatch(/10\.\s+The 2022-2030 Corporate Plan[^]*?for life\.\nBy delivering consistently good outcomes/);
    expect(text).not.toMatch(/11\./);
    expect(text).toMatch(
      /Other Background documents available for inspection at:\nTitle of Background Paper\(s\) Relevant Paragraph of the Access to\s+Information Procedure Rules/,
    );
  });

  it('never starts a page of the covering report inside a paragraph ("Government Act 2000." alone atop a page)', () => {
    const [, ...later] = covering();
    expect(later.length).toBeGreaterThan(0);
    for (const page of later) {
      const firstLine = page
        .split('\n')
        .find((l) => l.trim() !== '')!
        .trim();
      // A heading in capitals, an underlined sub-heading, or a numbered paragraph.
      expect(firstLine).toMatch(/^([A-Z][A-Z ,/()?:-]+|[A-Z][a-z].*:|\d+\. .+|\(\w+\) .+)$/);
    }
    expect(covering().join('\n')).toMatch(/Part 1A Section 9 of the Local\s+Government Act 2000\./);
  });

  it("has no glossary paragraph broken mid-sentence (the council's PDF breaks some at its page ends)", async () => {
    const glossary = [...inputs.glossaries.values()][0]!;
    const broken = glossary.terms.flatMap((t) =>
      t.text
        .split(/\n\s*\n/)
        .map((p) => p.trim())
        .filter((p) => p !== '' && !/[.:;!?)>]$|^[-•*]|\n[-•*]/.test(p))
        .map((p) => `${t.term}: …${p.slice(-40)}`),
    );
    expect(broken).toEqual([]);
  });

  it("prints the glossary's web addresses bare, as the council's PDF does", () => {
    const text = pages.join('\n').replace(/\s+/g, ' ');
    expect(text).toContain('See http://southamptonlscb.co.uk/ for Southampton LSCB.');
    expect(text).toContain('Tri.x live online glossary: http://trixresources.proceduresonline.com/ - a free resource');
    expect(text).not.toMatch(/<https?:/);
  });
});

describe('b4b-reports run --pack', () => {
  it('writes both variants and prints their paths', async () => {
    const project = await tempProject();
    const result = await runCommand(['run', '--month', '2023-10', '--pack', 'board', '--settings', project.settings]);
    expect(result.status, result.stderr).toBe(0);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((p) => path.relative(project.root, path.resolve(p))),
    ).toEqual([path.join('output', '2023-10', 'board-2023-10-public.pdf'), path.join('output', '2023-10', 'board-2023-10-restricted.pdf')]);
    // The HTML twins of the public documents only: no finance report.
    expect((await readdir(path.join(project.output, '2023-10', 'board-html'))).sort()).toEqual([
      'item-1-performance.html',
      'item-3-clinic-pathways-through-care.html',
      'item-3-clinic-safeguarding.html',
    ]);
  });
});
