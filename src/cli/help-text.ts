/**
 * The text a command's --help adds after commander's own (what it does, exit codes, the project folder),
 * reflowed to the width commander lays out its own part in: the terminal's, or 80 columns piped. Written
 * with line breaks for the source's sake, it ran to 127 columns and broke mid-word on an 80-column terminal.
 */
import { wrapWords } from './log-format.js';

/** The width commander gives its own help: the terminal's columns, else 80. */
function helpWidth(): number {
  return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 80;
}

/**
 * `text` reflowed to `width`: the lines of a paragraph are joined and wrapped; an indented line (a command
 * to type, an exit code and its meaning) stays a line of its own, wrapped under its text.
 */
export function reflowHelp(text: string, width: number = helpWidth()): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) out.push(...wrapWords(paragraph.join(' ').split(/\s+/).filter(Boolean), width));
    paragraph = [];
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      flush();
      out.push('');
    } else if (/^\s/.test(line)) {
      flush();
      if (line.length <= width) {
        out.push(line);
        continue;
      }
      // "  75  busy: ...": under the meaning's column; a command to type: continued with "\", as a shell reads it.
      const code = /^(\s+\d+\s+)/.exec(line)?.[1];
      const lead = code ?? /^(\s+)/.exec(line)?.[1] ?? '';
      const words = line.slice(lead.length).trim().split(/\s+/);
      if (code || !/\bb4b-reports /.test(line)) out.push(...wrapWords(words, width, lead, code ? lead.length : lead.length + 2));
      else out.push(...wrapWords(words, width - 2, lead, lead.length + 2).map((l, i, all) => (i < all.length - 1 ? `${l} \\` : l)));
    } else paragraph.push(line);
  }
  flush();
  return out.join('\n');
}

/** For commander's addHelpText: `text` reflowed when the help is shown, at that terminal's width. */
export function helpText(text: string): () => string {
  return () => reflowHelp(text);
}
