#!/usr/bin/env node
// The built CLI lives in dist/bundle/ (scripts/bundle.ts, from tsc's dist/): the published package
// ships it; in a checkout `npm run build` (or scripts/setup.sh) writes it.
import { existsSync } from 'node:fs';
import module from 'node:module';

const main = new URL('../dist/bundle/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('b4b-reports: the program is not built (no dist/bundle/main.js): run "npm run build" in the package folder.\n');
  process.exit(70);
}
// Node 22 and later keep a cache of compiled code between runs (in the system's temporary folder):
// a command starts about a tenth sooner. Node 20 has no such cache, and runs as before.
module.enableCompileCache?.();
await import(main.href);
