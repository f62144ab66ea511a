import { spawn, spawnSync } from 'node:child_process';
import { renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';

import { acquireLock } from '../../src/run/file-lock.js';
import { RunLedger } from '../../src/run/ledger.js';
import type { Progress } from '../../src/run/progress.js';
import { runLockPath, withRunLock } from '../../src/run/run-lock.js';
import { runCli } from '../fixtures/run-cli.js';
import { tinyProject } from '../fixtures/tiny-project.js';
import { ROOT } from '../fixtures/workbooks.js';
import { runOne, runRequest } from '../fixtures/run-request.js';

const BIN = path.join(ROOT, 'bin', 'b4b-reports.js');
const STALE = '600';

afterEach(() => {
  delete process.env.B4B_LOCK_STALE_MS;
});

/** Blocks this thread (the event loop) for `ms`, as a long synchronous render does. */
function blockFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy
  }
}

describe('a lock held by a run whose event loop is blocked past the stale time', () => {
  it('stays held: a second run started meanwhile is refused, naming the live holder', async () => {
    process.env.B4B_LOCK_STALE_MS = STALE;
    const project = await tinyProject();
    const result = await withRunLock(project.output, 'month-2023-10', 0, async (lock) => {
      // The second run starts while this one holds the lock, and tries it while this thread is blocked
      // for 7 stale times: only the heartbeat thread can keep the lock fresh.
      const second = spawn(process.execPath, [BIN, 'run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings], {
        cwd: ROOT,
        env: { ...process.env, B4B_LOCK_STALE_MS: STALE },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      second.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const closed = new Promise<number | null>((resolve) => second.on('close', resolve));
      // Block until the second run has had its answer (it writes the refused record to the ledger).
      const ledger = path.join(project.output, 'runs', 'ledger.jsonl');
      const deadline = Date.now() + 45_000;
      while (Date.now() < deadline && spawnSync('grep', ['-q', 'refused', ledger]).status !== 0) blockFor(200);
      lock.assertHeld(); // still ours after all that
      expect(lock.signal.aborted).toBe(false);
      return { status: await closed, stderr };
    });
    expect(result.status).toBe(75);
    expect(result.stderr).toContain(`b4b-reports: another run of "month-2023-10" is in progress (process ${process.pid}, started `);
    const records = await new RunLedger(project.ledger).read();
    expect(records.map((r) => r.outcome)).toEqual(['refused']);
  });
});

describe("a lock's heartbeat, as another host sees it", () => {
  it('touches the lock every third of the stale time, and goes on touching it while the main thread is blocked', async () => {
    const project = await tinyProject();
    const target = path.join(project.output, '.locks', 'heartbeat-test');
    const lockDir = `${target}.lock`;
    const touched = (): number => statSync(lockDir).mtimeMs;
    const lock = await acquireLock(target, { heartbeat: true, staleMs: Number(STALE) });
    try {
      // Made an hour old, as a host whose clock is behind would see it: only a beat makes it new again.
      // (Compared with the time read back: a time set to the millisecond may read back a fraction below it.)
      const old = new Date(Date.now() - 3600_000);
      const makeOld = (): number => {
        utimesSync(lockDir, old, old);
        return touched();
      };
      let before = makeOld();
      // Its next beat is due a third of the stale time later (the wait is generous, for a loaded machine).
      for (let i = 0; touched() === before && i < 400; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(touched()).toBeGreaterThan(before);
      // The main thread blocked (a long synchronous render): the heartbeat thread touches the lock all the same.
      before = makeOld();
      const deadline = Date.now() + 10_000;
      while (touched() === before && Date.now() < deadline) blockFor(25);
      expect(touched()).toBeGreaterThan(before);
      lock.assertHeld();
    } finally {
      await lock.release();
    }
  });
});

describe('a lock that is lost all the same', () => {
  it('aborts the run cleanly: a ledger record, exit code 75, and the previous outputs untouched', async () => {
    process.env.B4B_LOCK_STALE_MS = STALE;
    const project = await tinyProject();
    const loaded = await loadSettings({ settingsFile: project.settings });
    const request = runRequest({ kind: 'report', name: 'performance' });
    const first = await runOne(loaded, request, silent());
    const pdf = first.record.outputs[0]!.path;
    const before = await readFile(pdf);

    // Mid-build, another host's run takes the lock over (as if this one had gone stale). Its owner
    // file replaces this run's in one step (a rename), so the heartbeat, which reads it from its own
    // thread, sees either this run's or the new owner: a takeover made of removing the lock, making it
    // again and writing the file left moments with no lock (a loaded machine made one long enough for
    // a beat to see, and the run said "the lock was removed").
    const lockDir = `${runLockPath(project.output, 'month-2023-10')}.lock`;
    const thief = silent((message) => {
      if (!message.endsWith('building it')) return;
      const theirs = path.join(lockDir, 'owner.json.theirs');
      writeFileSync(theirs, JSON.stringify({ token: 'other', pid: 4242, host: 'another-host', since: '2023-11-10T07:00:00Z' }));
      renameSync(theirs, path.join(lockDir, 'owner.json'));
    });
    const error = await runOne(loaded, request, thief).catch((e: unknown) => e as Error & { exitCode?: number });
    expect(error).toBeInstanceOf(Error);
    expect((error as { exitCode?: number }).exitCode).toBe(75);
    expect((error as Error).message).toBe(
      `the lock ${lockDir} was lost while the work was under way (taken over by process 4242 on another-host); nothing was replaced`,
    );
    expect((await readFile(pdf)).equals(before)).toBe(true);
    const last = (await new RunLedger(project.ledger).read()).pop();
    expect(last?.outcome).toBe('failed');
    expect(last?.error).toBe((error as Error).message);
    expect(last?.set).toBeUndefined();
    await rm(lockDir, { recursive: true, force: true });
  });
});

describe('a stale lock', () => {
  it('left by a dead process is taken over at once, and never named as the holder', async () => {
    const project = await tinyProject();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const lockDir = `${runLockPath(project.output, 'month-2023-10')}.lock`;
    await mkdir(lockDir, { recursive: true });
    await writeFile(
      path.join(lockDir, 'owner.json'),
      JSON.stringify({ token: 't', pid: Number(dead.stdout), host: hostname(), since: '2023-11-10T07:00:00Z' }),
    );
    const run = runCli(['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toContain(`process ${dead.stdout}`);
  });

  it('held by another host is refused while its heartbeat goes on, and taken over once none is seen for the stale time', async () => {
    const project = await tinyProject();
    const lockDir = `${runLockPath(project.output, 'month-2023-10')}.lock`;
    await mkdir(lockDir, { recursive: true });
    await writeFile(path.join(lockDir, 'owner.json'), JSON.stringify({ token: 't', pid: 4242, host: 'another-host', since: '2023-11-10T07:00:00Z' }));
    const args = ['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings];
    const env = { B4B_LOCK_STALE_MS: '3000' };
    // Its holder elsewhere beats (touches the lock) every half second, with a clock a day behind ours: it is alive all the same.
    const beating = spawn('sh', ['-c', `t=$(( $(date +%s) - 86400 )); while :; do t=$((t+1)); touch -m -d @$t '${lockDir}'; sleep 0.5; done`], {
      stdio: 'ignore',
    });
    try {
      const refused = runCli(args, { env });
      expect(refused.status).toBe(75);
      expect(refused.stderr).toContain('another run of "month-2023-10" is in progress (process 4242, started 2023-11-10T07:00:00Z, on another-host)');
    } finally {
      beating.kill('SIGKILL');
    }
    // Its heartbeat stopped (the host went down): a run watches it for the stale time, then takes it over.
    const taken = runCli(args, { env });
    expect(taken.status, taken.stderr).toBe(0);
  });

  it('held by a live process on this host is never taken over, whatever its age: a clock step does not make it stale', async () => {
    const project = await tinyProject();
    const lockDir = `${runLockPath(project.output, 'month-2023-10')}.lock`;
    await mkdir(lockDir, { recursive: true });
    const started = (await readFile(`/proc/${process.pid}/stat`, 'utf8')).split(') ')[1]?.split(' ')[19];
    await writeFile(
      path.join(lockDir, 'owner.json'),
      JSON.stringify({ token: 't', pid: process.pid, host: hostname(), since: '2023-11-10T07:00:00Z', started }),
    );
    const old = new Date(Date.now() - 3600_000);
    await utimes(lockDir, old, old);
    const refused = runCli(['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings], { env: { B4B_LOCK_STALE_MS: '1000' } });
    expect(refused.status).toBe(75);
    expect(refused.stderr).toContain(`another run of "month-2023-10" is in progress (process ${process.pid}, started 2023-11-10T07:00:00Z)`);
    // The same pid started at another time is another process (the pid was reused): the lock is taken over.
    await writeFile(
      path.join(lockDir, 'owner.json'),
      JSON.stringify({ token: 't', pid: process.pid, host: hostname(), since: '2023-11-10T07:00:00Z', started: '1' }),
    );
    const taken = runCli(['run', '--month', '2023-10', '--report', 'performance', '--settings', project.settings]);
    expect(taken.status, taken.stderr).toBe(0);
  });
});

function silent(onStep: (message: string) => void = () => undefined): Progress {
  return { step: onStep, warn: () => undefined, error: () => undefined };
}
