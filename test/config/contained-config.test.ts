/**
 * Config is contained (issue 15, item 8): unknown keys are errors in every config file, named by
 * file, line and key with the key most likely meant; paths stay inside the project folder unless
 * absolute and allowed.
 */
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeliverySettings, loadScheduleSettings, loadSettings } from '../../src/config/settings.js';
import { nearestKey } from '../../src/config/read-config.js';
import { B4BError } from '../../src/findings/finding.js';
import { loadPacks } from '../../src/pack/load-packs.js';
import { runCommand } from '../fixtures/run-cli.js';
import { tempProject } from '../fixtures/temp-project.js';

async function failure(promise: Promise<unknown>): Promise<B4BError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof B4BError)) throw new Error(`expected a B4BError, got ${String(error)}`);
  return error;
}

async function edit(file: string, change: (text: string) => string): Promise<void> {
  await writeFile(file, change(await readFile(file, 'utf8')));
}

describe('unknown keys are errors, in every config file', () => {
  it('restriced: in schedule.yaml names the file, line and key, and suggests restricted (exit 1 from schedule --check)', async () => {
    const project = await tempProject({ edit: (file, text) => (file === 'config/schedule.yaml' ? text.replace('      restricted: [board-members]', '      restriced: [board-members]') : text) });
    const file = path.join(project.root, 'config', 'schedule.yaml');
    const result = await runCommand(['schedule', '--check', '--settings', project.settings]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `b4b-reports: ${file}: the schedule file does not match its schema:\n` +
        `  ${file}:11: unknown key "restriced" in jobs[0].deliver; did you mean "restricted"? (the keys here: public, restricted)\n`,
    );
  });

  it('each of the other files: a mistyped key is named with its line', async () => {
    const project = await tempProject();
    const config = (name: string): string => path.join(project.root, 'config', name);
    const cases: Array<{ file: string; change: (t: string) => string; load: () => Promise<unknown>; expected: string }> = [
      { file: 'b4b.yaml', change: (t) => t.replace('outputDir: output', 'outputDri: output'), load: () => loadSettings({ settingsFile: project.settings }), expected: ':6: unknown key "outputDri"; did you mean "outputDir"?' },
      { file: 'b4b.yaml', change: (t) => t.replace('    commentaryReport: performance', '    commentaryReport: performance\n    titel: x'), load: () => loadSettings({ settingsFile: project.settings }), expected: ':16: unknown key "titel" in reports.performance; did you mean "title"?' },
      { file: 'header-aliases.yaml', change: (t) => `${t}\nnoFigures: [TBC]\n`, load: () => loadSettings({ settingsFile: project.settings }), expected: 'unknown key "noFigures"; did you mean "noFigure"?' },
      { file: 'indicators.yaml', change: (t) => `${t}\nplausability: {}\n`, load: () => loadSettings({ settingsFile: project.settings }), expected: 'unknown key "plausability"; did you mean "plausibility"?' },
      { file: 'team-measures.yaml', change: (t) => t.replace(/^(\s+)polarity:/m, '$1polarty: x\n$1polarity:'), load: () => loadSettings({ settingsFile: project.settings }), expected: 'unknown key "polarty" in measures[0]; did you mean "polarity"?' },
      { file: 'finance.yaml', change: (t) => `${t}\nweeksPerYaer: 52\n`, load: () => loadSettings({ settingsFile: project.settings }), expected: 'unknown key "weeksPerYaer"; did you mean "weeksPerYear"?' },
      { file: 'delivery.yaml', change: (t) => t.replace('  secure: false', '  secure: false\n  secur: true'), load: async () => loadDeliverySettings(await loadSettings({ settingsFile: project.settings })), expected: ':8: unknown key "secur" in smtp; did you mean "secure"?' },
      { file: 'packs.yaml', change: (t) => t.replace('    frontSheet: true', '    frontSheat: true'), load: async () => loadPacks(await loadSettings({ settingsFile: project.settings })), expected: 'unknown key "frontSheat" in packs.panel; did you mean "frontSheet"?' },
    ];
    for (const c of cases) {
      const before = await readFile(config(c.file), 'utf8');
      await edit(config(c.file), c.change);
      const error = await failure(c.load());
      expect(error.exitCode, c.file).toBe(1);
      expect(error.message, c.file).toContain(`${config(c.file)}${c.expected.startsWith(':') ? '' : ':'}`);
      expect(error.message, c.file).toContain(c.expected);
      await writeFile(config(c.file), before);
    }
    // And the schedule file through its loader, as schedule --check uses it.
    await edit(config('schedule.yaml'), (t) => t.replace('timezone: Europe/London', 'timezone: Europe/London\ntimzone: UTC'));
    const schedule = await failure(loadScheduleSettings(await loadSettings({ settingsFile: project.settings })));
    expect(schedule.message).toContain(`${config('schedule.yaml')}:6: unknown key "timzone"; did you mean "timezone"?`);
  });

  it('suggests a key only when it is near enough', () => {
    expect(nearestKey('restriced', ['public', 'restricted'])).toBe('restricted');
    expect(nearestKey('colour', ['public', 'restricted'])).toBeUndefined();
  });
});

