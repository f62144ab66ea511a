import { createHash } from 'node:crypto';
import path from 'node:path';
import { readYaml } from '../config/read-yaml.js';
import type { LoadedSettings } from '../config/settings.js';
import { monthsWithFigures } from '../dataset/summarise.js';
import type { Dataset } from '../dataset/types.js';
import { ConfigFileError, UsageError, WorkbookError } from '../findings/errors.js';
import { findingLinesPerKind, formatSource, type Finding } from '../findings/finding.js';
import { monthLongLabel, type MonthKey } from '../model/month.js';
import type { RunTarget } from '../model/target.js';
import { loadPacks } from '../pack/load-packs.js';
import { coveringReportSchema, glossarySchema, type CoveringReport, type Glossary, type PackSettings } from '../pack/pack-settings.js';
import { ALL_TABLES_REPORT } from '../report/all-tables.js';
import { readRegularFile, readWorkbookFile, workbookNamedBy } from '../workbook/read-workbook-file.js';

/**
 * Everything a run reads besides the workbook, each file once: the settings (with the catalogue,
 * header aliases, team measures and finance settings they name), the packs, and every template,
 * covering report, glossary and item PDF the run's targets use.
 */
export interface RunConfig {
  loaded: LoadedSettings;
  packs: Record<string, PackSettings>;
  /** The template of each report the targets use, by report name (the built-in all-tables has none). */
  templates: ReadonlyMap<string, { file: string; source: string }>;
  /** By absolute path, as packs.yaml names them. */
  coveringReports: ReadonlyMap<string, CoveringReport>;
  glossaries: ReadonlyMap<string, Glossary>;
  /** The PDFs included as they are, checked to be PDFs pdf-lib can include. */
  itemFiles: ReadonlyMap<string, Uint8Array>;
}

/** The workbook as a run reads it: checked (no errors), with its hash and its warnings. */
export interface WorkbookInput {
  file: string;
  sha256: string;
  dataset: Dataset;
  warnings: Finding[];
  /** What the reader decided on the way, as configuration told it (a mistyped month header read as the month it names): recorded with the run. */
  decisions: string[];
}

/** Everything a run needs, read once: what producing works from (src/produce/). */
export interface RunInputs extends RunConfig {
  workbook: WorkbookInput;
}

/** Every report in the settings, then every pack: what `run --month M` produces. */
export function allTargets(loaded: LoadedSettings, packs: Record<string, PackSettings>): RunTarget[] {
  return [
    ...Object.keys(loaded.settings.reports).map((name) => ({ kind: 'report' as const, name })),
    ...Object.keys(packs).map((name) => ({ kind: 'pack' as const, name })),
  ];
}

/** The report's settings, or undefined when the settings do not name it (all-tables is built in). */
function knownReport(loaded: LoadedSettings, name: string): boolean {
  return Object.hasOwn(loaded.settings.reports, name) || name === ALL_TABLES_REPORT;
}

/** Refuses a report or pack the configuration does not define (a usage error, exit 2), naming the known ones. */
export function checkTarget(loaded: LoadedSettings, packs: Record<string, PackSettings> | undefined, target: RunTarget): void {
  if (target.kind === 'report' && !knownReport(loaded, target.name)) {
    const known = [...Object.keys(loaded.settings.reports), ALL_TABLES_REPORT].join(', ');
    throw new UsageError(`there is no report called "${target.name}" in the settings (known: ${known})`);
  }
  if (target.kind === 'pack' && (packs === undefined || !Object.hasOwn(packs, target.name))) {
    throw new UsageError(`there is no pack called "${target.name}" in ${loaded.paths.packs} (known: ${Object.keys(packs ?? {}).join(', ')})`);
  }
}

/** Why bytes are not a PDF pdf-lib can include, or undefined when they are one. */
async function notAPdf(bytes: Uint8Array): Promise<string | undefined> {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (!head.includes('%PDF-')) {
    const start = Buffer.from(bytes.subarray(0, 4));
    return start.subarray(0, 2).equals(Buffer.from('PK'))
      ? 'it is a zip archive (a Word or Excel file?)'
      : start.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))
        ? 'it is an old Office file (.doc or .xls)'
        : bytes.length === 0
          ? 'it is empty'
          : 'it does not start with %PDF-';
  }
  try {
    // pdf-lib is loaded here, by a run whose packs include a PDF, not before every run's workbook is read.
    const [{ PDFDocument }, { LOAD_OPTIONS }] = await Promise.all([import('pdf-lib'), import('../render/pdf-lib-options.js')]);
    await PDFDocument.load(bytes, { ...LOAD_OPTIONS, updateMetadata: false });
    return undefined;
  } catch (cause) {
    const reason = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0] ?? '';
    return /encrypt/i.test(reason) ? 'it is encrypted (password-protected); save an unprotected copy' : `it is damaged (${reason})`;
  }
}

/** A report's template, read as configuration: one that cannot be read (missing, a folder, a FIFO) is a config error naming its key. */
async function readTemplate(loaded: LoadedSettings, name: string): Promise<{ file: string; source: string }> {
  const report = loaded.settings.reports[name];
  const file = path.resolve(loaded.paths.root, report?.template ?? '');
  try {
    const bytes = await readRegularFile(file, {
      what: `the template of the report "${name}"`,
      noun: 'a template',
      expected: 'a Handlebars template file (.hbs)',
      maxBytes: 1024 * 1024,
      limitName: 'templates are at most 1 MB',
      // A project copied without its templates/ folder: say which templates are beside, and where the name is.
      missing: { namedBy: `${path.relative(loaded.paths.root, loaded.paths.settings) || loaded.paths.settings} (reports.${name}.template)`, extension: '.hbs' },
    });
    return { file, source: Buffer.from(bytes).toString('utf8') };
  } catch (cause) {
    throw new ConfigFileError(`${loaded.paths.settings}: reports.${name}.template: ${(cause as Error).message}`);
  }
}

