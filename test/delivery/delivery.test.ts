import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings, type LoadedSettings } from '../../src/config/settings.js';
import type { RunRequest } from '../../src/run/run.js';
import { runOne } from '../fixtures/run-request.js';
import { RunLedger } from '../../src/run/ledger.js';
import { silentProgress } from '../../src/run/progress.js';
import { smtpServer } from '../fixtures/smtp-server.js';
import { tempProject } from '../fixtures/temp-project.js';
import { ROOT } from '../fixtures/workbooks.js';

/** A real SMTP server on this machine's loopback, started by the test, keeping what it receives. */
let server: { port: number; close: () => Promise<void> };
const received: ParsedMail[] = [];
let loaded: LoadedSettings;

beforeAll(async () => {
  server = await smtpServer(received);
  const project = await tempProject({
    edit: (file, text) =>
      file === 'config/delivery.yaml' ? text.replace('host: localhost', 'host: 127.0.0.1').replace('port: 25', `port: ${server.port}`) : text,
  });
  loaded = await loadSettings({ settingsFile: project.settings });
});

afterAll(() => server.close());

beforeEach(() => {
  received.length = 0;
});

// Each run is a slot of its own: a slot that has run once is refused (it runs once).
let slots = 0;
const request = (deliver: RunRequest['deliver'], overrides: Partial<RunRequest> = {}): RunRequest => ({
  targets: [{ kind: 'pack', name: 'board' }],
  month: '2023-10',
  trigger: 'schedule',
  job: 'board-monthly',
  slot: `2023-11-10T07:${String(slots++).padStart(2, '0')}`,
  force: true,
  strict: false,
  waitMs: 0,
  numberItemFiles: true,
  ...(deliver ? { deliver } : {}),
  ...overrides,
});

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('e-mail delivery', () => {
  it('the local SMTP server receives the restricted board pack, with the right attachment, on the restricted list only', async () => {
    const { record: run } = await runOne(loaded, request({ public: [], restricted: ['board-members'] }), silentProgress);
    expect(run.outcome).toBe('success');
    // The run's record queues the e-mail; its later steps are amendments the ledger reads back into it.
    const record = (await new RunLedger(loaded.paths.ledger).read()).find((r) => r.id === run.id)!;
    expect(record.delivery?.map((d) => [d.list, d.variant, d.status])).toEqual([
      ['board-members', 'restricted', 'queued'],
      ['board-members', 'restricted', 'sending'],
      ['board-members', 'restricted', 'sent'],
    ]);
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.subject).toBe('RESTRICTED: board pack, October 2023');
    expect(JSON.stringify(mail.to)).toContain('b4b-board@southampton.gov.uk');
    expect(mail.attachments.map((a) => a.filename)).toEqual(['board-2023-10-restricted.pdf']);
    const written = record.outputs.find((o) => o.path.endsWith('board-2023-10-restricted.pdf'));
    expect(sha(mail.attachments[0]!.content)).toBe(written?.sha256);
  });

  it('refuses a restricted pack addressed to a public list: nothing is sent but the failure notice', async () => {
    await expect(runOne(loaded, request({ public: [], restricted: ['panel-members'] }), silentProgress)).rejects.toThrow(
      'the restricted board pack is addressed to the list "panel-members", which is not marked restricted in config/delivery.yaml; a restricted pack goes only to restricted lists, so nothing was sent',
    );
    expect(received.filter((m) => m.attachments.length > 0)).toEqual([]);
    expect(received).toHaveLength(1);
    expect(received[0]?.subject).toBe('FAILED: board pack, October 2023');
    expect(JSON.stringify(received[0]?.to)).toContain('performance.team@southampton.gov.uk');
    const last = (await new RunLedger(loaded.paths.ledger).read()).pop();
    expect(last?.outcome).toBe('failed');
    expect(last?.outputs).toEqual([]);
    expect(last?.delivery?.map((d) => [d.list, d.status])).toEqual([
      ['failure-notice', 'sending'],
      ['failure-notice', 'sent'],
    ]);
  });

  it('a failed run sends no pack, only a failure notice naming the problem', async () => {
    await expect(runOne(loaded, request({ public: [], restricted: ['board-members'] }, { workbook: '/nonexistent/b4b.xlsx' }), silentProgress)).rejects.toThrow(
      'cannot read the workbook: no such file',
    );
    expect(received).toHaveLength(1);
    expect(received[0]?.attachments).toEqual([]);
    // The notice names the kind and place of each error, never a cell's text.
    expect(received[0]?.text).toContain('Errors (1; run "b4b-reports validate" on the workbook for the details):\n  unreadable-file at b4b.xlsx\n');
  });

  it('a failure notice carries no figures: an exempt finance figure in the failing cell is named by its cell only', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path.join(ROOT, 'data', 'b4b-sample.xlsx'));
    workbook.getWorksheet('Finance revenue')!.getCell('C2').value = '£1,540,000 (revised)';
    const file = path.join(tmpdir(), `b4b-finance-${process.pid}.xlsx`);
    await workbook.xlsx.writeFile(file);
    await expect(runOne(loaded, request({ public: [], restricted: ['board-members'] }, { workbook: file }), silentProgress)).rejects.toThrow(
      '£1,540,000 (revised)',
    );
    expect(received).toHaveLength(1);
    const notice = received[0]!;
    expect(notice.subject).toBe('FAILED: board pack, October 2023');
    expect(notice.attachments).toEqual([]);
    const body = notice.text ?? '';
    expect(body).toContain(
      `Errors (1; run "b4b-reports validate" on the workbook for the details):\n  not-a-number at ${path.basename(file)} › 'Finance revenue'!C2\n`,
    );
    expect(body).toContain('Outcome: failed');
    for (const leak of ['1,540,000', '1540000', '£', 'revised', "Children's Social Care"]) expect(body).not.toContain(leak);
  });
});
