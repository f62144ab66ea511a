import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { RunLedger, type RunRecord } from '../../src/run/ledger.js';
import { silentProgress } from '../../src/run/progress.js';
import { skipReason } from '../../src/produce/month.js';
import { runOne } from '../fixtures/run-request.js';
import { pdfText, withPdfFile } from '../fixtures/pdf-text.js';
import { runCommand, type CliResult } from '../fixtures/run-cli.js';
import { sampleInputs } from '../fixtures/sample-report.js';
import { tempProject, type TempProject } from '../fixtures/temp-project.js';
import { tinyProject } from '../fixtures/tiny-project.js';
import { ROOT } from '../fixtures/workbooks.js';

/** Every file under a folder, by its path relative to it. */
async function files(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await files(dir, relative)));
    else out.push(relative);
  }
  return out.sort();
}

/** Every page of a PDF as greyscale pixels (pdftoppm, one call for the whole file). */
function pageImages(pdf: Buffer, dpi = 24): Buffer[] {
  return withPdfFile(pdf, (file, dir) => {
    execFileSync('pdftoppm', ['-gray', '-r', String(dpi), file, path.join(dir, 'p')]);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.pgm'))
      .sort()
      .map((f) => readFileSync(path.join(dir, f)));
  });
}

/**
 * A PDF's bytes without its dates and file ID, which differ between any two runs (a PDF is dated as it
 * is written): two PDFs equal without them draw the same pages with the same text.
 */
function undated(pdf: Buffer): string {
  return pdf
    .toString('latin1')
    .replace(/D:\d{14}(?:Z|[+-]\d{2}'?\d{2}'?)?/g, 'D:')
    .replace(/\/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]/g, '/ID []');
}

const SKIPPED = (report: string): string =>
  `${report} was not produced for October 2023: b4b-sample.xlsx has no team rows for October 2023 in its Team measures sheet, so the clinic cannot be produced; ` +
  `the latest month with team rows is July 2023; "b4b-reports run --month 2023-07 --report ${report}" produces it for July 2023`;