/**
 * Reads everything the targets need besides the workbook, each file once, and refuses a target the
 * configuration does not define. Nothing here depends on the month, so a run can refuse before it
 * reads the workbook.
 */
export async function readRunConfig(loaded: LoadedSettings, targets: RunTarget[] | 'all'): Promise<RunConfig & { targets: RunTarget[] }> {
  const needsPacks = targets === 'all' || targets.some((t) => t.kind === 'pack');
  const packs = needsPacks ? await loadPacks(loaded) : {};
  const chosen = targets === 'all' ? allTargets(loaded, packs) : targets;
  for (const target of chosen) checkTarget(loaded, needsPacks ? packs : undefined, target);

  const reports = new Set<string>();
  const coveringReports = new Map<string, CoveringReport>();
  const glossaries = new Map<string, Glossary>();
  const itemFiles = new Map<string, Uint8Array>();
  for (const target of chosen) {
    if (target.kind === 'report') {
      reports.add(target.name);
      continue;
    }
    const pack = packs[target.name] as PackSettings;
    for (const item of pack.items) {
      for (const doc of item.documents) {
        if ('report' in doc) reports.add(doc.report);
        else if ('coveringReport' in doc) {
          const file = path.resolve(loaded.paths.root, doc.coveringReport);
          if (!coveringReports.has(file)) coveringReports.set(file, await readYaml(file, coveringReportSchema, 'covering report'));
        } else if ('glossary' in doc) {
          const file = path.resolve(loaded.paths.root, doc.glossary);
          if (!glossaries.has(file)) glossaries.set(file, await readYaml(file, glossarySchema, 'glossary'));
        } else if (!itemFiles.has(path.resolve(loaded.paths.root, doc.file))) {
          const file = path.resolve(loaded.paths.root, doc.file);
          const where = `${loaded.paths.packs}: packs.${target.name}, item ${item.number}, file: ${doc.file}`;
          let bytes: Uint8Array;
          try {
            bytes = await readRegularFile(file, {
              what: `this PDF of item ${item.number}`,
              noun: 'a PDF',
              expected: 'a PDF file',
              maxBytes: loaded.settings.limits.maxFileBytes,
              limitName: 'maxFileBytes, limits in config/b4b.yaml',
            });
          } catch (cause) {
            throw new ConfigFileError(`${where}: ${(cause as Error).message}`);
          }
          const problem = await notAPdf(bytes);
          if (problem) throw new ConfigFileError(`${where}: ${file} is not a PDF that can be included: ${problem}; expected a PDF file`);
          itemFiles.set(file, bytes);
        }
      }
    }
  }
  const templates = new Map<string, { file: string; source: string }>();
  for (const name of reports) {
    if (!Object.hasOwn(loaded.settings.reports, name)) {
      if (name === ALL_TABLES_REPORT) continue;
      throw new ConfigFileError(`${loaded.paths.packs}: a pack names the report "${name}", which ${loaded.paths.settings} does not define`);
    }
    templates.set(name, await readTemplate(loaded, name));
  }
  return { loaded, packs, templates, coveringReports, glossaries, itemFiles, targets: chosen };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads and checks the workbook: errors, or a month the workbook does not reach, stop the run
 * (a WorkbookError naming each cell). `onHash` has the workbook's hash as soon as its bytes are read,
 * also when it then fails its checks, so the run record says which file failed.
 */
export async function readRunWorkbook(
  loaded: LoadedSettings,
  file: string,
  month: MonthKey,
  onHash: (sha256: string) => void = () => undefined,
): Promise<WorkbookInput> {
  let hash = '';
  const { dataset, findings, decisions } = await readWorkbookFile(
    file,
    loaded.aliases,
    loaded.catalogue,
    loaded.settings.limits,
    (bytes) => {
      hash = sha256(bytes);
      onHash(hash);
    },
    workbookNamedBy(loaded, file),
  );
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    const lines = findingLinesPerKind(errors, loaded.settings.limits.maxFindingsPerKind);
    throw new WorkbookError(`the workbook has ${errors.length.toLocaleString('en-GB')} error(s); nothing was written:\n${lines.join('\n')}`, errors);
  }
  const months = monthsWithFigures(dataset);
  if (!months.includes(month)) {
    const latest = months[months.length - 1];
    throw new WorkbookError(
      `no table in ${path.basename(file)} has figures for ${monthLongLabel(month)}` +
        (latest ? `; the latest month in the workbook is ${monthLongLabel(latest)}` : ''),
    );
  }
  return {
    file,
    sha256: hash,
    dataset,
    warnings: findings.filter((f) => f.severity === 'warning'),
    decisions: decisions.map((d) => `${formatSource(d.source)}: ${d.message}`),
  };
}

/** A run's inputs from its configuration and a dataset already read and checked (benchmarks and tests that read it themselves). */
export function withDataset(config: RunConfig, dataset: Dataset): RunInputs {
  return { ...config, workbook: { file: dataset.file, sha256: '', dataset, warnings: [], decisions: [] } };
}
