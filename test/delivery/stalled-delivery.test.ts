import { existsSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { ParsedMail } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDeliverySettings, loadSettings, type LoadedSettings } from '../../src/config/settings.js';
import { deliverPending } from '../../src/run/deliver.js';
import { RunLedger, type RunRecord } from '../../src/run/ledger.js';
import { silentProgress } from '../../src/run/progress.js';
import { runLockPath } from '../../src/run/run-lock.js';
import { runInProcess, runRequest } from '../fixtures/run-request.js';
import { smtpServer as startSmtpServer } from '../fixtures/smtp-server.js';
import { tinyProject } from '../fixtures/tiny-project.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

/** A project whose e-mail goes to `port` on loopback, with short delivery time limits (seconds). */
async function projectMailingTo(port: number): Promise<LoadedSettings> {
  const project = await tinyProject({
    edit: (file, text) =>
      file === 'config/delivery.yaml'
        ? `${text.replace('host: localhost', 'host: 127.0.0.1').replace('port: 25', `port: ${port}`)}\ntimeouts:\n  connect: 2\n  greeting: 1\n  socket: 1\n  total: 4\n`
        : text,
  });
  return loadSettings({ settingsFile: project.settings });
}

/** A mail server that takes the connection and never says a word: the stall nodemailer waits on for 30 s by default. */
async function silentServer(onConnection: () => void): Promise<number> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    onConnection();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

/** A real SMTP server (test/fixtures/smtp-server.ts), closed after the test. */
async function smtpServer(received: ParsedMail[], options: { stallData?: boolean } = {}): Promise<{ port: number }> {
  const server = await startSmtpServer(received, options);
  closers.push(server.close);
  return server;
}

const board = (slot: string) =>
  runRequest({ kind: 'pack', name: 'board' }, { trigger: 'schedule', job: 'board-monthly', slot, deliver: { public: [], restricted: ['board-members'] } });

/** Each list's steps, as the ledger reads them back into the run's record. */
async function steps(loaded: LoadedSettings, id: string): Promise<string[]> {
  const record = (await new RunLedger(loaded.paths.ledger).read()).find((r: RunRecord) => r.id === id);
  return (record?.delivery ?? []).map((d) => `${d.list} ${d.status}${d.retry !== undefined ? ` retry=${String(d.retry)}` : ''}`);
}

describe('a mail server that stalls', () => {
  it('never holds the run: the pack is published and recorded, the month lock released, then the e-mail fails within its bound and waits in the outbox', async () => {
    let lockHeldWhenMailed: boolean | undefined;
    // The server is first reached by the run's e-mail, after `loaded` is set.
    const port = await silentServer(() => {
      lockHeldWhenMailed ??= existsSync(`${runLockPath(loaded.paths.outputDir, 'month-2023-10')}.lock`);
    });
    const loaded = await projectMailingTo(port);
    const started = performance.now();
    const result = await runInProcess(loaded, board('2023-11-10T07:00'));
    const seconds = (performance.now() - started) / 1000;
    const [set] = result.results;
    expect(set?.record.outcome).toBe('success');
    expect(lockHeldWhenMailed).toBe(false);
    // Bounded by the greeting time limit (1 s), far below nodemailer's own 30 s and 10 minutes.
    expect(seconds).toBeLessThan(30);
    expect(result.delivery.map((d) => [d.list, d.status])).toEqual([['board-members', 'failed']]);
    expect(await steps(loaded, set?.record.id ?? '')).toEqual(['board-members queued', 'board-members sending', 'board-members failed retry=true']);

    // The outbox: once the server answers, the next scheduled run (or the scheduler starting) sends it, once.
    const received: ParsedMail[] = [];
    const smtp = await smtpServer(received);
    const working = { ...(await loadDeliverySettings(loaded)), smtp: { host: '127.0.0.1', port: smtp.port, secure: false } };
    const ledger = new RunLedger(loaded.paths.ledger);
    expect((await deliverPending(working, ledger, silentProgress)).map((d) => [d.list, d.status])).toEqual([['board-members', 'sent']]);
    expect(await deliverPending(working, ledger, silentProgress)).toEqual([]);
    expect(received).toHaveLength(1);
    expect(received[0]?.attachments.map((a) => a.filename)).toEqual(['board-2023-10-restricted.pdf']);
    expect(await steps(loaded, set?.record.id ?? '')).toEqual([
      'board-members queued',
      'board-members sending',
      'board-members failed retry=true',
      'board-members sending',
      'board-members sent',
    ]);
  });

  it('that takes the message and never answers: the outcome is unknown, and it is never sent again by itself', async () => {
    const received: ParsedMail[] = [];
    const { port } = await smtpServer(received, { stallData: true });
    const loaded = await projectMailingTo(port);
    const result = await runInProcess(loaded, board('2023-11-10T08:00'));
    const [set] = result.results;
    expect(set?.record.outcome).toBe('success');
    expect(result.delivery.map((d) => [d.list, d.status])).toEqual([['board-members', 'unknown']]);
    expect(received).toHaveLength(1);
    expect(await deliverPending(await loadDeliverySettings(loaded), new RunLedger(loaded.paths.ledger), silentProgress)).toEqual([]);
    expect(received).toHaveLength(1);
  });

  it('in the outbox, a pack that a later run replaced is never sent: it is superseded', async () => {
    const port = await silentServer(() => undefined);
    const loaded = await projectMailingTo(port);
    const first = await runInProcess(loaded, board('2023-11-10T09:00'));
    expect(first.delivery.map((d) => d.status)).toEqual(['failed']);
    // The board pack is produced again (its files replaced) before the mail server comes back.
    expect((await runInProcess(loaded, runRequest({ kind: 'pack', name: 'board' }))).results[0]?.record.outcome).toBe('success');
    const received: ParsedMail[] = [];
    const smtp = await smtpServer(received);
    const working = { ...(await loadDeliverySettings(loaded)), smtp: { host: '127.0.0.1', port: smtp.port, secure: false } };
    expect((await deliverPending(working, new RunLedger(loaded.paths.ledger), silentProgress)).map((d) => [d.list, d.status])).toEqual([
      ['board-members', 'superseded'],
    ]);
    expect(received).toEqual([]);
  });
});
