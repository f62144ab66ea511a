import path from 'node:path';
import { z } from 'zod';
import { IndicatorCatalogue, catalogueSchema } from './catalogue.js';
import { headerAliasesSchema, type HeaderAliases } from './header-aliases.js';
import { teamMeasuresFileSchema, type TeamMeasure } from './team-measures.js';
import { financeSettingsSchema, type FinanceSettings } from './finance.js';
import { inputLimitsSchema } from './limits.js';
import { containedPath, DEFAULT_ALLOWED_OUTSIDE, projectName } from './contained-path.js';
import { parseConfigWithLines, type ParsedConfig } from './read-config.js';
import { deliverySettingsSchema, scheduleSettingsSchema, type DeliverySettings, type ScheduleSettings } from './delivery.js';
import { ConfigFileError } from './read-config.js';
import { readConfigText, readYaml } from './read-yaml.js';
import { findProject, PACKAGE_ROOT, SETTINGS_IN_PROJECT, type ProjectRequest, type ProjectSource } from './project.js';

export { readYaml } from './read-yaml.js';

/** The package's own sample project (see ./project.ts for how a command chooses its project folder). */
export const PROJECT_ROOT = PACKAGE_ROOT;
export const DEFAULT_SETTINGS_FILE = path.join(PACKAGE_ROOT, SETTINGS_IN_PROJECT);

/** A key stand-alone reports no longer take: refused with what to do instead. */
function standAloneNumbering(key: string): z.ZodOptional<z.ZodUndefined> {
  return z
    .undefined({
      error: `a stand-alone report is numbered from Page 1 with no agenda stamp, so "${key}" is no longer read here; remove it (a pack's agenda item, appendix and first page are set in config/packs.yaml)`,
    })
    .optional();
}

/** One report's template, title and kind (its place in an agenda is the pack's: config/packs.yaml). */
export const reportSettingsSchema = z.strictObject({
  /**
   * performance: indicator tables. clinic: needs the month's team rows and refuses to run without them.
   * finance: an exempt appendix; needs the month's revenue rows, and prints the exemption wording on every page.
   */
  kind: z.enum(['performance', 'clinic', 'finance']).default('performance'),
  /** The Handlebars template, relative to the project folder. */
  template: z.string().min(1),
  /** The name the report has in the Commentary sheet's Report column. */
  commentaryReport: z.string().min(1),
  /** Printed in the PDF's metadata and on the cover. */
  title: z.string().min(1),
  /** The service named on the cover, where it differs from the settings' `service`. */
  service: z.string().min(1).optional(),
  // One page-numbering rule for every stand-alone report: Page 1 on, no agenda stamp. A pack's stamp
  // and page numbers are the pack's (config/packs.yaml), printed in the pack and its item files only.
  agendaItem: standAloneNumbering('agendaItem'),
  appendix: standAloneNumbering('appendix'),
  firstPage: standAloneNumbering('firstPage'),
});

export const settingsSchema = z.strictObject({
  /** The workbook read when a command is given none. */
  workbook: z.string().min(1),
  /** Header and sheet names the reader accepts (config/header-aliases.yaml). */
  headerAliases: z.string().min(1),
  /** The indicator catalogue: polarity, tolerance, format and short name of each indicator. */
  catalogue: z.string().min(1),
  /** The assurance clinics' team measures: names, targets, monthly series. */
  teamMeasures: z.string().min(1).default('config/team-measures.yaml'),
  /** E-mail delivery: SMTP, distribution lists (restricted or not), the failure notice address. */
  delivery: z.string().min(1).default('config/delivery.yaml'),
  /** Scheduled packs: cron expressions in Europe/London time and where each pack goes. */
  schedule: z.string().min(1).default('config/schedule.yaml'),
  /** The run ledger: one JSON line per run (inputs, outputs, warnings, timings, delivery). */
  ledger: z.string().min(1).default('output/runs/ledger.jsonl'),
  /** The finance report's settings: variance RAG, placement reconciliation, exemption wording. */
  finance: z.string().min(1).default('config/finance.yaml'),
  /** The agenda packs and their items (`run --pack NAME`). */
  packs: z.string().min(1).default('config/packs.yaml'),
  /** Where packs are written. */
  outputDir: z.string().min(1).default('output'),
  /** The council and service, for covers and PDF metadata. */
  council: z.string().min(1).default('Southampton City Council'),
  service: z.string().min(1).default('Children & Learning'),
  /** Each report the program can produce, by the name used with `run --report`. */
  reports: z.record(z.string(), reportSettingsSchema).default({}),
  /**
   * Keys whose absolute paths may lie outside the project folder (see src/config/contained-path.ts);
   * by default only `workbook`. Every other path in config stays inside the project folder.
   */
  allowOutsideProject: z.array(z.string().min(1)).default(DEFAULT_ALLOWED_OUTSIDE),
  /** What the workbook reader accepts before it refuses or cuts (see src/config/limits.ts and docs/workbook.md). */
  limits: inputLimitsSchema.default(inputLimitsSchema.parse({})),
});

export type ReportSettings = z.infer<typeof reportSettingsSchema>;

export type Settings = z.infer<typeof settingsSchema>;

