import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunLedger } from '../../src/run/ledger.js';
import { runCommand } from '../fixtures/run-cli.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { tempProject, type TempProject } from '../fixtures/temp-project.js';
import { tinyProject } from '../fixtures/tiny-project.js';

/** A temp project whose performance report uses a short template of the test's own. */
async function projectWithTemplate(template: string): Promise<TempProject> {
  const project = await tempProject();
  await writeFile(path.join(project.root, 'templates', 'performance.hbs'), template);
  return project;
}

describe('b4b-reports run', () => {
  it('writes the report under output/<month>/ and prints its path', async () => {
    const project = await projectWithTemplate(
      '# Right support\n\n{{#indicatorTable from="Right service right time"}}\nnumber-of-contacts-in-the-month\n{{/indicatorTable}}\n',
    );
    const result = await runCommand(['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings]);
    expect(result.status, result.stderr).toBe(0);
    const file = path.join(project.output, '2023-10', 'performance-2023-10.pdf');
    expect(result.stdout.trim().endsWith(path.join('2023-10', 'performance-2023-10.pdf'))).toBe(true);
    const text = pdfText(await readFile(file));
    // On its own, the report is numbered from Page 1 with no agenda stamp (the pack prints those).
    expect(text).not.toContain('Agenda Item');
    expect(text).toMatch(/Page 1\s*$/);
    expect(text).toMatch(/Number of contacts in the month 1922|Number of contacts in the\s+month[\s\S]*1922/);
    // Its accessible HTML twin beside it.
    const html = await readFile(path.join(project.output, '2023-10', 'performance-2023-10.html'), 'utf8');
    expect(html).toContain('<html lang="en-GB">');
    expect(html).toMatch(/<th scope="row">Number of contacts in the month<\/th>(<td class="num">\d*<\/td>)*<td class="num">1922<\/td>/);
  });

  it('warns of an indicator the workbook lacks; --strict makes it an error and writes nothing', async () => {
    const project = await projectWithTemplate(
      '{{#indicatorTable from="Right service right time"}}\nnumber-of-contacts-in-the-month\nnumber-of-widgets-made\n{{/indicatorTable}}\n',
    );
    const relaxed = await runCommand(['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings]);
    expect(relaxed.status).toBe(0);
    expect(relaxed.stderr).toContain('number-of-widgets-made: not supplied for Oct-23');
    const file = path.join(project.output, '2023-10', 'performance-2023-10.pdf');
    const before = await stat(file);
    const strict = await runCommand(['run', '--month', '2023-10', '--report', 'performance', '--strict', '--force', '--settings', project.settings]);
    expect(strict.status).toBe(1);
    // The workbook's 29 findings (as validate lists them: among them its own RAGs and arrows that disagree), then the report's 2 warnings.
    expect(strict.stderr).toContain('--strict: the run has 32 warning(s); nothing was written');
    expect(strict.stderr).toContain('number-of-widgets-made: not supplied for Oct-23');
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
    // A set is staged as soon as it is made, before the check: refused, it leaves nothing behind, and its
    // record names no file and no figures snapshot.
    const [published, refused] = await new RunLedger(project.ledger).read();
    expect(refused?.outcome).toBe('failed');
    expect(refused?.outputs).toEqual([]);
    expect(refused?.figures).toBeUndefined();
    expect((await readdir(path.dirname(project.ledger))).filter((f) => f.endsWith('.figures.json.gz'))).toEqual([`${published?.id ?? ''}.figures.json.gz`]);
    expect(await readdir(path.join(project.output, '.sets', '2023-10', 'report-performance'))).not.toContain(refused?.id);
  });

  it('refuses a month the workbook does not reach, naming the latest it has', async () => {
    // The tiny project's workbook (data/tiny.xlsx) ends at October 2023, as the sample does.
    const project = await tinyProject();
    const result = await runCommand(['run', '--month', '2024-02', '--report', 'performance', '--settings', project.settings]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no table in tiny.xlsx has figures for February 2024; the latest month in the workbook is October 2023');
  });

  it('refuses a malformed month or an unknown report with a usage error', async () => {
    const month = await runCommand(['run', '--month', 'Oct-23', '--report', 'performance']);
    expect(month.status).toBe(2);
    expect(month.stderr).toContain(`error: option '--month <YYYY-MM>' argument 'Oct-23' is invalid. "Oct-23" is not a month; expected YYYY-MM, e.g. 2023-10.`);
    const unknown = await runCommand(['run', '--month', '2023-10', '--report', 'nonsense']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/there is no report called "nonsense" in the settings \(known: performance, clinic-safeguarding, [^)]*\)/);
  });
});
