import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempProject } from '../fixtures/temp-project.js';
import { ROOT } from '../fixtures/workbooks.js';

const BIN = path.join(ROOT, 'bin', 'b4b-reports.js');

function cli(args: string[], options: { input?: string; env?: Record<string, string> } = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input: options.input ?? '',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('b4b-reports user', () => {
  it('adds users with a password from the environment or stdin, stored as scrypt hashes only', async () => {
    const project = await tempProject();
    const users = path.join(project.root, 'config', 'users.yaml');
    const added = cli(['user', 'add', 'olivia', '--role', 'officer', '--settings', project.settings], { env: { B4B_USER_PASSWORD: 'officer-password-1' } });
    expect([added.status, added.stdout]).toEqual([0, `Added olivia (officer) in ${users}\n`]);
    const piped = cli(['user', 'add', 'victor', '--role', 'viewer', '--password-stdin', '--settings', project.settings], { input: 'viewer-password-1\n' });
    expect([piped.status, piped.stdout]).toEqual([0, `Added victor (viewer) in ${users}\n`]);
    const text = await readFile(users, 'utf8');
    expect(text).toMatch(/olivia:\n\s+role: officer\n\s+password: scrypt\$16384\$8\$1\$/);
    expect(text).not.toContain('officer-password-1');
    expect(text).not.toContain('viewer-password-1');
    expect(cli(['user', 'list', '--settings', project.settings]).stdout).toBe('olivia  officer\nvictor  viewer\n');

    const again = cli(['user', 'add', 'olivia', '--role', 'viewer', '--settings', project.settings], { input: 'another-password' });
    expect([again.status, again.stderr]).toEqual([
      1,
      `b4b-reports: ${users}: there is already a user "olivia"; use --replace to change their role and password\n`,
    ]);
    const role = cli(['user', 'add', 'max', '--role', 'admin', '--settings', project.settings], { input: 'a-long-password' });
    expect([role.status, role.stderr]).toEqual([2, 'b4b-reports: --role "admin" is not a role; expected officer or viewer\n']);
    const short = cli(['user', 'add', 'max', '--role', 'viewer', '--settings', project.settings], { input: 'short' });
    expect([short.status, short.stderr]).toEqual([2, 'b4b-reports: the password is too short: use at least 10 characters\n']);
  });
});

describe('b4b-reports serve', () => {
  it('refuses to listen beyond loopback while no users are configured', async () => {
    const project = await tempProject();
    const answer = cli(['serve', '--host', '0.0.0.0', '--port', '0', '--settings', project.settings]);
    expect(answer.status).toBe(2);
    expect(answer.stderr).toBe(
      `b4b-reports: refusing to listen on 0.0.0.0: no users are configured in ${path.join(project.root, 'config', 'users.yaml')}, so anyone who can reach it would have officer rights. ` +
        'Add one with "b4b-reports user add NAME --role officer", or listen on 127.0.0.1.\n',
    );
  });

  it('serves the pages on loopback with the scheduler in the same process, and stops on SIGTERM', async () => {
    const project = await tempProject();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--schedule', '--settings', project.settings], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    let stderr = '';
    const address = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const found = /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stderr);
        if (found?.[1]) resolve(found[1]);
      });
      child.on('close', () => reject(new Error(stderr)));
    });
    try {
      expect(stderr).toContain('(no users configured: this computer has officer rights); the scheduler is running');
      const schedule = await (await fetch(`${address}/schedule`)).text();
      expect(schedule).toContain("The scheduler is running in this console's process.");
      const page = await fetch(`${address}/produce`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<h1>Produce reports and packs</h1>');
      expect(html).toContain('<option value="2023-10" selected>October 2023</option>');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await closed).toBe(0);
  });
});
