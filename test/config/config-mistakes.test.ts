/**
 * Configuration mistakes are configuration errors, not faults (issue 23, items 8-10; issue 22, item 9):
 * each names the file and line, says what was found and what is expected in plain words, and the CLI
 * exits 1 (a ConfigFileError), never 70 and never a hang.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { financeSettingsSchema } from '../../src/config/finance.js';
import { ConfigFileError, parseConfig } from '../../src/config/read-config.js';
import { readConfigText } from '../../src/config/read-yaml.js';
import { settingsSchema } from '../../src/config/settings.js';
import { glossarySchema } from '../../src/pack/pack-settings.js';
import { coveringReportSchema, packsFileSchema } from '../../src/pack/pack-settings.js';
import { fillText, packTextValues } from '../../src/pack/text-values.js';
import { runCli, runCommand } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';
import { tinyProject } from '../fixtures/tiny-project.js';
import { ROOT } from '../fixtures/workbooks.js';

function configError(run: () => unknown): ConfigFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigFileError) return error;
    throw new Error(`expected a ConfigFileError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
  }
  throw new Error('expected a ConfigFileError, but nothing was thrown');
}

/** A YAML "billion laughs": nine aliases of nine aliases of ... nine strings. */
function aliasBomb(firstKey: string): string {
  const lines = [`${firstKey}: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]`];
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
  for (let i = 1; i < names.length; i++) {
    const previous = `*${names[i - 1]}`;
    lines.push(`k${i}: &${names[i]} [${Array(9).fill(previous).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

describe('a configuration file that is not a regular file', () => {
  it('a named pipe is refused before a byte is read, naming the file: no hang', async () => {
    const project = await tempProject();
    const fifo = path.join(project.root, 'config', 'finance.yaml');
    await rm(fifo);
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    await expect(readConfigText(fifo, 'finance settings file')).rejects.toThrow(
      new ConfigFileError(`${fifo}: cannot read the finance settings file: this is a named pipe (FIFO), not a configuration file; expected a YAML text file`),
    );
    expect(Date.now() - started).toBeLessThan(5000);

    const result = runCli(['validate', '--settings', project.settings], { timeoutMs: 30_000 });
    expect(result.signal).toBeUndefined();
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `b4b-reports: ${fifo}: cannot read the finance settings file: this is a named pipe (FIFO), not a configuration file; expected a YAML text file\n`,
    );
  });

  it('a folder is said to be a folder', async () => {
    const project = await tempProject();
    await expect(readConfigText(path.join(project.root, 'config'), 'packs file')).rejects.toThrow(
      `cannot read the packs file: this is a folder, not a configuration file; expected a YAML text file`,
    );
  });
});

describe('YAML alias bombs', () => {
  it('in b4b.yaml: a config error naming the file and the line of the first alias, exit 1 (not 70)', async () => {
    const error = configError(() => parseConfig(aliasBomb('workbook'), 'config/b4b.yaml', settingsSchema, 'settings file'));
    expect(error.message).toBe(
      'config/b4b.yaml:2: the settings file uses YAML aliases (*a) that expand to more than 100 copies; ' +
        'a configuration file needs no aliases: write each value out where it is used',
    );

    const project = await tempProject();
    await writeFile(project.settings, aliasBomb('workbook'));
    const result = runCli(['validate', '--settings', project.settings], { timeoutMs: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`b4b-reports: ${project.settings}:2: the settings file uses YAML aliases (*a) that expand to more than 100 copies`);
    expect(result.stderr).not.toContain('fault in b4b-reports');
  });

  it('in glossary.yaml: the same config error', () => {
    const error = configError(() => parseConfig(`title: Glossary\n${aliasBomb('acronyms')}`, 'config/glossary.yaml', glossarySchema, 'glossary'));
    expect(error.message).toMatch(/^config\/glossary\.yaml:3: the glossary uses YAML aliases \(\*a\) that expand to more than 100 copies/);
  });

  it('a few aliases (within the bound) still read', () => {
    const text = 'title: &t Glossary\nterms:\n  - { term: *t, text: *t }\n';
    expect(() => parseConfig(text, 'config/glossary.yaml', glossarySchema, 'glossary')).not.toThrow();
  });
});

describe('Handlebars in configuration text (packs.yaml titles, covering reports)', () => {
  const values = packTextValues('2023-10', '2023-11-23');

  const packs = (title: string): string =>
    [
      'packs:',
      '  panel:',
      '    meeting: Children and Families Scrutiny Panel',
      '    firstPage: 1',
      '    items:',
      '      - number: 10',
      `        title: ${JSON.stringify(title)}`,
      '        documents:',
      '          - { report: performance, title: Performance }',
      '',
    ].join('\n');

  it.each([
    [
      '{{constructor.name}}',
      'packs.panel.items[0].title: "{{constructor.name}}" is not a value configuration text may use; expected one of {{monthLong}}, {{monthEnd}}, {{meetingMonth}}, {{meetingDate}}, {{documentMonth}}, {{documentTitles}}',
    ],
    [
      'Table: {{indicatorTable}}',
      'packs.panel.items[0].title: "{{indicatorTable}}" is not a value configuration text may use; expected one of {{monthLong}}, {{monthEnd}}, {{meetingMonth}}, {{meetingDate}}, {{documentMonth}}, {{documentTitles}} ' +
        '(report blocks such as {{indicatorTable}} belong in the report templates, templates/*.hbs)',
    ],
    [
      '{{#noSuchBlock}}x{{/noSuchBlock}}',
      'packs.panel.items[0].title: "{{#noSuchBlock}}" is a block, and configuration text has none; expected plain text with {{monthLong}}, {{monthEnd}}, {{meetingMonth}}, {{meetingDate}}, {{documentMonth}} or {{documentTitles}}',
    ],
    ['Performance {{monthLong', 'packs.panel.items[0].title: the text is not a valid template (an unclosed or broken {{...}}); expected plain text with {{monthLong}}, {{monthEnd}}, {{meetingMonth}}, {{meetingDate}}, {{documentMonth}} or {{documentTitles}}'],
  ])('%s in a title: a config error naming the file, the line and the key', (title, problem) => {
    const error = configError(() => parseConfig(packs(title), 'config/packs.yaml', packsFileSchema, 'packs file'));
    expect(error.message).toBe(`config/packs.yaml: the packs file does not match its schema:\n  config/packs.yaml:7: ${problem}`);
  });

  it('the values it may use still read', () => {
    const text = packs('Performance – {{monthLong}} ({{meetingDate}}, {{{monthEnd}}})');
    const parsed = parseConfig(text, 'config/packs.yaml', packsFileSchema, 'packs file');
    expect(fillText(parsed.packs.panel!.items[0]!.title, values)).toBe('Performance – October 2023 (23 November 2023, 31 October 2023)');
  });

  it('in a covering report: the paragraph is named by its line', async () => {
    const text = await readFile(path.join(ROOT, 'config', 'covering', 'panel-performance.yaml'), 'utf8');
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes('Performance information up to {{monthEnd}}'));
    lines[at] = lines[at]!.replace('{{monthEnd}}', '{{constructor.name}}');
    const error = configError(() => parseConfig(lines.join('\n'), 'config/covering/panel-performance.yaml', coveringReportSchema, 'covering report'));
    expect(error.message).toContain(`config/covering/panel-performance.yaml:${at + 1}: detail[1]: "{{constructor.name}}" is not a value configuration text may use`);
  });

  it('fillText itself refuses an unknown block rather than printing nothing', () => {
    expect(() => fillText('{{#noSuchBlock}}x{{/noSuchBlock}}', values)).toThrow(ConfigFileError);
    expect(() => fillText('{{constructor.name}}', values)).toThrow(ConfigFileError);
  });

  it('through the CLI: run --pack with {{constructor.name}} in a title exits 1 naming packs.yaml and the line', async () => {
    const project = await tempProject({ edit: (file, text) => (file === 'config/packs.yaml' ? text.replace('title: CHILDREN AND LEARNING - PERFORMANCE', 'title: "{{constructor.name}}"') : text) });
    const packsFile = path.join(project.root, 'config', 'packs.yaml');
    const line = (await readFile(packsFile, 'utf8')).split('\n').findIndex((l) => l.includes('{{constructor.name}}')) + 1;
    const result = await runCommand(['run', '--month', '2023-10', '--pack', 'panel', '--settings', project.settings]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${packsFile}:${line}: packs.panel.items[0].title: "{{constructor.name}}" is not a value configuration text may use`);
  });
});

