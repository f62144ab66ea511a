/**
 * A check run by hand (it takes real minutes): two `schedule` processes started together on an
 * every-minute job for MINUTES minutes (default 3), delivering to a local SMTP server on loopback.
 * Prints the runs per slot from the ledger and the e-mails received: each slot should run once and
 * each e-mail go once. Run: npx tsx scripts/check-two-schedulers.ts [MINUTES]
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { RunLedger } from '../src/run/ledger.js';

const minutes = Number(process.argv[2] ?? 3);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const mails: string[] = [];
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    stream.on('end', () => {
      mails.push(/^Subject: (.*)$/m.exec(text)?.[1] ?? '?');
      callback();
    });
  },
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.server.address() as AddressInfo).port;

const project = await mkdtemp(path.join(tmpdir(), 'b4b-two-schedulers-'));
await cp(path.join(root, 'config'), path.join(project, 'config'), { recursive: true });
await cp(path.join(root, 'templates'), path.join(project, 'templates'), { recursive: true });
const settings = path.join(project, 'config', 'b4b.yaml');
await writeFile(settings, (await readFile(settings, 'utf8')).replace(/^workbook: .*$/m, `workbook: ${path.join(root, 'data', 'b4b-sample.xlsx')}`));
const delivery = path.join(project, 'config', 'delivery.yaml');
await writeFile(delivery, (await readFile(delivery, 'utf8')).replace('host: localhost', 'host: 127.0.0.1').replace('port: 25', `port: ${port}`));
await writeFile(
  path.join(project, 'config', 'schedule.yaml'),
  'timezone: Europe/London\njobs:\n  - name: panel-every-minute\n    pack: panel\n    cron: "* * * * *"\n    deliver:\n      public: [panel-members]\n',
);

const started = new Date();
const logs: string[] = ['', ''];
const children = [0, 1].map((i) => {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'b4b-reports.js'), 'schedule', '--settings', settings], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr.on('data', (c: Buffer) => (logs[i] += c.toString()));
  return { child, done: new Promise<number | null>((resolve) => child.on('close', resolve)) };
});
await new Promise((resolve) => setTimeout(resolve, minutes * 60_000 + 5_000));
// Let a run under way finish before stopping.
for (let i = 0; i < 120 && /Building|Writing|Sending/.test(logs.join('').trim().split('\n').pop() ?? ''); i++)
  await new Promise((resolve) => setTimeout(resolve, 1000));
for (const { child } of children) child.kill('SIGTERM');
const codes = await Promise.all(children.map((c) => c.done));
server.close();

const records = (await new RunLedger(path.join(project, 'output', 'runs', 'ledger.jsonl')).read()).filter((r) => r.job === 'panel-every-minute');
const perSlot = new Map<string, string[]>();
for (const r of records) perSlot.set(r.slot ?? '?', [...(perSlot.get(r.slot ?? '?') ?? []), r.outcome]);
process.stdout.write(
  `Two schedule processes, every-minute panel job, ${minutes} min from ${started.toISOString()}\n` +
    `  exit codes: ${codes.join(', ')}; refused to start: ${logs.filter((l) => l.includes('another scheduler is running')).length}\n` +
    `  runs per slot: ${[...perSlot].map(([slot, outcomes]) => `${slot} ${outcomes.join('+')}`).join('; ')}\n` +
    `  runs: ${records.length}, slots: ${perSlot.size}; e-mails received: ${mails.length} (${[...new Set(mails)].join(' | ')})\n` +
    `  late slots logged: ${
      logs
        .join('')
        .split('\n')
        .filter((l) => l.includes('"late":true')).length
    }\n`,
);
await rm(project, { recursive: true, force: true });
