import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
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

  it('with no terminal and no password, says how to give one, and that advice works', async () => {
    const project = await tempProject();
    const users = path.join(project.root, 'config', 'users.yaml');
    const none = cli(['user', 'add', 'max', '--role', 'viewer', '--settings', project.settings], { input: '' });
    expect([none.status, none.stderr]).toEqual([
      2,
      'b4b-reports: no password was given: "user add" asks for it on a terminal, and there is none here (stdin is not a terminal and was empty). ' +
        `Give it on stdin, as printf '%s' "$PASSWORD" | b4b-reports user add --settings ${project.settings} max --role viewer --password-stdin, or in the environment variable B4B_USER_PASSWORD; nothing was written\n`,
    ]);
    const emptyStdin = cli(['user', 'add', 'max', '--role', 'viewer', '--password-stdin', '--settings', project.settings], { input: '' });
    expect(emptyStdin.status).toBe(2);
    expect(emptyStdin.stderr).toContain('no password was given: --password-stdin reads it from stdin, and stdin was empty.');
    // The advice, followed as printed from another project's folder: the password on stdin with --password-stdin, or in the environment.
    const advice = /as (printf .*--password-stdin), or/.exec(none.stderr)?.[1] ?? '';
    const piped = spawnSync('sh', ['-c', advice.replace('b4b-reports', `"${process.execPath}" "${BIN}"`)], {
      cwd: (await tempProject()).root,
      encoding: 'utf8',
      env: { ...process.env, PASSWORD: 'a-viewer-password' },
    });
    expect([piped.status, piped.stdout]).toEqual([0, `Added max (viewer) in ${users}\n`]);
    const fromEnv = cli(['user', 'add', 'nina', '--role', 'viewer', '--settings', project.settings], { env: { B4B_USER_PASSWORD: 'another-viewer-password' } });
    expect([fromEnv.status, fromEnv.stdout]).toEqual([0, `Added nina (viewer) in ${users}\n`]);
  });
});

describe('user add --help', () => {
  it('its example for scripts, as printed at 80 columns (continued with a backslash), adds the user when typed into a shell', async () => {
    const project = await tempProject();
    const help = cli(['user', 'add', '--help']).stdout;
    expect(help.split('\n').filter((l) => l.length > 80)).toEqual([]);
    const example = /\n {2}(printf [^\n]*\\\n[^\n]*)\n/.exec(help)?.[1] ?? '';
    expect(example).toMatch(/\\\n {4}--password-stdin$/);
    const typed = `${example.replace('b4b-reports', `"${process.execPath}" "${BIN}"`)} --settings "${project.settings}"`;
    const added = spawnSync('sh', ['-c', typed], { encoding: 'utf8', env: { ...process.env, PASSWORD: 'a-long-password-2' } });
    expect([added.status, added.stdout]).toEqual([0, `Added alice (officer) in ${path.join(project.root, 'config', 'users.yaml')}\n`]);
  });
});

