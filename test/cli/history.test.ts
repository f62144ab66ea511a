import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLines } from '../../src/cli/commands/history.js';
import { runCommand } from '../fixtures/run-cli.js';
import { runRecord } from '../fixtures/run-record.js';
import { tinyProject } from '../fixtures/tiny-project.js';

describe('b4b-reports history', () => {
  it('lists each run in a short line with its outcome (and error below it); --run ID shows one in full; --json gives the ledger records', async () => {
    // A project whose one report is read and laid out in a fraction of the sample's time: history is what is tested.
    const project = await tinyProject({ withWarning: true });
    expect((await runCommand(['history', '--settings', project.settings])).stdout).toContain('No runs recorded yet');
    const args = ['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings];
    expect((await runCommand(args)).status).toBe(0);
    expect((await runCommand(args)).status).toBe(1); // refused: exists, no --force
    const listing = (await runCommand(['history', '--settings', project.settings])).stdout.trim().split('\n');
    expect(listing).toHaveLength(3);
    for (const line of listing) expect(line.length).toBeLessThanOrEqual(100);
    // The short id first, which "history --run" takes.
    expect(listing[0]).toMatch(/^\w{6} {2}\d\d \w{3} \d\d:\d\d {2}Oct-23 {2}report performance {2}refused$/);
    expect(listing[1]).toMatch(/^ {4}.*output\/2023-10\/performance-2023-10\.pdf already exists/);
    expect(listing[2]).toMatch(/^\w{6} {2}\d\d \w{3} \d\d:\d\d {2}Oct-23 {2}report performance {2}success {2}current, \d+ warn$/);
    const id = /^(\S+) /.exec(listing[2] ?? '')?.[1] ?? '';
    const detail = (await runCommand(['history', '--run', id, '--settings', project.settings])).stdout;
    expect(detail).toMatch(new RegExp(`^Run \\S+-${id}: report performance for Oct-23, on-demand\\n`));
    expect(detail).toMatch(/\nWorkbook: tiny\.xlsx \(SHA-256 [0-9a-f]{16}…\)/);
    expect(detail).toMatch(/\nFiles \(2\):\n {2}\S+performance-2023-10\.pdf\n {2}\S+performance-2023-10\.html\n/);
    expect(detail).toMatch(/\nWarnings \(\d+\):\n {2}tiny\.xlsx › /);
    const unknown = await runCommand(['history', '--run', 'nonesuch', '--settings', project.settings]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('there is no run "nonesuch"');
    const json = JSON.parse((await runCommand(['history', '--json', '--settings', project.settings])).stdout) as {
      ok: boolean;
      ledger: string;
      runs: Array<{ outcome: string; workbook: { sha256: string }; outputs: unknown[] }>;
    };
    expect(json.ok).toBe(true);
    expect(json.ledger).toBe(project.ledger);
    const records = json.runs;
    expect(records.map((r) => r.outcome)).toEqual(['refused', 'success']);
    expect(records[1]?.workbook.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(records[1]?.outputs).toHaveLength(2);
  });
});

describe("a refused run's file, as history names it", () => {
  it('is the file wherever history is read from, not the path from the folder the refused run was typed in', async () => {
    const project = await tinyProject();
    const args = ['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings];
    expect((await runCommand(args)).status).toBe(0);
    // Refused, typed in a folder inside the project (its templates/).
    expect((await runCommand(args, { cwd: path.join(project.root, 'templates') })).status).toBe(1);
    // Read from the project folder, and from the console's folder (anywhere): the path named is the file.
    const id = /^(\w{6}) /.exec((await runCommand(['history', '--settings', project.settings, '--limit', '1'])).stdout)?.[1] ?? '';
    for (const cwd of [project.root, tmpdir()]) {
      const detail = (await runCommand(['history', '--settings', project.settings, '--run', id], { cwd })).stdout;
      const named = /^Error:\n {2}(\S+) already exists/m.exec(detail)?.[1] ?? '';
      expect(named, detail).not.toBe('');
      expect(existsSync(path.resolve(cwd, named)), `${named} from ${cwd}`).toBe(true);
      expect(path.resolve(cwd, named)).toBe(path.join(project.output, '2023-10', 'performance-2023-10.pdf'));
    }
  });
});

describe('history on an 80-column terminal', () => {
  it('keeps each line within the width, the short id first and whole; warnings and changes go below when the line is full', () => {
    const record = runRecord('20261206T222702Z-qpsg1c', {
      target: { kind: 'report', name: 'clinic-pathways-through-care' },
      warnings: ['a warning'],
      warningsTotal: 42,
      changes: [],
      changesTotal: 3,
      error: `${'/srv/b4b/output/2023-10/'.repeat(3)}clinic.pdf already exists; nothing was replaced.`,
    });
    const name = 'report clinic-pathways-through-care'.length;
    const lines = runLines(record, true, name, 79);
    expect(lines[0]).toMatch(/^qpsg1c {2}\d\d \w{3} \d\d:\d\d {2}Oct-23 {2}report clinic-pathways-through-care {2}success$/);
    expect(lines[1]).toBe('    current, 42 warn, 3 changed');
    expect(lines.every((l) => l.length <= 79)).toBe(true);
    // Wide enough, one line.
    expect(runLines(record, true, name, 120)[0]).toMatch(/ {2}success {2}current, 42 warn, 3 changed$/);
  });
});