/** Command-line values over the settings file; an option not given is undefined. */
export type SettingsOverrides = { [K in keyof Settings]?: Settings[K] | undefined };

export interface LoadedSettings {
  settings: Settings;
  /** Absolute paths, resolved against the project folder. */
  paths: {
    root: string;
    /** The settings file read. */
    settings: string;
    workbook: string;
    headerAliases: string;
    catalogue: string;
    teamMeasures: string;
    finance: string;
    delivery: string;
    schedule: string;
    ledger: string;
    packs: string;
    outputDir: string;
  };
  /** How the project folder was chosen (the package's sample project when nothing else was). */
  projectSource: ProjectSource;
  /** The paths the command line gave, over the settings file's (advice about them names the command, not the file). */
  fromCommandLine: ReadonlySet<PathSetting>;
  aliases: HeaderAliases;
  catalogue: IndicatorCatalogue;
  teamMeasures: TeamMeasure[];
  finance: FinanceSettings;
}

/** Reads and checks a configuration file, keeping where each key is (for messages about its values). */
export async function readConfigFile<T>(file: string, schema: z.ZodType<T>, what: string): Promise<ParsedConfig<T>> {
  return parseConfigWithLines(await readConfigText(file, what), file, schema, what);
}

/** The path settings that a command-line option can override. */
const PATH_SETTINGS = ['workbook', 'headerAliases', 'catalogue', 'teamMeasures', 'finance', 'delivery', 'schedule', 'ledger', 'packs', 'outputDir'] as const;
export type PathSetting = (typeof PATH_SETTINGS)[number];

export interface LoadSettingsOptions extends ProjectRequest {
  /**
   * The command-line layer, over the settings file. A relative path given here is relative to the
   * current folder (where the user typed it); a relative path in the settings file is relative to the
   * project folder.
   */
  overrides?: SettingsOverrides | undefined;
}

/** Finds the project folder, reads its settings file (and what it points to), then applies command-line overrides. */
export async function loadSettings(options: LoadSettingsOptions = {}): Promise<LoadedSettings> {
  const cwd = options.cwd ?? process.cwd();
  const project = findProject(options);
  const base = project.root;
  const parsed = await readConfigFile(project.settingsFile, settingsSchema, 'settings file');
  const fromFile = parsed.data;
  const overrides: Partial<Settings> = Object.fromEntries(Object.entries(options.overrides ?? {}).filter(([, v]) => v !== undefined));
  // Paths from the settings file stay inside the project folder; a command-line path is the user's own.
  const check = (key: string, keyPath: (string | number)[], value: string): void => {
    containedPath(base, value, { file: project.settingsFile, line: parsed.lineOf(keyPath), keyPath: keyPath.join('.'), key }, fromFile.allowOutsideProject);
  };
  for (const key of PATH_SETTINGS) if (overrides[key] === undefined) check(key, [key], fromFile[key]);
  for (const [name, report] of Object.entries(fromFile.reports)) check('template', ['reports', name, 'template'], report.template);
  for (const key of PATH_SETTINGS) {
    const value = overrides[key];
    if (typeof value === 'string') overrides[key] = path.resolve(cwd, value);
  }
  const settings: Settings = { ...fromFile, ...overrides };
  const resolve = (p: string): string => path.resolve(base, p);
  const paths = {
    root: base,
    settings: project.settingsFile,
    workbook: resolve(settings.workbook),
    headerAliases: resolve(settings.headerAliases),
    catalogue: resolve(settings.catalogue),
    teamMeasures: resolve(settings.teamMeasures),
    finance: resolve(settings.finance),
    delivery: resolve(settings.delivery),
    schedule: resolve(settings.schedule),
    ledger: resolve(settings.ledger),
    packs: resolve(settings.packs),
    outputDir: resolve(settings.outputDir),
  };
  const aliases: HeaderAliases = { ...(await readYaml(paths.headerAliases, headerAliasesSchema, 'header aliases file')), file: projectName(base, paths.headerAliases) };
  const catalogueFile = await readYaml(paths.catalogue, catalogueSchema, 'indicator catalogue');
  let catalogue: IndicatorCatalogue;
  try {
    catalogue = new IndicatorCatalogue(catalogueFile, projectName(base, paths.catalogue));
  } catch (cause) {
    throw new ConfigFileError(`${paths.catalogue}: ${(cause as Error).message}`);
  }
  const teamMeasures = (await readYaml(paths.teamMeasures, teamMeasuresFileSchema, 'team measures file')).measures;
  const finance = await readYaml(paths.finance, financeSettingsSchema, 'finance settings file');
  const fromCommandLine = new Set(PATH_SETTINGS.filter((key) => overrides[key] !== undefined));
  return { settings, paths, projectSource: project.source, fromCommandLine, aliases, catalogue, teamMeasures, finance };
}

export async function loadDeliverySettings(loaded: LoadedSettings): Promise<DeliverySettings> {
  return { ...(await readYaml(loaded.paths.delivery, deliverySettingsSchema, 'delivery settings file')), file: projectName(loaded.paths.root, loaded.paths.delivery) };
}

export async function loadScheduleSettings(loaded: LoadedSettings): Promise<ScheduleSettings> {
  return readYaml(loaded.paths.schedule, scheduleSettingsSchema, 'schedule file');
}