describe('paths in config stay inside the project folder', () => {
  it('template: ../../../etc/hostname is refused, naming the file, line and key (exit 1 from run)', async () => {
    const project = await tempProject({ edit: (file, text) => (file === 'config/b4b.yaml' ? text.replace('    template: templates/performance.hbs', '    template: ../../../etc/hostname') : text) });
    const result = await runCommand(['run', '--report', 'performance', '--month', '2023-10', '--settings', project.settings]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `b4b-reports: ${project.settings}:14: reports.performance.template: "../../../etc/hostname" resolves to ${path.resolve(project.root, '../../../etc/hostname')}, outside the project folder ${project.root}; ` +
        'paths in config stay inside the project folder; to use a place outside it, write its absolute path and add template to allowOutsideProject in config/b4b.yaml\n',
    );
  });

  it('an output folder outside the project is refused, relative or absolute; absolute and allowed, it is used', async () => {
    const project = await tempProject();
    const elsewhere = path.join(path.dirname(project.root), `${path.basename(project.root)}-elsewhere`);
    await edit(project.settings, (t) => t.replace('outputDir: output', `outputDir: ../${path.basename(elsewhere)}`));
    const relative = await failure(loadSettings({ settingsFile: project.settings }));
    expect(relative.message).toBe(
      `${project.settings}:6: outputDir: "../${path.basename(elsewhere)}" resolves to ${elsewhere}, outside the project folder ${project.root}; ` +
        'paths in config stay inside the project folder; to use a place outside it, write its absolute path and add outputDir to allowOutsideProject in config/b4b.yaml',
    );
    await edit(project.settings, (t) => t.replace(/^outputDir: .*$/m, `outputDir: ${elsewhere}`));
    const absolute = await failure(loadSettings({ settingsFile: project.settings }));
    expect(absolute.message).toBe(`${project.settings}:6: outputDir: "${elsewhere}" resolves to ${elsewhere}, outside the project folder ${project.root}; to use it, add outputDir to allowOutsideProject in config/b4b.yaml`);
    await edit(project.settings, (t) => `${t}\nallowOutsideProject: [workbook, outputDir]\n`);
    const loaded = await loadSettings({ settingsFile: project.settings });
    expect(loaded.paths.outputDir).toBe(elsewhere);
  });

  it('a symbolic link inside the project that leads out is refused too', async () => {
    const project = await tempProject();
    await symlink('/etc', path.join(project.root, 'etc-link'));
    await edit(project.settings, (t) => t.replace('outputDir: output', 'outputDir: etc-link/b4b'));
    const error = await failure(loadSettings({ settingsFile: project.settings }));
    expect(error.message).toBe(
      `${project.settings}:6: outputDir: "etc-link/b4b" leads through a symbolic link to /etc/b4b, outside the project folder ${project.root}; ` +
        'paths in config stay inside the project folder; to use a place outside it, write its absolute path and add outputDir to allowOutsideProject in config/b4b.yaml',
    );
  });

  it("a pack's file: and coveringReport: stay inside too", async () => {
    const project = await tempProject({ edit: (file, text) => (file === 'config/packs.yaml' ? text.replace('coveringReport: config/covering/panel-performance.yaml', 'coveringReport: /etc/passwd') : text) });
    await mkdir(path.join(project.root, 'data'), { recursive: true });
    const error = await failure(loadPacks(await loadSettings({ settingsFile: project.settings })));
    const packsFile = path.join(project.root, 'config', 'packs.yaml');
    const line = (await readFile(packsFile, 'utf8')).split('\n').findIndex((l) => l.includes('coveringReport: /etc/passwd')) + 1;
    expect(error.message).toBe(
      `${packsFile}:${line}: packs.panel.items[0].documents[0].coveringReport: "/etc/passwd" resolves to /etc/passwd, outside the project folder ${project.root}; to use it, add coveringReport to allowOutsideProject in config/b4b.yaml`,
    );
  });

  it('the workbook may be anywhere when its path is absolute (the default allowOutsideProject), and a command-line path is never checked', async () => {
    const project = await tempProject(); // its workbook is the repository's sample, by absolute path
    const loaded = await loadSettings({ settingsFile: project.settings, overrides: { outputDir: '/tmp' } });
    expect(path.isAbsolute(loaded.paths.workbook)).toBe(true);
    expect(loaded.paths.outputDir).toBe('/tmp');
  });
});