describe('b4b-reports serve', () => {
  it('refuses to listen beyond loopback while no users are configured', async () => {
    const project = await tempProject();
    const answer = cli(['serve', '--host', '0.0.0.0', '--port', '0', '--settings', project.settings]);
    expect(answer.status).toBe(2);
    const users = path.join(project.root, 'config', 'users.yaml');
    expect(answer.stderr).toBe(
      `b4b-reports: refusing to listen on 0.0.0.0: no users are configured in ${users}, and until there are the console listens on this computer only. ` +
        `Add one with "b4b-reports user add --settings ${project.settings} NAME --role officer", or listen on 127.0.0.1.\n`,
    );
    // The advice, followed from another project's folder: the user is added where this console reads them.
    const elsewhere = await tempProject();
    const advice = /"b4b-reports (user add [^"]+)"/.exec(answer.stderr)?.[1] ?? '';
    const added = spawnSync(process.execPath, [BIN, ...advice.replace('NAME', 'olivia').split(' ')], {
      cwd: elsewhere.root,
      encoding: 'utf8',
      env: { ...process.env, B4B_USER_PASSWORD: 'officer-password-1' },
    });
    expect([added.status, added.stdout]).toEqual([0, `Added olivia (officer) in ${users}\n`]);
  });

  it('a port another program holds is said as such (not as a file it cannot read), exit 75; its advice, --port 0, starts the console', async () => {
    const project = await tempProject();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const answer = cli(['serve', '--port', String(port), '--settings', project.settings], { env: { B4B_LOG_FORMAT: 'text' } });
      expect(answer.status).toBe(75);
      expect(answer.stderr).toBe(
        `b4b-reports: cannot listen on 127.0.0.1:${port}: another program is listening there (a console already running?); ` +
          `stop it, or start this console on another port with --port (e.g. --port ${port + 1}, or --port 0 for any free one)\n`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    // Followed: --port 0 (the suggested next port may be taken on a busy machine; any free one is not).
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--settings', project.settings], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, B4B_LOG_FORMAT: 'json' },
    });
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const closed = new Promise((resolve) => child.on('close', resolve));
    await vi.waitFor(() => expect(log).toContain('The console is at http://127.0.0.1:'), { timeout: 60_000, interval: 50 });
    child.kill('SIGTERM');
    await closed;
  });

  it('with --users FILE, the refusal advises adding the user to that file', async () => {
    const project = await tempProject();
    const users = path.join(project.root, 'staff.yaml');
    const answer = cli(['serve', '--host', '0.0.0.0', '--port', '0', '--project', project.root, '--users', users]);
    expect(answer.status).toBe(2);
    expect(answer.stderr).toContain(`Add one with "b4b-reports user add --project ${project.root} --users ${users} NAME --role officer"`);
  });

  it('serves the pages on loopback with the scheduler in the same process, to whoever opens the sign-in link it prints, and stops on SIGTERM', async () => {
    const project = await tempProject();
    // As a service runs it: its log is JSON lines.
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--schedule', '--settings', project.settings], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, B4B_LOG_FORMAT: 'json' },
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    let stderr = '';
    const link = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const found = /"signInLink":"(http:\/\/127\.0\.0\.1:\d+\/sign-in\/link\?token=[A-Za-z0-9_-]+)"/.exec(stderr);
        if (found?.[1]) resolve(found[1]);
      });
      child.on('close', () => reject(new Error(stderr)));
    });
    const address = new URL(link).origin;
    try {
      expect(stderr).toContain('(no users configured: open the sign-in link below); the scheduler is running');
      expect(stderr).toContain('(no users are configured: this link works once, in one browser)');
      // Without the link, nothing.
      const anonymous = await fetch(`${address}/produce`, { redirect: 'manual' });
      expect([anonymous.status, anonymous.headers.get('location')]).toEqual([303, '/sign-in?next=%2Fproduce']);
      const signIn = await fetch(link, { redirect: 'manual' });
      expect([signIn.status, signIn.headers.get('location')]).toEqual([303, '/']);
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect(cookie).toMatch(/^b4b_session=/);
      const schedule = await (await fetch(`${address}/schedule`, { headers: { cookie } })).text();
      expect(schedule).toContain("The scheduler is running in this console's process.");
      const page = await fetch(`${address}/produce`, { headers: { cookie } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<h1>Produce reports and packs</h1>');
      expect(html).toContain('<option value="2023-10" selected>October 2023</option>');
      // The link works once; using it printed the next one.
      expect((await fetch(link, { redirect: 'manual' })).status).toBe(401);
      await vi.waitFor(() => expect(stderr.match(/"signInLink"/g)).toHaveLength(2));
      expect(stderr).toContain('"audit":{"time":');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await closed).toBe(0);
    const audit = (await readFile(path.join(project.output, 'runs', 'console-audit.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit.map((e) => [e.event, e.method])).toEqual([
      ['sign-in', 'link'],
      ['sign-in-failed', 'link'],
    ]);
  });
});
