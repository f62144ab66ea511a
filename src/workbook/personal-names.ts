/**
 * Worker identities must never print. Text from the workbook (commentary, caseload teams, finance
 * reasons) is searched for a person's name where one is most likely: two capitalised words after a
 * role ("social worker Jane Smith", "SW Tom Jones", "NQSW: Amy Lee", "TM Jane Smith"). Each such pair is replaced by
 * "[name withheld]" in what every report prints, and a warning names the cell (never the name).
 * The rule catches the usual slip, not every name: it is a net under the rule that workbook text
 * holds no names, not a replacement for it.
 */

/** A capitalised word of a name ("Jane", "O'Neil", "Smith-Jones"). */
export const NAME_WORD = String.raw`[A-Z](?:[a-z]+|['’][A-Z][a-z]+)(?:[-'’][A-Z]?[a-z]+)*`;
// A team manager, practice manager or senior practitioner is named after a team as often as a worker ("SWF East 2 - TM Jane Smith").
const ROLE = String.raw`(?:[Ss]ocial [Ww]orkers?|[Ww]orkers?|[Kk]ey ?[Ww]orkers?|SWs?|NQSWs?|ASYEs?|TMs?|PMs?|[Tt]eam [Mm]anagers?|[Pp]ractice [Mm]anagers?|[Ss]enior [Pp]ractitioners?)`;
const NAME_AFTER_ROLE = new RegExp(String.raw`\b(${ROLE})(\s*[:,-]?\s+)(${NAME_WORD})\s+(${NAME_WORD})\b`, 'g');
/** A whole text that is just a name ("Jane Smith"), for fields that should hold an opaque reference. */
const WHOLE_NAME = new RegExp(String.raw`^(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?${NAME_WORD}\s+${NAME_WORD}$`);

export const WITHHELD = '[name withheld]';

export interface WithheldText {
  text: string;
  /** The roles the withheld names followed ("social worker"), for the warning; never the names. */
  roles: string[];
}

/**
 * The text with any name after a role replaced by "[name withheld]". `notAName` keeps two words that are
 * known to be something else (a team's own words: "SW Team North", SW for South West).
 */
export function withholdNames(text: string, notAName: (word: string) => boolean = () => false): WithheldText {
  const roles: string[] = [];
  const out = text.replace(NAME_AFTER_ROLE, (found, role: string, gap: string, first: string, second: string) => {
    if (notAName(first) || notAName(second)) return found;
    roles.push(role);
    return `${role}${gap}${WITHHELD}`;
  });
  return { text: out, roles };
}

export function looksLikeName(text: string): boolean {
  return WHOLE_NAME.test(text.trim());
}
