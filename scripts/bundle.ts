/**
 * Bundles the CLI (src/cli/main.ts) and the layout thread's module into dist/bundle/, the files
 * bin/b4b-reports.js runs. esbuild reads the TypeScript itself (it strips the types; `npm run
 * typecheck` checks them), so a build takes about a second, not tsc's seven. One ES module per entry, and one chunk per
 * dynamically imported part, so a command still loads only what it needs (`--help` loads no workbook
 * or PDF library), but from a few files instead of some hundreds: start-up is spent resolving and
 * reading modules otherwise. dist/bundle/meta.json says which packages each file holds (the tests
 * read it to check what a command loads).
 *
 * Left out, and loaded from node_modules as before: pdfmake with its pdfkit and fontkit (pdf-bytes.ts
 * and fonts.ts patch them through require), piscina (it starts its own worker file), the font package
 * (read as files), chartjs-node-canvas with Chart.js and node-canvas (it loads them through require, and
 * node-canvas is a native module), and the console's and e-mail's libraries (not on any timed path).
 *
 * Run: npm run build.
 */
import { build } from 'esbuild';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'bundle');
await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts', 'layout-worker': 'src/layout/layout-worker.ts' },
  tsconfig: 'tsconfig.json',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  // Every file in one folder, two below the package root as src/<stage>/ files are: paths made from
  // import.meta.url (the package root, the console's views, the layout thread's module) stay right.
  chunkNames: '[name]-[hash]',
  external: [
    'pdfmake',
    'pdfkit',
    'fontkit',
    'piscina',
    '@expo-google-fonts/arimo',
    'chartjs-node-canvas',
    'chart.js',
    'canvas',
    'fastify',
    '@fastify/*',
    'nodemailer',
  ],
  // The bundled CommonJS packages call require(): ES modules have none, so each file makes one.
  banner: { js: "import { createRequire as __b4bCreateRequire } from 'node:module'; const require = __b4bCreateRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
});

// Which packages (or our own src/ folders) each output file holds.
const packageOf = (input: string): string => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
const files: Record<string, string[]> = {};
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  if (!file.endsWith('.js')) continue;
  files[path.basename(file)] = [...new Set(Object.keys(output.inputs).map(packageOf))].sort();
}
await writeFile(path.join(outdir, 'meta.json'), `${JSON.stringify({ files }, null, 1)}\n`);
