/**
 * Configuration text → checked data, with every problem named by file, line and key: YAML syntax,
 * keys the schema does not know (every config schema is strict, so a typo such as `restriced:` is an
 * error with the key it most likely meant, never silently ignored), values of the wrong kind, and
 * names that JavaScript reserves (`__proto__`, `constructor`), which a plain object lookup would
 * mistake for its own properties.
 */
import { LineCounter, isMap, isSeq, parseDocument, type Document } from 'yaml';
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

function describe(issue: Issue, schema: unknown, doc: Document, counter: LineCounter): Located[] {
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
  return [{ ...(line !== undefined ? { line } : {}), text: `${where || '(top)'}: ${issue.message}` }];
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
  const result = schema.safeParse(doc.toJS());
  if (!result.success) {
    const problems = flatten(result.error.issues as unknown as Issue[]).flatMap((issue) => describe(issue, schema, doc, counter));
    throw new ConfigFileError(`${file}: the ${what} does not match its schema:\n${problemLines(file, problems)}`);
  }
  return { data: result.data, lineOf: (path) => lineOf(doc, counter, path) };
}
