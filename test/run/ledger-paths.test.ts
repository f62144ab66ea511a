import { createServer, type AddressInfo } from 'node:net';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDeliverySettings, loadSettings } from '../../src/config/settings.js';
import { deliverPending } from '../../src/run/deliver.js';
import { outputPathHere, RunLedger, type RunRecord } from '../../src/run/ledger.js';
import { silentProgress } from '../../src/run/progress.js';
import { runInProcess, runRequest } from '../fixtures/run-request.js';
import { runRecord } from '../fixtures/run-record.js';
import { smtpServer } from '../fixtures/smtp-server.js';
import { tinyProject } from '../fixtures/tiny-project.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

const record = (id: string, outputs: string[]): RunRecord => runRecord(id, { outputs: outputs.map((p) => ({ path: p, sha256: 'b'.repeat(64) })) });

describe("the ledger's output paths are read in this project's output folder", () => {
  const here = path.join(path.sep, 'councils', 'copy', 'output');

  it('keeps a path already in the output folder as it is, and moves one from another project folder to the same place here', () => {
    const own = path.join(here, '2023-10', 'board-2023-10-public.pdf');
    expect(outputPathHere(own, '2023-10', here)).toBe(own);
    // A file a run wrote under another month folder (not one a run writes) is still this folder's: untouched.
    const odd = path.join(here, '2023-09', 'x.pdf');
    expect(outputPathHere(odd, '2023-10', here)).toBe(odd);
    expect(outputPathHere('/councils/proj/output/2023-10/board-2023-10-public.pdf', '2023-10', here)).toBe(
      path.join(here, '2023-10', 'board-2023-10-public.pdf'),
    );
    expect(outputPathHere('/councils/proj/output/2023-10/board-items/public/10-performance.pdf', '2023-10', here)).toBe(
      path.join(here, '2023-10', 'board-items', 'public', '10-performance.pdf'),
    );
    // The project's own folder may be named like a month: the month folder is the last one on the path.
    expect(outputPathHere('/archive/2023-10/proj/output/2023-10/board-2023-10-public.pdf', '2023-10', here)).toBe(
      path.join(here, '2023-10', 'board-2023-10-public.pdf'),
    );
  });

  it('never moves a path out of the output folder: one without the month folder, or with ".." after it, is kept as recorded', () => {
    for (const recorded of [
      '/councils/proj/output/board-2023-10-public.pdf',
      '/councils/proj/output/2023-10',
      '/councils/proj/output/2023-10/../../../etc/passwd',
      '/councils/proj/output/2023-10/./x.pdf',
    ]) {
      expect(outputPathHere(recorded, '2023-10', here), recorded).toBe(recorded);
    }
  });

  it('a ledger given the output folder reads every record so; one without it reads the paths as written', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'b4b-ledger-paths-')), 'runs', 'ledger.jsonl');
    await new RunLedger(file).append(record('old', ['/councils/proj/output/2023-10/board-2023-10-public.pdf']));
    await new RunLedger(file).append(record('own', [path.join(here, '2023-10', 'board-2023-10-restricted.pdf')]));
    const read = await new RunLedger(file, { outputDir: here }).read();
    expect(read.map((r) => r.outputs.map((o) => o.path))).toEqual([
      [path.join(here, '2023-10', 'board-2023-10-public.pdf')],
      [path.join(here, '2023-10', 'board-2023-10-restricted.pdf')],
    ]);
    expect((await new RunLedger(file).read())[0]?.outputs[0]?.path).toBe('/councils/proj/output/2023-10/board-2023-10-public.pdf');
  });
});

/** A loopback port nothing listens on: a connection to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a project folder copied whole', () => {
  it("sends an e-mail its ledger queued with the copy's own file, even when the original folder is gone", async () => {
    const port = await closedPort();
    const project = await tinyProject({
      edit: (file, text) => (file === 'config/delivery.yaml' ? text.replace('host: localhost', 'host: 127.0.0.1').replace('port: 25', `port: ${port}`) : text),
    });
    const loaded = await loadSettings({ settingsFile: project.settings });
    const run = await runInProcess(
      loaded,
      runRequest(
        { kind: 'pack', name: 'board' },
        { trigger: 'schedule', job: 'board-monthly', slot: '2023-11-10T07:00', deliver: { public: [], restricted: ['board-members'] } },
      ),
    );
    expect(run.results[0]?.record.outcome).toBe('success');
    expect(run.delivery.map((d) => [d.list, d.status])).toEqual([['board-members', 'failed']]);

    const copy = path.join(await mkdtemp(path.join(tmpdir(), 'b4b-project-copy-')), 'copy');
    await cp(project.root, copy, { recursive: true });
    await rm(project.root, { recursive: true, force: true });
    const copied = await loadSettings({ settingsFile: path.join(copy, 'config', 'b4b.yaml') });
    const received: ParsedMail[] = [];
    const smtp = await smtpServer(received);
    closers.push(smtp.close);
    const working = { ...(await loadDeliverySettings(copied)), smtp: { host: '127.0.0.1', port: smtp.port, secure: false } };
    const ledger = new RunLedger(copied.paths.ledger, { outputDir: copied.paths.outputDir });
    expect((await deliverPending(working, ledger, silentProgress)).map((d) => [d.list, d.status])).toEqual([['board-members', 'sent']]);
    expect(received[0]?.attachments.map((a) => a.filename)).toEqual(['board-2023-10-restricted.pdf']);
  });
});
