import type { CaseloadTableModel, ChartModel, IndicatorTableModel, TeamTableModel } from '../report-figures.js';
import type { GridTableModel } from '../finance-model.js';
import type { BreakdownChartModel } from '../breakdown-figures.js';
import type { FigureRef } from '../figure-ref.js';

/** A run of text, bold or not ("**right support**" in a template). */
export interface Run {
  text: string;
  bold?: boolean;
  /** A figure a template helper put in the sentence ({{breakdownFigure ...}}): what it is and where it comes from. */
  figures?: FigureRef[];
  /** A web address the text links to (a glossary's "<http://...>", printed bare). */
  link?: string;
}

/** A figure a helper placed inside a line of the template: its text, and the figures it prints. */
export interface InlineFigure {
  text: string;
  figures: FigureRef[];
}

/** The text that stands for an inline figure in the template's output until the runs are made. */
export const INLINE_FIGURE = /(@@figure-[0-9a-f]+-\d+@@)/;

export interface CoverBlock {
  kind: 'cover';
  title: string;
  lines: string[];
}

/** The report as a list of blocks: what the template says, with figures filled in; no pdfmake here. */
export type Block =
  | CoverBlock
  | { kind: 'contents' }
  | { kind: 'heading'; level: 1 | 2; text: string }
  | { kind: 'paragraph'; runs: Run[] }
  | { kind: 'bullets'; items: Array<{ level: number; runs: Run[] }> }
  | IndicatorTableModel
  | TeamTableModel
  | CaseloadTableModel
  | GridTableModel
  | { kind: 'charts'; charts: ChartModel[] }
  | BreakdownChartModel
  | KeyBlock;

/** One line of the "How to read the tables" key: a column or mark ("RAG", "Trend", "-") and what it means. */
export interface KeyEntry {
  term: string;
  text: string;
}

/** The key, its wording from the template ({{#key}} ... {{/key}}); the layout adds each column's symbols. */
export interface KeyBlock {
  kind: 'key';
  entries: KeyEntry[];
}

/**
 * The body of a {{#key}} block: one entry a line, "Term: what it means" ("RAG: how this month ...",
 * "-: no figure ..."); blank lines are skipped. A line without "Term: " is an error naming it.
 */
export function keyEntries(body: string): KeyEntry[] {
  const entries: KeyEntry[] = [];
  for (const raw of body.replace(/\r/g, '').split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const found = /^([^:]+):\s+(.+)$/.exec(line);
    if (!found?.[1] || !found[2]) throw new Error(`the key's line "${line.slice(0, 80)}" is not "Term: what it means"`);
    entries.push({ term: found[1].trim(), text: found[2].trim() });
  }
  return entries;
}

/** "**bold** plain" → runs; an inline figure's marker becomes a run of its own that knows its figures. */
export function parseRuns(text: string, inline: Map<string, InlineFigure> = new Map()): Run[] {
  const runs: Run[] = [];
  const parts = text.split(/(\*\*[^*]+\*\*)/g);
  for (const part of parts) {
    if (part === '') continue;
    const bold = part.startsWith('**') && part.endsWith('**') && part.length > 4;
    for (const piece of (bold ? part.slice(2, -2) : part).split(INLINE_FIGURE)) {
      if (piece === '') continue;
      const figure = inline.get(piece);
      runs.push({
        text: figure ? figure.text : piece,
        ...(bold ? { bold: true } : {}),
        ...(figure && figure.figures.length > 0 ? { figures: figure.figures } : {}),
      });
    }
  }
  return runs;
}

/** A heading's text with any inline figure as plain text (a heading is not a place for figures to be traced). */
function plainText(text: string, inline: Map<string, InlineFigure>): string {
  return text
    .split(INLINE_FIGURE)
    .map((piece) => inline.get(piece)?.text ?? piece)
    .join('');
}

/**
 * Workbook text (commentary) as blocks: paragraphs between blank lines, and "- " or "• " lines as
 * bullets, as the commentary sheet writes them. Nothing else is read as markup: a line starting
 * "# " stays a paragraph that starts "# " (never a heading or a contents entry), "**" stays two
 * asterisks, and a block marker's text is plain text (markers are looked up only in template output).
 */
export function textBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', runs: [{ text: paragraph.join(' ') }] });
    paragraph = [];
  };
  for (const rawLine of text.replace(/\r/g, '').split('\n')) {
    const line = rawLine.trim();
    if (line === '') {
      flush();
      continue;
    }
    const bullet = /^(\s*)[-•]\s+(.*)$/.exec(rawLine);
    if (bullet?.[2] !== undefined) {
      flush();
      const item = { level: (bullet[1] ?? '').length >= 1 ? 2 : 1, runs: [{ text: bullet[2].trim() }] };
      const last = blocks[blocks.length - 1];
      if (last?.kind === 'bullets') last.items.push(item);
      else blocks.push({ kind: 'bullets', items: [item] });
      continue;
    }
    paragraph.push(line);
  }
  flush();
  return blocks;
}

/**
 * Turns the template's text output into blocks. Lines: "# " section heading, "## " sub-heading,
 * "- " bullet (indent for a sub-bullet), blank line between paragraphs, and block markers placed by
 * the template helpers (tables, charts, cover, contents), which only the helpers can write.
 */
export function parseTemplateText(text: string, markers: Map<string, Block | Block[]>, inline: Map<string, InlineFigure> = new Map()): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flushParagraph = (): void => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', runs: parseRuns(paragraph.join(' '), inline) });
    paragraph = [];
  };
  for (const rawLine of text.replace(/\r/g, '').split('\n')) {
    const line = rawLine.trimEnd();
    const found = markers.get(line.trim());
    if (Array.isArray(found)) {
      flushParagraph();
      blocks.push(...found);
      continue;
    }
    const marker = found;
    if (marker) {
      flushParagraph();
      const last = blocks[blocks.length - 1];
      // Charts one after another are one block; the layout puts them two or three to a row.
      if (marker.kind === 'charts' && last?.kind === 'charts') {
        last.charts.push(...marker.charts);
      } else {
        blocks.push(marker.kind === 'charts' ? { kind: 'charts', charts: [...marker.charts] } : marker);
      }
      continue;
    }
    if (line.trim() === '') {
      flushParagraph();
      continue;
    }
    const heading = /^(#{1,2})\s+(.*)$/.exec(line);
    if (heading?.[1] && heading[2] !== undefined) {
      flushParagraph();
      blocks.push({ kind: 'heading', level: heading[1].length as 1 | 2, text: plainText(heading[2].trim(), inline) });
      continue;
    }
    const bullet = /^(\s*)[-•]\s+(.*)$/.exec(line);
    if (bullet?.[2] !== undefined) {
      flushParagraph();
      const level = (bullet[1] ?? '').length >= 1 ? 2 : 1;
      const last = blocks[blocks.length - 1];
      const item = { level, runs: parseRuns(bullet[2], inline) };
      if (last?.kind === 'bullets') last.items.push(item);
      else blocks.push({ kind: 'bullets', items: [item] });
      continue;
    }
    paragraph.push(line.trim());
  }
  flushParagraph();
  return blocks;
}
