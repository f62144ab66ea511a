import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Before the suite: bundle the CLI (its tests run the built program as a user does) and write the
 * sample workbook from data/sample-source/ (the tests read it as the council's workbook). Every temp
 * folder the tests and the programs they start make goes into one folder of this run's (TMPDIR, which
 * os.tmpdir() and the child processes follow), removed when the suite ends: a suite run writes
 * hundreds of them (PDFs handed to pdftotext, whole project folders), and they used to stay behind.
 */
export default function setup(): () => void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const run = (args: string[]): void => {
    execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  };
  run([path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/bundle.ts']);
  run([path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build-sample-workbook.ts']);
  const temp = mkdtempSync(path.join(tmpdir(), 'b4b-tests-'));
  process.env.TMPDIR = temp;
  return () => rmSync(temp, { recursive: true, force: true });
}