describe('finance settings', () => {
  const finance = (green: number, amber: number): string =>
    [
      'varianceRag:',
      `  greenUpTo: ${green}`,
      `  amberUpTo: ${amber}`,
      'mainVarianceFrom: 100000',
      'agencyServiceArea: Agency staffing',
      'costReductionTarget: 600000',
      'placementIndicators: {}',
      'exemptionNotice: NOT FOR PUBLICATION',
      '',
    ].join('\n');

  it('greenUpTo above amberUpTo is refused, naming the line', () => {
    const error = configError(() => parseConfig(finance(10, 3), 'config/finance.yaml', financeSettingsSchema, 'finance settings file'));
    expect(error.message).toBe(
      'config/finance.yaml: the finance settings file does not match its schema:\n' +
        '  config/finance.yaml:2: varianceRag.greenUpTo: 10 is above amberUpTo (3), so no variance could be Amber; expected greenUpTo at most amberUpTo',
    );
  });

  it('greenUpTo equal to amberUpTo is accepted (no Amber band)', () => {
    expect(parseConfig(finance(3, 3), 'config/finance.yaml', financeSettingsSchema, 'finance settings file').varianceRag).toEqual({ greenUpTo: 3, amberUpTo: 3 });
  });
});

describe("zod's wording is replaced by plain words", () => {
  const schemaProblem = (text: string): string => {
    const error = configError(() => parseConfig(text, 'config/packs.yaml', packsFileSchema, 'packs file'));
    return error.message.split('\n').slice(1).join('\n');
  };

  it.each([
    [
      'a missing key',
      'packs:\n  panel:\n    meeting: M\n    firstPage: 1\n    items:\n      - number: 10\n        documents: [{ report: performance, title: P }]\n',
      '  config/packs.yaml:6: packs.panel.items[0].title is missing: a text is required here',
    ],
    [
      'a number where a text belongs',
      'packs:\n  panel:\n    meeting: 12\n    firstPage: 1\n    items:\n      - { number: 10, title: T, documents: [{ report: performance, title: P }] }\n',
      '  config/packs.yaml:3: packs.panel.meeting: a text is required here, not the number 12',
    ],
    [
      'an empty text',
      'packs:\n  panel:\n    meeting: ""\n    firstPage: 1\n    items:\n      - { number: 10, title: T, documents: [{ report: performance, title: P }] }\n',
      '  config/packs.yaml:3: packs.panel.meeting: a text is required here, not an empty one',
    ],
    [
      'a key with no value',
      'packs:\n  panel:\n    meeting:\n    firstPage: 1\n    items:\n      - { number: 10, title: T, documents: [{ report: performance, title: P }] }\n',
      '  config/packs.yaml:3: packs.panel.meeting has no value: a text is required here',
    ],
    [
      'a fraction where a whole number belongs',
      'packs:\n  panel:\n    meeting: M\n    firstPage: 1.5\n    items:\n      - { number: 10, title: T, documents: [{ report: performance, title: P }] }\n',
      '  config/packs.yaml:4: packs.panel.firstPage: a whole number is required here, not the number 1.5',
    ],
    [
      'an empty list',
      'packs:\n  panel:\n    meeting: M\n    firstPage: 1\n    items: []\n',
      '  config/packs.yaml:5: packs.panel.items: at least 1 entry is required here, and the list is empty',
    ],
    [
      'a word that is not one of the choices',
      'packs:\n  panel:\n    meeting: M\n    firstPage: 1\n    items:\n      - { number: 10, title: T, documents: [{ report: performance, title: P, month: latest }] }\n',
      '  config/packs.yaml:6: packs.panel.items[0].documents[0].month: "latest" is not one of the choices; expected pack or latest-with-team-rows',
    ],
    [
      'a text where true or false belongs',
      'packs:\n  panel:\n    meeting: M\n    firstPage: 1\n    frontSheet: sometimes\n    items:\n      - { number: 10, title: T, documents: [{ report: performance, title: P }] }\n',
      '  config/packs.yaml:5: packs.panel.frontSheet: true or false is required here, not the text "sometimes"',
    ],
  ])('%s', (_what, text, expected) => {
    const problem = schemaProblem(text);
    expect(problem).toBe(expected);
    expect(problem).not.toMatch(/Invalid input|Too small|Too big|Invalid option|received undefined/);
  });

  it('through the CLI, the settings file: no zod wording on stderr', async () => {
    const project = await tempProject();
    const text = await readFile(project.settings, 'utf8');
    await writeFile(project.settings, text.replace(/^headerAliases: .*$/m, 'headerAliases: 12'));
    const result = await runCommand(['validate', '--settings', project.settings]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/b4b\.yaml:\d+: headerAliases: a text is required here, not the number 12/);
    expect(result.stderr).not.toMatch(/Invalid input|received/);
  });
});

describe("a project copied without its templates/ folder (config/ and data/ only)", () => {
  it("names the report's template, the key that names it, and what is beside it; its advice (put the template there) works", async () => {
    const project = await tinyProject();
    const template = path.join(project.root, 'templates', 'tiny.hbs');
    const kept = await readFile(template, 'utf8');
    await rm(path.join(project.root, 'templates'), { recursive: true });
    const args = ['run', '--month', '2023-10', '--report', 'performance', '--project', project.root];
    const refused = await runCommand(args);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      `b4b-reports: ${project.settings}: reports.performance.template: ${template}: cannot read the template of the report "performance": ` +
        `no such file; there is no folder ${path.join(project.root, 'templates')}. Put the template of the report "performance" there, ` +
        'or name the right file in config/b4b.yaml (reports.performance.template)\n',
    );
    // Followed: the template put there.
    await mkdir(path.dirname(template));
    await writeFile(template, kept);
    const run = await runCommand(args);
    expect(run.status, run.stderr).toBe(0);
  });
});
