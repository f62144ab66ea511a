import { PDFBool, PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readOutline, type OutlineEntry } from '../../src/pack/outline.js';
import { pdfPageCount, pdfText } from '../fixtures/pdf-text.js';
import { monthDocuments, type WrittenDocument } from '../fixtures/month-documents.js';

/**
 * Every PDF that October 2023's runs write (the reports alone, the packs and their item files, public
 * and restricted), each checked for what a reader who is forwarded only that file relies on.
 */
let files: WrittenDocument[] = [];

beforeAll(async () => {
  files = (await monthDocuments()).files;
}, 120_000);

const pagesOf = (bytes: Uint8Array): string[] => {
  const pages = pdfText(Buffer.from(bytes)).split('\f');
  return pages.slice(0, pdfPageCount(Buffer.from(bytes)));
};
const flat = (text: string): string => text.replace(/\s+/g, ' ');
const titles = (entries: OutlineEntry[]): string[] => entries.flatMap((e) => [e.title, ...titles(e.children)]);

describe('every PDF written for October 2023', () => {
  it('is written: 4 reports, 4 packs and their 8 item files', () => {
    expect(files.map((f) => f.name)).toHaveLength(16);
  });

  it('has "Page N" on every page after the front sheet (the back of a confidential page excepted)', () => {
    for (const file of files) {
      const pages = pagesOf(file.bytes);
      pages.slice(file.front).forEach((text, i) => {
        const blankBack = text.includes('This page is intentionally left blank') && pages[file.front + i - 1]?.includes('Document is Confidential');
        if (!blankBack) expect(text, `${file.name}, physical page ${file.front + i + 1}`).toMatch(/Pages? \d+( - \d+)?\s*$/);
      });
    }
  });

  it('numbers every stand-alone report from Page 1, with no agenda stamp: one rule for them all', () => {
    const alone = files.filter((f) => !f.name.includes('/') && !f.name.startsWith('panel') && !f.name.startsWith('board'));
    expect(alone.map((f) => f.name)).toHaveLength(4);
    for (const file of alone) {
      const pages = pagesOf(file.bytes);
      pages.forEach((text, i) => expect(text, `${file.name}, page ${i + 1}`).toMatch(new RegExp(`Page ${i + 1}\\s*$`)));
      expect(pages[0], file.name).not.toMatch(/Agenda Item|Appendix \d/);
    }
  });

  it('has /Lang en-GB, shows its title in the window bar, and has bookmarks', async () => {
    for (const file of files) {
      const pdf = await PDFDocument.load(file.bytes, { updateMetadata: false });
      expect(String(pdf.catalog.get(PDFName.of('Lang'))), file.name).toBe('(en-GB)');
      const preferences = pdf.catalog.lookupMaybe(PDFName.of('ViewerPreferences'), PDFDict);
      expect(preferences?.get(PDFName.of('DisplayDocTitle')), file.name).toBe(PDFBool.True);
      expect(readOutline(pdf).length, `${file.name} has bookmarks`).toBeGreaterThan(0);
    }
  });

  it('has a title that its first page prints', async () => {
    for (const file of files) {
      const pdf = await PDFDocument.load(file.bytes, { updateMetadata: false });
      const title = pdf.getTitle() ?? '';
      const first = flat(pagesOf(file.bytes)[0] ?? '');
      // "Children & Learning Service Performance Report, November 2023": the cover prints both parts.
      for (const part of title.replace(/ \(restricted\)$/, '').split(', ')) expect(first, `${file.name}: "${title}"`).toContain(part);
    }
    const performance = files.find((f) => f.name === 'performance-2023-10.pdf')!;
    expect((await PDFDocument.load(performance.bytes)).getTitle()).toBe('Children & Learning Service Performance Report, November 2023');
  });

  it('bookmarks each section of a report, and in a pack each item, each document and its sections', async () => {
    const performance = readOutline(await PDFDocument.load(files.find((f) => f.name === 'performance-2023-10.pdf')!.bytes));
    expect(performance.map((e) => e.title)).toContain('Right support at the right time');
    const board = readOutline(await PDFDocument.load(files.find((f) => f.name === 'board-2023-10-public.pdf')!.bytes));
    expect(board.map((e) => e.title)).toEqual([
      'Front sheet and agenda',
      'Agenda Item 1: PERFORMANCE REPORT',
      'Agenda Item 2: FINANCE REPORT',
      'Agenda Item 3: ASSURANCE CLINICS',
    ]);
    expect(board[2]!.children.map((e) => e.title)).toEqual(['Appendix 1: Finance report – October 2023 (Document is Confidential)']);
    expect(board[3]!.children.map((e) => e.title)).toEqual([
      'Appendix 1: Assurance Clinic - Safeguarding, August 2023',
      'Appendix 2: Assurance Clinic - Pathways Through Care, August 2023',
    ]);
    expect(titles(board[1]!.children)).toContain('Performance - Supervision');
    // The public pack's bookmarks name no section of the exempt report.
    expect(titles(board).join('\n')).not.toMatch(/Revenue position|Main variances/);
    const restricted = readOutline(await PDFDocument.load(files.find((f) => f.name === 'board-2023-10-restricted.pdf')!.bytes));
    expect(titles(restricted[2]!.children)).toContain('Revenue position');
  });

  it('prints on its contents page the page numbers its footers print', () => {
    for (const file of files.filter((f) => /performance|panel|board-2023|item-1\.pdf|item-10/.test(f.name))) {
      const pages = pagesOf(file.bytes);
      // Every contents page (the performance report's; the glossary's, which runs onto a second page).
      const entryLines = (t: string): boolean =>
        t
          .trim()
          .split('\n')
          .every((line) => /^.+\s\d+$/.test(line.trim()) || /^Pages? \d+/.test(line.trim()));
      const contents = pages.flatMap((t, i) => (/^Contents$/m.test(t) ? [t, ...(pages[i + 1] && entryLines(pages[i + 1]!) ? [pages[i + 1]!] : [])] : []));
      if (contents.length === 0) continue;
      const entries = contents.flatMap((t) => [...t.matchAll(/^(.+?)\s+(\d+)$/gm)]).filter((m) => !/^(Page|Agenda Item|Appendix)$/.test(m[1]!.trim()));
      expect(entries.length, file.name).toBeGreaterThan(5);
      for (const [, heading, number] of entries) {
        const page = pages.find((t) => new RegExp(`Page ${number}\\s*$`).test(t));
        expect(page, `${file.name}: "${heading}" on page ${number}`).toBeDefined();
        expect(flat(page!), `${file.name}: page ${number}`).toContain(flat(heading!.trim()));
      }
    }
  });
});
