import { pageLabel, stampLines, type AgendaFormat } from '../render/agenda-format.js';
import { FONT_FAMILY } from '../render/fonts.js';
import { COLOURS } from '../render/pdf-document.js';
import { parseRuns, type Run } from '../report/template/blocks.js';
import type { Glossary } from './pack-settings.js';

/** A definition's parts: paragraphs (one a line, as the council prints them) and bullet lists. */
export type DefinitionPart = { kind: 'paragraph'; runs: Run[] } | { kind: 'bullets'; items: Run[][] };

/**
 * A line's runs, with each web address written "<http://...>" (as the glossary's source text has them)
 * as a run of its own that prints the address bare, as the council's PDF does, and links to it.
 */
export function definitionRuns(line: string): Run[] {
  return line.split(/<(https?:\/\/[^<>\s]+)>/).flatMap((part, i) => (i % 2 === 1 ? [{ text: part, link: part }] : part === '' ? [] : parseRuns(part)));
}

/** A definition's text as parts: "- " starts a bullet, every other line is a paragraph; **bold** is bold. Never a template. */
export function definitionParts(text: string): DefinitionPart[] {
  const parts: DefinitionPart[] = [];
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const bullet = /^[-•]\s+(.*)$/.exec(line);
    const last = parts[parts.length - 1];
    if (bullet?.[1] !== undefined) {
      if (last?.kind === 'bullets') last.items.push(definitionRuns(bullet[1]));
      else parts.push({ kind: 'bullets', items: [definitionRuns(bullet[1])] });
    } else parts.push({ kind: 'paragraph', runs: definitionRuns(line) });
  }
  return parts;
}

export interface GlossaryInput {
  glossary: Glossary;
  format: AgendaFormat;
  council: string;
}

type Node = Record<string, unknown>;

const runs = (list: Run[]): Node[] =>
  list.map((r) => ({ text: r.text, ...(r.bold ? { bold: true } : {}), ...(r.link ? { link: r.link, color: COLOURS.brand } : {}) }));

/**
 * The glossary as an appendix (A4 portrait, as the council's): title, contents with the pack page of
 * every entry, the acronyms as a table, then each term with its definition, kept with its first line.
 */
export function glossaryDocument(input: GlossaryInput): Record<string, unknown> {
  const { glossary, format } = input;
  const offset = (format.firstPage ?? 1) - 1;
  const entry = (text: string): Node => ({ text, style: 'term', tocItem: true, outline: true, pageNumberOffset: offset });
  const content: Node[] = [{ text: glossary.title, style: 'title' }, { toc: { title: { text: 'Contents', style: 'contents' }, numberStyle: { bold: false } } }];
  if (glossary.acronyms.length > 0) {
    content.push({
      stack: [
        { ...entry('Acronyms'), pageBreak: 'before' },
        {
          table: {
            headerRows: 1,
            dontBreakRows: true,
            widths: [90, '*'],
            body: [
              [
                { text: 'Acronym', style: 'tableHeader' },
                { text: 'Meaning', style: 'tableHeader' },
              ],
              ...glossary.acronyms.map((a) => [{ text: a.abbreviation, bold: true }, { text: a.meaning }]),
            ],
          },
          layout: {
            fillColor: (row: number) => (row === 0 ? COLOURS.headerFill : row % 2 === 0 ? COLOURS.stripe : null),
            hLineColor: () => '#bfbfbf',
            vLineColor: () => '#bfbfbf',
            hLineWidth: () => 0.5,
            vLineWidth: () => 0.5,
          },
          fontSize: 9.5,
          margin: [0, 4, 0, 8],
        },
      ],
    });
  }
  glossary.terms.forEach((term, i) => {
    const [first, ...rest] = definitionParts(term.text).map((part): Node =>
      part.kind === 'paragraph'
        ? { text: runs(part.runs), style: 'body' }
        : { ul: part.items.map((item) => ({ text: runs(item), margin: [0, 0, 0, 2] })), style: 'body' },
    );
    content.push({
      stack: [{ ...entry(term.term), ...(i === 0 && glossary.acronyms.length === 0 ? { pageBreak: 'before' } : {}) }, ...(first ? [first] : [])],
      unbreakable: true,
    });
    content.push(...rest);
  });
  const stamp = stampLines(format);
  return {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: [56, 60, 56, 50],
    info: { title: glossary.title, subject: glossary.title, author: input.council, creator: 'b4b-reports' },
    language: 'en-GB',
    displayTitle: true,
    defaultStyle: { font: FONT_FAMILY, fontSize: 10, lineHeight: 1.15 },
    header: (page: number) =>
      page === 1 && stamp.length > 0 ? { stack: stamp.map((text) => ({ text, bold: true, fontSize: 12 })), alignment: 'right', margin: [0, 20, 56, 0] } : null,
    footer: (page: number) => {
      const label = pageLabel(format, page);
      return label ? { text: label, alignment: 'center', fontSize: 9, margin: [0, 12, 0, 0] } : null;
    },
    content,
    styles: {
      title: { fontSize: 22, bold: true, color: COLOURS.brand, margin: [0, 30, 0, 16] },
      contents: { fontSize: 14, bold: true, color: COLOURS.brand, margin: [0, 0, 0, 6] },
      term: { fontSize: 12, bold: true, color: COLOURS.brand, margin: [0, 10, 0, 4] },
      body: { margin: [0, 0, 0, 5] },
      tableHeader: { bold: true, color: '#ffffff' },
    },
  };
}
