import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Before the suite: bundle the CLI (its tests run the built program as a user does) and write the
 * sample workbook from data/sample-source/ (the tests read it as the council's workbook).
 */
export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const run = (args: string[]): void => {
    execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  };
  run([path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/bundle.ts']);
  run([path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build-sample-workbook.ts']);
}
