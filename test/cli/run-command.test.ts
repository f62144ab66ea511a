import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCommand } from '../fixtures/run-cli.js';
import { tinyProject } from '../fixtures/tiny-project.js';

/** The tests' in-process runner (test/fixtures/run-cli.ts) must say what the built program says, and leave the test's process as it was. */
describe('a command run in the test process (runCommand)', () => {
  it('gives what the bin gives: exit code, stdout and stderr', async () => {
    const project = await tinyProject();
    const elsewhere = await mkdtemp(path.join(tmpdir(), 'b4b-elsewhere-'));
    const cases: Array<{ args: string[]; cwd?: string }> = [
      { args: ['--version'] },
      // A usage error: commander's own message, exit 2.
      { args: ['run', '--report', 'performance'] },
      // A command's own failure, from a folder that is no project: its message and advice, exit 2.
      { args: ['history'], cwd: elsewhere },
      { args: ['history', '--json', '--settings', project.settings] },
      { args: ['validate', '--settings', project.settings] },
    ];
    for (const { args, cwd } of cases) {
      const options = cwd === undefined ? {} : { cwd };
      expect(await runCommand(args, options), args.join(' ')).toEqual(runCli(args, options));
    }
  });

  it("leaves the process's folder, environment, exit code and streams as they were", async () => {
    const project = await tinyProject();
    // Each stream's own properties (a write put back must be the one that was there, or none).
    const streams = (): unknown[] =>
      [process.stdout, process.stderr].flatMap((stream) => ['write', 'isTTY', 'columns'].map((name) => Object.getOwnPropertyDescriptor(stream, name)));
    const state = (): unknown => ({ cwd: process.cwd(), format: process.env.B4B_LOG_FORMAT, exitCode: process.exitCode, streams: streams() });
    const before = state();
    const failed = await runCommand(['validate', '--settings', path.join(project.root, 'no-such.yaml')], {
      cwd: project.root,
      env: { B4B_LOG_FORMAT: 'json' },
    });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/^\{"time":/);
    expect(state()).toEqual(before);
  });

  it('refuses a second call while the first is running', async () => {
    const first = runCommand(['--version']);
    await expect(runCommand(['--version'])).rejects.toThrow('another command is still running in this process');
    expect((await first).status).toBe(0);
  });
});
