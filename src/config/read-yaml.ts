import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import { B4BError } from '../findings/finding.js';

/** A configuration file that cannot be read, is not YAML, or does not match its schema. */
export class ConfigFileError extends B4BError {
  readonly code = 'config';
}

type PathKey = PropertyKey;

/** The node at `path`, or the deepest node on the way to it (a missing field is reported where its parent is). */
function nodeAt(root: unknown, path: readonly PathKey[]): Node | undefined {
  let node = root as Node | undefined;
  for (const key of path) {
    let next: unknown;
    if (isMap(node)) {
      next = node.items.find((pair) => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key)) === String(key))?.value;
    } else if (isSeq(node)) {
      next = typeof key === 'number' ? node.items[key] : undefined;
    }
    if (next === undefined || next === null) break;
    node = next as Node;
  }
  return node;
}

/** "packs.board.items[0].documents[1].title": how a field is named in messages. */
function fieldName(path: readonly PathKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('') || '(top)';
}

/** Zod's issues, with the branches of a union spelled out (its own message is only "Invalid input"). */
function flattenIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PathKey[] = []): Array<{ path: PathKey[]; message: string }> {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Show the branch that got furthest (fewest problems), else each branch's problems.
      const branches = issue.errors.map((branch) => flattenIssues(branch, path));
      const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
      return best;
    }
    if (issue.code === 'unrecognized_keys') return [{ path, message: `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` }];
    // A field left out is "missing", not zod's "expected string, received undefined".
    const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
    return [{ path, message: missing ? `missing (expected ${issue.expected})` : issue.message }];
  });
}

/**
 * Parses a configuration file's text and checks it against its schema. Every problem names the file,
 * the line and the field: `config/packs.yaml:12: packs.board.items[0].title: ...`.
 */
export function parseYamlFile<T>(text: string, file: string, schema: z.ZodType<T>, what: string): T {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error) => {
      const line = lineCounter.linePos(error.pos[0]).line;
      return `  ${file}:${line}: ${error.message.split('\n')[0]}`;
    });
    throw new ConfigFileError(`${file}: the ${what} is not valid YAML:\n${problems.join('\n')}`);
  }
  const result = schema.safeParse(doc.toJS());
  if (!result.success) {
    const problems = flattenIssues(result.error.issues).map(({ path, message }) => {
      const range = nodeAt(doc.contents, path)?.range;
      const line = range ? lineCounter.linePos(range[0]).line : 1;
      return `  ${file}:${line}: ${fieldName(path)}: ${message}`;
    });
    throw new ConfigFileError(`${file}: the ${what} does not match its schema:\n${problems.join('\n')}`);
  }
  return result.data;
}

/** Reads a configuration file (YAML) and checks it against its schema; see parseYamlFile. */
export async function readYaml<T>(file: string, schema: z.ZodType<T>, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'this is a folder' : code === 'EACCES' ? 'permission denied' : String(cause);
    throw new ConfigFileError(`${file}: cannot read the ${what}: ${reason}`);
  }
  return parseYamlFile(text, file, schema, what);
}
