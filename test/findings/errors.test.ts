import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES_HELP } from '../../src/cli/outcome.js';
import { describeFailure } from '../../src/cli/outcome.js';
import {
  BusyError,
  ConfigFileError,
  EXIT,
  EXIT_MEANINGS,
  FileSystemError,
  TemplateError,
  UsageError,
  WorkbookError,
  fileSystemError,
} from '../../src/findings/errors.js';
import { B4BError } from '../../src/findings/finding.js';
import { ROOT } from '../fixtures/workbooks.js';

/** Every TypeScript file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('one table of exit codes, one error class per kind of failure', () => {
  it('gives each class its exit code and its --json code', () => {
    const cases: Array<[B4BError, number, string]> = [
      [new UsageError('u'), 2, 'usage'],
      [new ConfigFileError('c'), 1, 'config'],
      [new TemplateError('t'), 1, 'template'],
      [new WorkbookError('w'), 1, 'workbook'],
      [new BusyError('b'), 75, 'busy'],
      [new FileSystemError('f', EXIT.cantCreate), 73, 'file-system'],
      [new FileSystemError('f', EXIT.ioError), 74, 'file-system'],
      [new B4BError('p'), 1, 'problems'],
    ];
    for (const [error, exitCode, code] of cases) expect(describeFailure(error)).toEqual({ code, exitCode, message: error.message });
    expect(describeFailure(new Error('boom'))).toMatchObject({ code: 'internal', exitCode: 70 });
  });

  it('names a full disk and a read-only folder as such, with the path', () => {
    const full = fileSystemError(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC', syscall: 'write', path: '/out/x.pdf' }));
    expect(full).toBeInstanceOf(FileSystemError);
    expect(full?.exitCode).toBe(74);
    expect(full?.message).toMatch(/^cannot write \/out\/x\.pdf: the disk is full \(ENOSPC\)/);
    expect(fileSystemError(new Error('not an errno error'))).toBeUndefined();
  });

  it('--help and the README list every code of the table, in its words', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const [code, meaning] of EXIT_MEANINGS) {
      expect(EXIT_CODES_HELP).toContain(`  ${String(code).padEnd(3)} ${meaning}`);
      expect(readme).toContain(`| ${code} | ${meaning} |`);
    }
  });

  it('no code in src/ gives B4BError an exit code of its own: a kind of failure is its class', () => {
    const found: string[] = [];
    for (const file of sources(path.join(ROOT, 'src'))) {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isNewExpression(node) && node.expression.getText(source) === 'B4BError' && (node.arguments?.length ?? 0) > 2)
          found.push(`${path.relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`);
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(found).toEqual([]);
  });
});
