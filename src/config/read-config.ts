/**
 * Configuration text → checked data, with every problem named by file, line and key: YAML syntax,
 * keys the schema does not know (every config schema is strict, so a typo such as `restriced:` is an
 * error with the key it most likely meant, never silently ignored), values of the wrong kind, and
 * names that JavaScript reserves (`__proto__`, `constructor`), which a plain object lookup would
 * mistake for its own properties.
 */
import { LineCounter, isMap, isSeq, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigFileError } from '../findings/errors.js';

export { ConfigFileError };

/** Configuration errors exit 1, as every B4BError that is the user's to fix (src/cli/outcome.ts); they are ConfigFileErrors (--json code "config"). */
export const CONFIG_ERROR = 1;

export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

type Segment = string | number;

interface Located {
  line?: number;
  text: string;
}

function pathText(path: readonly Segment[]): string {
  return path.reduce<string>((out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out === '' ? seg : `${out}.${seg}`), '');
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/** The known key nearest a mistyped one, when it is near enough to be what was meant. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key, candidate);
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(key.length / 3)) ? best.key : undefined;
}

// --- the schema's own keys at a path (zod 4 definitions) ---------------------------------------

interface Def {
  type?: string;
  innerType?: unknown;
  in?: unknown;
  shape?: Record<string, unknown>;
  element?: unknown;
  valueType?: unknown;
  options?: unknown[];
}

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

function unwrap(schema: unknown): unknown[] {
  const def = defOf(schema);
  if (!def) return [];
  if (def.innerType !== undefined && ['default', 'optional', 'nullable', 'prefault', 'catch', 'readonly', 'nonoptional'].includes(def.type ?? '')) return unwrap(def.innerType);
  if (def.type === 'pipe') return unwrap(def.in);
  if (def.type === 'union') return (def.options ?? []).flatMap(unwrap);
  return [schema];
}

function schemasAt(schema: unknown, path: readonly Segment[]): unknown[] {
  let current = unwrap(schema);
  for (const seg of path) {
    current = current.flatMap((s) => {
      const def = defOf(s);
      if (def?.type === 'object' && typeof seg === 'string' && def.shape && Object.hasOwn(def.shape, seg)) return unwrap(def.shape[seg]);
      if (def?.type === 'array' && typeof seg === 'number') return unwrap(def.element);
      if (def?.type === 'record') return unwrap(def.valueType);
      return [];
    });
  }
  return current;
}

function knownKeysAt(schema: unknown, path: readonly Segment[]): string[] {
  return [...new Set(schemasAt(schema, path).flatMap((s) => Object.keys(defOf(s)?.shape ?? {})))];
}

// --- where a path is in the YAML text ----------------------------------------------------------

function lineOf(doc: Document, counter: LineCounter, path: readonly Segment[], key?: string): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (depth === path.length && key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      const start = (pair?.key as { range?: [number, number, number] } | null)?.range?.[0];
      if (start !== undefined) return counter.linePos(start).line;
    }
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return counter.linePos(range[0]).line;
  }
  return undefined;
}

/** Every key, anywhere in the document, that JavaScript reserves. */
function reservedKeys(doc: Document, counter: LineCounter): Located[] {
  const found: Located[] = [];
  const walk = (node: unknown, path: Segment[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = (pair.key as { value?: unknown } | null)?.value;
        const name = typeof key === 'string' ? key : undefined;
        if (name !== undefined && RESERVED_NAMES.has(name)) {
          const start = (pair.key as { range?: [number, number, number] }).range?.[0];
          found.push({
            ...(start !== undefined ? { line: counter.linePos(start).line } : {}),
            text: `"${name}"${path.length ? ` (in ${pathText(path)})` : ''} cannot be a name: JavaScript reserves it for every object; choose another name`,
          });
        }
        walk(pair.value, name === undefined ? path : [...path, name]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    }
  };
  walk(doc.contents, []);
  return found;
}

interface Issue {
  code: string;
  path: Segment[];
  message: string;
  keys?: string[];
  errors?: Issue[][];
  expected?: string;
  values?: unknown[];
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  format?: string;
  divisor?: number;
}

// --- zod's findings in plain words ------------------------------------------------------------

/** zod's own wording ("Invalid input: expected string, received undefined"), as against a schema's own message. */
const ZOD_WORDING = /^(Invalid\b|Too (small|big)\b|Unrecognized key)/;

const NEEDED: Record<string, string> = {
  string: 'a text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'a set of keys (key: value lines)',
  record: 'a set of keys (key: value lines)',
  map: 'a set of keys (key: value lines)',
  date: 'a date',
};

/** A value as a message shows it: the text "abc", the number 12, a list. */
function shownValue(value: unknown): string {
  if (typeof value === 'string') return value === '' ? 'an empty text' : `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'bigint') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (value === null || value === undefined) return 'nothing';
  return 'a set of keys';
}

function choices(values: readonly unknown[]): string {
  const shown = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

function valueAt(data: unknown, path: readonly Segment[]): unknown {
  let current = data;
  for (const seg of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[seg];
  }
  return current;
}

/** What is wrong with the value at an issue's path, in an officer's words rather than zod's. */
function plainProblem(issue: Issue, value: unknown, where: string): string {
  const at = where || 'the file';
  const own = (): string => `${at}: ${issue.message}`;
  if (!ZOD_WORDING.test(issue.message)) return own();
  const count = (n: number | bigint | undefined): number => Number(n ?? 0);
  switch (issue.code) {
    case 'invalid_type': {
      const needed = NEEDED[issue.expected ?? ''] ?? `a ${issue.expected ?? 'value'}`;
      if (value === undefined) return `${at} is missing: ${needed} is required here`;
      if (value === null) return `${at} has no value: ${needed} is required here`;
      return `${at}: ${needed} is required here, not ${shownValue(value)}`;
    }
    case 'invalid_value': {
      const values = issue.values ?? [];
      const found = typeof value === 'string' ? JSON.stringify(value) : shownValue(value);
      return values.length === 1 ? `${at}: ${found} is not allowed here; expected ${choices(values)}` : `${at}: ${found} is not one of the choices; expected ${choices(values)}`;
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = count(small ? issue.minimum : issue.maximum);
      if (issue.origin === 'string') {
        if (small && bound === 1) return `${at}: a text is required here, not an empty one`;
        return `${at}: a text of ${small ? 'at least' : 'at most'} ${bound} characters is required here, not ${shownValue(value)}`;
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        const length = Array.isArray(value) ? value.length : 0;
        const entries = `${bound} ${bound === 1 ? 'entry is' : 'entries are'}`;
        return `${at}: ${small ? 'at least' : 'at most'} ${entries} required here, and the list ${length === 0 ? 'is empty' : `has ${length}`}`;
      }
      const limit = issue.inclusive === false ? `${small ? 'more' : 'less'} than ${bound}` : `${small ? 'at least' : 'at most'} ${bound}`;
      return `${at}: a number ${limit} is required here, not ${shownValue(value)}`;
    }
    case 'invalid_format':
      if (issue.format === 'email') return `${at}: ${shownValue(value)} is not an e-mail address`;
      if (issue.format === 'url') return `${at}: ${shownValue(value)} is not a web address`;
      return `${at}: ${shownValue(value)} does not have the form expected here`;
    case 'not_multiple_of':
      return `${at}: a multiple of ${issue.divisor ?? '?'} is required here, not ${shownValue(value)}`;
    case 'invalid_union':
      return `${at}: ${shownValue(value)} is none of the kinds of value allowed here`;
    default:
      return `${at}: ${shownValue(value)} is not allowed here`;
  }
}

/** A union's problems as those of its nearest branch (the one with the fewest), else the union's own. */
function flatten(issues: readonly Issue[], prefix: Segment[] = []): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
      const nearest = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      if (nearest.length > 0) return flatten(nearest, path);
    }
    return [{ ...issue, path }];
  });
}

function describe(issue: Issue, schema: unknown, doc: Document, counter: LineCounter, data: unknown): Located[] {
  const where = pathText(issue.path);
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    const known = knownKeysAt(schema, issue.path);
    return issue.keys.map((key) => {
      const near = nearestKey(key, known);
      const line = lineOf(doc, counter, issue.path, key);
      return {
        ...(line !== undefined ? { line } : {}),
        text:
          `unknown key "${key}"${where ? ` in ${where}` : ''}` +
          (near ? `; did you mean "${near}"?` : '') +
          (known.length > 0 ? ` (the keys here: ${known.join(', ')})` : ''),
      };
    });
  }
  const line = lineOf(doc, counter, issue.path);
  return [{ ...(line !== undefined ? { line } : {}), text: plainProblem(issue, valueAt(data, issue.path), where) }];
}

/** Each alias may be expanded at most this often: a configuration file needs none, and a "billion laughs" needs millions. */
const MAX_ALIAS_COUNT = 100;

/** The document as plain data; aliases that expand too far (a YAML "billion laughs") are a ConfigFileError naming the first. */
function plainData(doc: Document, counter: LineCounter, file: string, what: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    let first: { name: string; line?: number } | undefined;
    visit(doc, {
      Alias(_key, node) {
        const start = node.range?.[0];
        first = { name: node.source, ...(start !== undefined ? { line: counter.linePos(start).line } : {}) };
        return visit.BREAK;
      },
    });
    if (!first) throw new ConfigFileError(`${file}: the ${what} cannot be read as data: ${(cause as Error).message}`);
    throw new ConfigFileError(
      `${file}${first.line !== undefined ? `:${first.line}` : ''}: the ${what} uses YAML aliases (*${first.name}) that expand to more than ${MAX_ALIAS_COUNT} copies; ` +
        'a configuration file needs no aliases: write each value out where it is used',
    );
  }
}

function problemLines(file: string, problems: Located[]): string {
  return problems.map((p) => `  ${file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.text}`).join('\n');
}

/** Checked data, and the line of any key path in the file's text (for messages about values). */
export interface ParsedConfig<T> {
  data: T;
  lineOf(path: readonly Segment[]): number | undefined;
}

/** Parses and checks one configuration file's text; `file` names it in messages. */
export function parseConfig<T>(text: string, file: string, schema: z.ZodType<T>, what: string): T {
  return parseConfigWithLines(text, file, schema, what).data;
}

export function parseConfigWithLines<T>(text: string, file: string, schema: z.ZodType<T>, what: string): ParsedConfig<T> {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = syntax.linePos?.[0]?.line;
    throw new ConfigFileError(`${file}${line !== undefined ? `:${line}` : ''}: the ${what} is not valid YAML: ${syntax.message.split('\n')[0]}`);
  }
  const reserved = reservedKeys(doc, counter);
  if (reserved.length > 0) throw new ConfigFileError(`${file}: the ${what} uses a reserved name:\n${problemLines(file, reserved)}`);
  const data = plainData(doc, counter, file, what);
  const result = schema.safeParse(data);
  if (!result.success) {
    const problems = flatten(result.error.issues as unknown as Issue[]).flatMap((issue) => describe(issue, schema, doc, counter, data));
    throw new ConfigFileError(`${file}: the ${what} does not match its schema:\n${problemLines(file, problems)}`);
  }
  return { data: result.data, lineOf: (path) => lineOf(doc, counter, path) };
}