describe('run --month 2023-10 with neither --report nor --pack: the whole month in one command', () => {
  let month: TempProject;
  let separate: TempProject;
  let result: CliResult;
  let records: RunRecord[];

  beforeAll(async () => {
    month = await tempProject();
    result = await runCommand(['run', '--month', '2023-10', '--settings', month.settings]);
    records = await new RunLedger(month.ledger).read();
    // The same outputs the way an officer produced them before: one run per report and pack.
    separate = await tempProject();
    const loaded = await loadSettings({ settingsFile: separate.settings });
    const targets = [
      { kind: 'report', name: 'performance' },
      { kind: 'report', name: 'finance' },
      { kind: 'pack', name: 'panel' },
      { kind: 'pack', name: 'board' },
    ] as const;
    for (const target of targets) {
      await runOne(
        loaded,
        { targets: [target], month: '2023-10', trigger: 'on-demand', force: false, strict: false, waitMs: 0, numberItemFiles: true },
        silentProgress,
      );
    }
  }, 240_000);

  it('exits 0, prints every PDF it wrote, and says which clinics it skipped and why', () => {
    expect(result.status, result.stderr).toBe(0);
    const printed = result.stdout
      .trim()
      .split('\n')
      .map((line) => path.basename(line));
    expect(printed).toEqual([
      'performance-2023-10.pdf',
      'finance-2023-10.pdf',
      'panel-2023-10-public.pdf',
      'panel-2023-10-restricted.pdf',
      'board-2023-10-public.pdf',
      'board-2023-10-restricted.pdf',
    ]);
    // One summary: a line for the month, then a row per output with its status and files, or why it was not written.
    expect(result.stderr).toMatch(/\nOctober 2023: 4 written, 2 skipped in \S*2023-10\/, \d+\.\d s\n/);
    expect(result.stderr).toMatch(/\n {2}report performance +written {2}performance-2023-10\.pdf\n/);
    expect(result.stderr).toMatch(/\n {2}pack board +written {2}board-2023-10-public\.pdf, board-2023-10-restricted\.pdf\n/);
    for (const clinic of ['clinic-safeguarding', 'clinic-pathways-through-care'])
      expect(result.stderr).toMatch(new RegExp(`\\n {2}report ${clinic} +skipped\\n`));
    // The row names the clinic, so its reason starts at what is missing; the ledger keeps the reason whole. Its
    // advice names the settings the run was given, so that it works as printed from any folder.
    const reason = SKIPPED('clinic-safeguarding')
      .replace(/^\S+ was not produced for October 2023: /, '')
      .replace('"b4b-reports run ', `"b4b-reports run --settings ${month.settings} `);
    expect(result.stderr).toContain(`skipped\n      ${reason}\n`);
  });

  it('records one ledger record per output set, the skipped clinics with their warning, all from one reading of the workbook', () => {
    // The sets are produced at once, so their records are in the order they finished: compared by target.
    const byTarget = new Map(records.map((r) => [`${r.target.kind} ${r.target.name}`, r]));
    expect(records).toHaveLength(6);
    expect([...byTarget].map(([target, r]) => [target, r.outcome]).sort()).toEqual(
      [
        ['report performance', 'success'],
        ['report clinic-safeguarding', 'skipped'],
        ['report clinic-pathways-through-care', 'skipped'],
        ['report finance', 'success'],
        ['pack panel', 'success'],
        ['pack board', 'success'],
      ].sort(),
    );
    // The panel pack: both packs, both item files, and the HTML twins of the covering report, the performance report and the glossary.
    const outputs = (target: string): number | undefined => byTarget.get(target)?.outputs.length;
    expect(['report performance', 'report clinic-safeguarding', 'report finance', 'pack panel', 'pack board'].map(outputs)).toEqual([2, 0, 1, 7, 11]);
    expect(byTarget.get('report clinic-safeguarding')?.warnings).toEqual([SKIPPED('clinic-safeguarding')]);
    expect(new Set(records.map((r) => r.workbook.sha256)).size).toBe(1);
    expect(records[0]?.workbook.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a second run without --force replaces nothing and says why, set by set; the skipped clinics' advice produces them", async () => {
    const again = await runCommand(['run', '--month', '2023-10', '--settings', month.settings]);
    expect(again.status).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain(
      'b4b-reports: 4 of 6 output set(s) for October 2023 were not written: report performance, report finance, pack panel, pack board (the summary says why)\n',
    );
    expect(again.stderr).toMatch(
      /\n {2}pack board +refused\n {6}\S*2023-10\/board-2023-10-public\.pdf already exists; nothing was replaced\. Use --force to re-run October 2023 and replace it\.\n/,
    );
    // The record keeps the advice as the run said it; history shows it with the project it was asked about.
    const skippedRun = (await new RunLedger(month.ledger).read()).find((r) => r.target.name === 'clinic-safeguarding' && r.outcome === 'skipped');
    const shown = await runCommand(['history', '--run', skippedRun?.id ?? '?', '--settings', month.settings]);
    expect(shown.stdout).toContain(`"b4b-reports run --settings ${month.settings} --month 2023-07 --report clinic-safeguarding" produces it for July 2023`);
    // Nothing was made, so the workbook's warnings are counted, not listed: validate lists them, followed as printed.
    const listed = /\nThe workbook's warnings: (\d+), not listed, as nothing was made \("b4b-reports (validate [^"]+)" lists them\)\n/.exec(again.stderr);
    expect(listed?.[2]).toBe(`validate --settings ${month.settings}`);
    const validate = await runCommand((listed?.[2] ?? '').split(' '));
    expect(validate.stdout).toContain(`\nWarnings (${listed?.[1]}):\n`);
    // --json gives a skipped clinic's reason with the same advice as the summary.
    const json = JSON.parse((await runCommand(['run', '--month', '2023-10', '--settings', month.settings, '--json'])).stdout) as {
      outputs: Array<{ name: string; reason?: string }>;
    };
    expect(json.outputs.find((o) => o.name === 'clinic-safeguarding')?.reason).toContain(
      `"b4b-reports run --settings ${month.settings} --month 2023-07 --report clinic-safeguarding" produces it for July 2023`,
    );
    const advised = await runCommand(['run', '--month', '2023-07', '--report', 'clinic-safeguarding', '--settings', month.settings]);
    expect(advised.status, advised.stderr).toBe(0);
    expect(pdfText(await readFile(path.join(month.output, '2023-07', 'clinic-safeguarding-2023-07.pdf')))).toContain('July 2023');
  });

  it(
    'writes exactly the files the separate runs write, nothing for another month: the same HTML, and PDFs the same but for their dates (else the same text and page images)',
    { timeout: 240_000 },
    async () => {
      const written = await files(path.join(month.output, '2023-10'));
      expect(written).toEqual(await files(path.join(separate.output, '2023-10')));
      expect(written).toHaveLength(21);
      expect(records.filter((r) => r.month !== '2023-10')).toEqual([]);
      for (const file of written) {
        const ours = await readFile(path.join(month.output, '2023-10', file));
        const theirs = await readFile(path.join(separate.output, '2023-10', file));
        if (file.endsWith('.html')) {
          expect(ours.toString('utf8'), file).toBe(theirs.toString('utf8'));
          continue;
        }
        // The same bytes but for the dates: the same pages. Else what differs is found in the text and the pages.
        if (undated(ours) === undated(theirs)) continue;
        expect(pdfText(ours), file).toBe(pdfText(theirs));
        const a = pageImages(ours);
        const b = pageImages(theirs);
        expect(a.length, `${file}: pages`).toBe(b.length);
        a.forEach((page, i) => expect(page.equals(b[i] ?? Buffer.alloc(0)), `${file}, page ${i + 1}`).toBe(true));
      }
    },
  );
});

describe('what a month run produces for the clinics', () => {
  it('a clinic is produced for a month with team rows, and skipped, with the latest such month, for one without', async () => {
    const inputs = await sampleInputs();
    const clinic = { kind: 'report', name: 'clinic-safeguarding' } as const;
    expect(skipReason(inputs, clinic, '2023-07')).toBeUndefined();
    expect(skipReason(inputs, clinic, '2023-10')).toBe(SKIPPED('clinic-safeguarding'));
    expect(skipReason(inputs, { kind: 'report', name: 'performance' }, '2023-10')).toBeUndefined();
  });
});

describe('loading only what a command needs', () => {
  // What a command loads: the packages in require's cache, and those inside each file of the bundle
  // (dist/bundle/meta.json) that the ES module loader loaded, as a loader hook records them.
  const dir = mkdtempSync(path.join(tmpdir(), 'b4b-loaded-'));
  const hooks = path.join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(process.env.B4B_LOADED_URLS, url + '\\n'); return next(url, context); }\n",
  );
  const preload = path.join(dir, 'loaded.mjs');
  writeFileSync(
    preload,
    `import { register, createRequire } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n` +
      "const require = createRequire(import.meta.url);\nprocess.on('exit', () => { const names = new Set(Object.keys(require.cache).map((f) => (f.match(/node_modules\\/((@[^/]+\\/)?[^/]+)/) || [])[1]).filter(Boolean)); process.stderr.write('LOADED ' + [...names].sort().join(' ') + '\\n'); });\n",
  );
  const meta = JSON.parse(readFileSync(path.join(ROOT, 'dist', 'bundle', 'meta.json'), 'utf8')) as { files: Record<string, string[]> };
  // `settings`: the project the command reads (the tiny one: what a command loads does not depend on the workbook's size).
  const loadedBy = (args: string[], settings?: string): string[] => {
    const urls = path.join(dir, `urls-${args.join('-')}.txt`);
    const withSettings = settings ? ['--settings', settings] : [];
    const child = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, path.join(ROOT, 'bin', 'b4b-reports.js'), ...args, ...withSettings], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, B4B_LOADED_URLS: urls },
    });
    expect(child.status, child.stderr).toBe(0);
    const required = (/^LOADED (.*)$/m.exec(child.stderr)?.[1] ?? '').split(' ');
    const files = readFileSync(urls, 'utf8')
      .split('\n')
      .filter((u) => u.includes('/dist/bundle/'));
    expect(files.length).toBeGreaterThan(0);
    const bundled = files.flatMap((u) => meta.files[path.basename(fileURLToPath(u))] ?? []);
    const imported = readFileSync(urls, 'utf8')
      .split('\n')
      .flatMap((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1] ?? []);
    return [...new Set([...required, ...bundled, ...imported])];
  };
  const HEAVY = ['exceljs', 'pdfmake', 'pdfkit', 'fontkit', 'pdf-lib', '@pdf-lib/fontkit', 'handlebars', 'nodemailer'];

  it.each([[['--help']], [['history', '--limit', '1']]])('%j loads no workbook, PDF, chart or template library', (args) => {
    const loaded = loadedBy(args);
    expect(loaded).toContain('commander');
    expect(loaded.filter((name) => HEAVY.includes(name))).toEqual([]);
  });

  it("schedule --check loads the workbook library (it says whether the workbook has each job's month) and no PDF, chart, template or mail library", async () => {
    const loaded = loadedBy(['schedule', '--check'], (await tinyProject()).settings);
    expect(loaded).toEqual(expect.arrayContaining(['commander', 'node-cron', 'exceljs']));
    expect(loaded.filter((name) => HEAVY.includes(name) && name !== 'exceljs')).toEqual([]);
  });

  it('the layout thread loads pdfmake and the fonts and none of the libraries the main thread reads the configuration, the workbook and the templates with', () => {
    // The files dist/bundle/layout-worker.js imports, through their imports (what the thread loads as it starts).
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(path.join(ROOT, 'dist', 'bundle', file), 'utf8').matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) visit(m[1] ?? '');
    };
    visit('layout-worker.js');
    const packages = [...seen].flatMap((file) => meta.files[file] ?? []).filter((name) => !name.startsWith('src/'));
    expect(seen.size).toBeGreaterThan(1);
    expect(packages.filter((name) => ['pdf-lib', 'zod', 'yaml', 'handlebars', 'exceljs', 'commander'].includes(name))).toEqual([]);
  });

  it('sees the workbook library when a command does load it (validate)', async () => {
    expect(loadedBy(['validate'], (await tinyProject()).settings)).toEqual(expect.arrayContaining(['commander', 'exceljs']));
  });

  it('refuses --report with --pack, saying what to give', async () => {
    // A usage error from the command-line parser, before anything is loaded.
    const both = await runCommand(['run', '--month', '2023-10', '--report', 'performance', '--pack', 'board']);
    expect(both.status).toBe(2);
    expect(both.stderr.split('\n')[0]).toBe("error: option '--report <name>' cannot be used with option '--pack <name>'");
    expect(both.stdout).toBe('');
  });
});
