import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { isSeq, parse as parseYaml, parseDocument, stringify as stringifyYaml, type YAMLMap, type YAMLSeq } from 'yaml';
import { headerAliasesSchema, type HeaderAliases } from '../config/header-aliases.js';
import { ConfigFileError } from '../config/read-config.js';
import { parseYamlFile } from '../config/read-yaml.js';
import type { Finding } from '../findings/finding.js';
import { monthLongLabel, type MonthKey } from '../model/month.js';

/**
 * A line of config/header-aliases.yaml that a finding's advice gives word for word, which an officer
 * can add from the console: a month header read as another month, or a gap in a table's months
 * allowed.
 */
export type ConfigFix =
  | { list: 'monthCorrections'; entry: HeaderAliases['monthCorrections'][number] }
  | { list: 'allowedMonthGaps'; entry: HeaderAliases['allowedMonthGaps'][number] };

const listsSchema = headerAliasesSchema.pick({ monthCorrections: true, allowedMonthGaps: true }).partial();

/** "monthCorrections: - { sheet: …, cell: …, reads: …, month: … }", as the reader's advice writes it. */
const ADVICE = /\b(monthCorrections|allowedMonthGaps): - (\{[^{}]*\})/;

/**
 * The line a finding's advice names, when it is exactly one entry of the two lists and about the
 * finding's own sheet and cell; otherwise nothing (the advice is then shown as words only).
 */
export function fixOf(finding: Finding): ConfigFix | undefined {
  const found = ADVICE.exec(finding.message);
  if (!found?.[1] || !found[2]) return undefined;
  let entry: unknown;
  try {
    entry = parseYaml(found[2]);
  } catch {
    return undefined;
  }
  const fix = typeof entry === 'object' && entry !== null ? fixFromForm({ ...entry, list: found[1] }) : undefined;
  return fix && fix.entry.sheet === finding.source.sheet && fix.entry.cell === finding.source.cell ? fix : undefined;
}

/** The fix a form posts back: its list and the entry's fields, as actionView wrote them. */
export function fixFromForm(body: Record<string, unknown>): ConfigFix | undefined {
  if (body.list !== 'monthCorrections' && body.list !== 'allowedMonthGaps') return undefined;
  const entry =
    body.list === 'monthCorrections' ? { sheet: body.sheet, cell: body.cell, reads: body.reads, month: body.month } : { sheet: body.sheet, cell: body.cell };
  const parsed = listsSchema.safeParse({ [body.list]: [entry] });
  if (!parsed.success) return undefined;
  if (parsed.data.monthCorrections?.[0]) return { list: 'monthCorrections', entry: parsed.data.monthCorrections[0] };
  if (parsed.data.allowedMonthGaps?.[0]) return { list: 'allowedMonthGaps', entry: parsed.data.allowedMonthGaps[0] };
  return undefined;
}

/** The entry as one YAML line under its list: "- {sheet: B4B data set, cell: AA2, reads: Sep-32, month: 2023-09}". */
export function fixLine(fix: ConfigFix): string {
  return `- ${stringifyYaml(fix.entry, { flowCollectionPadding: false, lineWidth: 0, collectionStyle: 'flow' }).trim()}`;
}

/** What the fix does, in words. */
export function fixEffect(fix: ConfigFix): string {
  const place = `'${fix.entry.sheet}'!${fix.entry.cell}`;
  return fix.list === 'monthCorrections'
    ? `${place}, which reads "${fix.entry.reads}", is read as ${monthLongLabel(fix.entry.month as MonthKey)}, and its column's figures as that month's, while the cell reads "${fix.entry.reads}".`
    : `The table's months may skip a month before ${place}: the months missing there are not an error (nor are they read from anywhere else).`;
}

export function sameFix(a: ConfigFix, b: ConfigFix): boolean {
  return a.list === b.list && isDeepStrictEqual(a.entry, b.entry);
}

/**
 * Adds the entry to its list in the header aliases file, replacing an entry for the same sheet and
 * cell. The rest of the file is kept as it was written (comments included); the result must read
 * back as the same settings plus the entry, and is written whole (a temp file renamed over it).
 * Returns the aliases as they now are.
 */
export async function applyFix(file: string, fix: ConfigFix): Promise<HeaderAliases> {
  const text = await readFile(file, 'utf8');
  const before = parseYamlFile(text, file, headerAliasesSchema, 'header aliases file');
  const doc = parseDocument(text);
  let list = doc.get(fix.list, true);
  if (!isSeq(list)) {
    list = doc.createNode([]);
    doc.set(fix.list, list);
  }
  const seq = list as YAMLSeq;
  seq.items = seq.items.filter((item) => {
    const json = (item as YAMLMap).toJSON?.() as { sheet?: unknown; cell?: unknown } | undefined;
    return !(json?.sheet === fix.entry.sheet && json.cell === fix.entry.cell);
  });
  const node = doc.createNode(fix.entry) as YAMLMap;
  node.flow = true;
  seq.flow = false;
  seq.items.push(node);
  const written = doc.toString({ flowCollectionPadding: false, lineWidth: 0 });
  const after = parseYamlFile(written, file, headerAliasesSchema, 'header aliases file');
  const expected = {
    ...before,
    [fix.list]: [...before[fix.list].filter((e) => !(e.sheet === fix.entry.sheet && e.cell === fix.entry.cell)), fix.entry],
  };
  if (!isDeepStrictEqual(after, expected))
    throw new ConfigFileError(`${file}: the line could not be added without changing other settings; add it by hand: ${fix.list}: ${fixLine(fix)}`);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, written, { mode: (await stat(file)).mode & 0o777 });
  await rename(temp, file);
  return after;
}
