import { createRequire } from 'node:module';
import { normaliseIndicatorName, type IndicatorCatalogue } from './catalogue.js';

// The package is CommonJS without types: its one function, as its README gives it.
const damerauLevenshtein = createRequire(import.meta.url)('damerau-levenshtein') as (a: string, b: string) => { steps: number };

/**
 * Words whose change is a change of meaning, never a typing slip: "under 18" is not "over 18", "with"
 * is not "without". The symbols that carry meaning are made words of their own first (tokens below).
 */
const MEANINGFUL = new Set([
  'under', 'over', 'above', 'below', 'at', 'most', 'least', 'plus', 'percent', 'percentage', 'proportion', 'rate', 'number', 'average',
  'total', 'with', 'without', 'not', 'no', 'non', 'in', 'out', 'more', 'less', 'fewer', 'excluding', 'including', 'before', 'after',
  'within', 'outside', 'first', 'second', 'new', 'open', 'closed', 'male', 'female', 'per',
]);

/** A name as words: case and spacing ignored, the symbols that carry meaning as words ("<" is "under", "%" is "percent"), numbers whole ("10,000"). */
function tokens(name: string): string[] {
  const text = normaliseIndicatorName(name)
    .replace(/<=|≤/g, ' at most ')
    .replace(/>=|≥/g, ' at least ')
    .replace(/</g, ' under ')
    .replace(/>/g, ' over ')
    .replace(/\+/g, ' plus ')
    .replace(/%/g, ' percent ');
  return text.match(/\d[\d,.]*\d|\d|[a-z]+/g) ?? [];
}

/**
 * The catalogue name (or alias) a name not in the catalogue was most likely meant to be: one that
 * differs from it only by typing slips inside words ("childen", "opne": at most two words, three
 * edits in all; a word of four letters or fewer only by two letters swapped), never by a number, a symbol that carries meaning or a word that
 * does ("<20 miles" and ">20 miles", "under 18" and "over 18", "per 1,000" and "per 10,000", a
 * percentage and a count are different indicators). Undefined where none is, or two are equally near.
 */
export function likelyMeantName(name: string, catalogue: IndicatorCatalogue): string | undefined {
  const own = tokens(name);
  let best: { name: string; edits: number } | undefined;
  let tied = false;
  for (const entry of catalogue.byId.values()) {
    for (const known of [entry.name, ...entry.aliases]) {
      const edits = slipsBetween(own, tokens(known));
      if (edits === undefined || edits === 0) continue;
      if (!best || edits < best.edits) [best, tied] = [{ name: known, edits }, false];
      else if (edits === best.edits && best.name !== entry.name) tied = true;
    }
  }
  return best && !tied ? best.name : undefined;
}

/**
 * Edits from one word to the other: insert, delete, replace, or swap two letters side by side ("opne"
 * for "open" is one): the Damerau-Levenshtein distance, from the damerau-levenshtein package.
 */
function slipDistance(a: string, b: string): number {
  return damerauLevenshtein(a, b).steps;
}

/** Whether one word is a typing slip of the other: two meaningful words, numbers and short words (acronyms: "CIN", "CIC") never are. */
function slip(x: string, y: string): number | undefined {
  if (/\d/.test(x) || /\d/.test(y) || (MEANINGFUL.has(x) && MEANINGFUL.has(y))) return undefined;
  const d = slipDistance(x, y);
  const shorter = Math.min(x.length, y.length);
  if (shorter <= 4) return d === 1 && [...x].sort().join('') === [...y].sort().join('') ? 1 : undefined;
  return d <= 2 && d <= shorter / 4 ? d : undefined;
}

/** The edits that turn one name's words into the other's, where they differ only by slips inside words; undefined otherwise. */
function slipsBetween(a: string[], b: string[]): number | undefined {
  if (a.length !== b.length) return undefined;
  let edits = 0;
  let words = 0;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i] ?? '', b[i] ?? ''];
    if (x === y) continue;
    const d = slip(x, y);
    if (d === undefined) return undefined;
    edits += d;
    words += 1;
    if (words > 2 || edits > 3) return undefined;
  }
  return edits;
}
