/**
 * Indicator names that match a catalogue entry only once lookalike and invisible characters are
 * folded: "referrаls" typed with a Cyrillic а, or a zero-width space pasted in from a web page. Such a
 * name looks right on screen and in the PDF, but no catalogue lookup finds it, so its row would print
 * "not supplied" with nothing pointing at the character.
 *
 * Lookalikes are folded with Unicode's confusables mapping (the `unhomoglyph` package, from
 * https://www.unicode.org/Public/security/latest/confusables.txt); characters are named with the
 * `unicode-name` package. Both are loaded only when a name is not found in the catalogue as typed,
 * so a workbook whose names all match costs nothing.
 */
import { createRequire } from 'node:module';
import { normaliseIndicatorName, type CatalogueEntry, type IndicatorCatalogue } from '../config/catalogue.js';

const requireFromHere = createRequire(import.meta.url);

/**
 * Characters that show nothing: zero-width space, non-joiner and joiner, word joiner, soft hyphen,
 * byte-order mark, the combining grapheme joiner, direction marks and the invisible operators.
 * (Spaces other than the plain one, such as a no-break space, are read as spaces already.)
 */
const INVISIBLE_RANGES: Array<[number, number]> = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x180e, 0x180e],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x2064],
  [0x2066, 0x206f],
  [0xfeff, 0xfeff],
];

function isInvisible(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return INVISIBLE_RANGES.some(([low, high]) => code >= low && code <= high);
}

/** Characters a typed name may hold without being a lookalike: plain ASCII and the usual typographic quotes and dashes. */
const PLAIN = /^[\x20-\x7e\u2018\u2019\u201c\u201d\u2013\u2014\u00a3]$/u;

let fold: ((text: string) => string) | undefined;
/** Unicode's confusables mapping (loaded on first use). */
function confusablesFold(text: string): string {
  fold ??= requireFromHere('unhomoglyph') as (text: string) => string;
  return fold(text);
}

let characterName: ((char: string) => string | undefined) | false | undefined;
/** A character's Unicode name ("CYRILLIC SMALL LETTER A"), or undefined where the names cannot be loaded. */
function nameOf(char: string): string | undefined {
  if (characterName === undefined) {
    try {
      const names = requireFromHere('unicode-name') as { unicodeName: (char: string) => string | undefined };
      characterName = names.unicodeName;
    } catch {
      characterName = false; // an older Node that cannot require an ES module: the code point alone is said
    }
  }
  return characterName ? characterName(char) : undefined;
}

/** "U+0430 CYRILLIC SMALL LETTER A at position 17" */
function describeCharacter(char: string, position: number): string {
  const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  const name = nameOf(char);
  return `${code}${name ? ` ${name}` : ''} at position ${position}`;
}

/** A name with its invisible characters removed. */
export function withoutInvisible(name: string): string {
  return [...name].filter((c) => !isInvisible(c)).join('');
}

/** A name folded for comparison: lookalikes, then case (as the catalogue's lookup ignores it), then lookalikes of the lower-case letters ("Νumber" with a Greek Ν is "number"). */
function skeleton(name: string): string {
  return confusablesFold(normaliseIndicatorName(confusablesFold(withoutInvisible(name)))).replace(/\s+/g, ' ');
}

const skeletons = new WeakMap<IndicatorCatalogue, Map<string, CatalogueEntry | null>>();

/** Each catalogue name's and alias's skeleton → its entry (null where two entries share one). */
function skeletonsOf(catalogue: IndicatorCatalogue): Map<string, CatalogueEntry | null> {
  let map = skeletons.get(catalogue);
  if (!map) {
    map = new Map();
    for (const entry of catalogue.byId.values()) {
      for (const name of [entry.name, ...entry.aliases]) {
        const key = skeleton(name);
        const other = map.get(key);
        map.set(key, other === undefined || other?.id === entry.id ? entry : null);
      }
    }
    skeletons.set(catalogue, map);
  }
  return map;
}

/** The invisible characters of a name, each with its code point, Unicode name and position (1-based, in the name as read). */
export function invisibleCharacters(name: string): string[] {
  return [...name].flatMap((c, i) => (isInvisible(c) ? [describeCharacter(c, i + 1)] : []));
}

/** A catalogue entry a name (without invisible characters) matches once its lookalike letters are folded. */
export interface LookalikeName {
  entry: CatalogueEntry;
  /** Each character that differs: code point, Unicode name, position (1-based) and the letter it looks like. */
  characters: string[];
}

/**
 * The entry a name the catalogue does not know as typed matches once lookalike letters are folded
 * (Unicode's confusables), and the characters that made the difference. Undefined when it matches
 * nothing even so, or holds only plain characters.
 */
export function lookalikeOf(name: string, catalogue: IndicatorCatalogue): LookalikeName | undefined {
  const chars = [...name];
  if (chars.every((c) => PLAIN.test(c))) return undefined;
  const entry = skeletonsOf(catalogue).get(skeleton(name));
  if (!entry) return undefined;
  const characters = chars.flatMap((c, i) => {
    if (PLAIN.test(c)) return [];
    const looksLike = confusablesFold(c);
    return [`${describeCharacter(c, i + 1)}${looksLike !== c ? ` looks like "${looksLike}"` : ''}`];
  });
  return { entry, characters };
}
