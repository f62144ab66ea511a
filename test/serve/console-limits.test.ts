import { readdir } from 'node:fs/promises';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { uploadLabel, uploadsDir } from '../../src/serve/uploads.js';
import { buildWorkbook, header } from '../fixtures/workbooks.js';
import { zipBombWorkbook } from '../fixtures/zip.js';
import { cookies, headerOf, signedIn, startConsole, type RunningConsole } from './console-helpers.js';

/** The upload form as the Check page serves it: where it posts, and its hidden fields in order. */
function uploadForm(html: string): { action: string; hidden: Array<[string, string]> } {
  const form = /<form method="post" action="([^"]+)" enctype="multipart\/form-data">([\s\S]*?)<\/form>/.exec(html);
  if (!form?.[1] || form[2] === undefined) throw new Error('the Check page has no upload form');
  const hidden = [...form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1] ?? '', m[2] ?? ''] as [string, string]);
  return { action: form[1].replace(/&amp;/g, '&'), hidden };
}

/** A multipart body as a browser sends the form: its hidden fields first, then the file. */
function multipart(hidden: Array<[string, string]>, file: { name: string; bytes: Buffer }, boundary = 'b4bboundary'): Buffer {
  return Buffer.concat([
    ...hidden.map(([name, value]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="workbook"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

/** Uploads a file through the Check page's form, signed in as olivia. */
async function upload(konsole: RunningConsole, file: { name: string; bytes: Buffer }, cut?: number): Promise<LightMyRequestResponse> {
  const { jar } = await signedIn(konsole.app, 'olivia');
  const page = await konsole.app.inject({ method: 'GET', url: '/check', headers: { cookie: headerOf(jar) } });
  cookies(page, jar);
  const form = uploadForm(page.body);
  const body = multipart(form.hidden, file);
  return konsole.app.inject({
    method: 'POST',
    url: form.action,
    headers: { cookie: headerOf(jar), 'content-type': 'multipart/form-data; boundary=b4bboundary' },
    payload: cut === undefined ? body : body.subarray(0, cut),
  });
}

/** A small workbook the reader can open: one table of one indicator. */
function smallWorkbook(): Promise<Buffer> {
  return buildWorkbook([{ name: 'B4B data set', rows: [[], header(), [undefined, 'A1', 'Number of contacts in the month', 110, 120, 130, 140, 150, 160]] }]);
}

const stored = async (konsole: RunningConsole): Promise<string[]> => readdir(uploadsDir(konsole.loaded)).catch(() => [] as string[]);

describe('uploads', () => {
  let konsole: RunningConsole;
  let stderr: string[];
  beforeEach(async () => {
    konsole = await startConsole({ limits: { maxUploads: 2, uploadsPerHour: 100 } });
    stderr = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await konsole?.close();
  });
  const logged = (): string => [...stderr, ...konsole.log].join('\n');

  it('carries the form token in the form, never in the address', async () => {
    const { jar } = await signedIn(konsole.app, 'olivia');
    const form = uploadForm((await konsole.app.inject({ method: 'GET', url: '/check', headers: { cookie: headerOf(jar) } })).body);
    expect(form.action).toBe('/check');
    expect(form.hidden.map(([name]) => name)).toEqual(['_csrf']);
  });

  it('answers a truncated upload with a plain 400, logs no stack trace and no form token, and keeps nothing', async () => {
    const bytes = await smallWorkbook();
    const answer = await upload(konsole, { name: 'cut.xlsx', bytes }, 400);
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toContain('The upload did not arrive whole');
    expect(answer.body).not.toMatch(/\bat .*\.(js|ts):\d+/);
    expect(logged()).not.toMatch(/\n\s+at /);
    const { jar } = await signedIn(konsole.app, 'olivia');
    const token = uploadForm((await konsole.app.inject({ method: 'GET', url: '/check', headers: { cookie: headerOf(jar) } })).body).hidden[0]?.[1] ?? '';
    expect(token).not.toBe('');
    expect(logged()).not.toContain('_csrf');
    expect(await stored(konsole)).toEqual([]);
  });

  it('keeps nothing of a refused zip bomb', async () => {
    const answer = await upload(konsole, { name: 'bomb.xlsx', bytes: await zipBombWorkbook(40) });
    expect(answer.statusCode).toBe(422);
    expect(answer.body).toContain('This file cannot be read as a workbook');
    expect(await stored(konsole)).toEqual([]);
  });

  it('keeps at most the configured number of uploads, and says what to do when the folder is full', async () => {
    const bytes = await smallWorkbook();
    for (const name of ['first.xlsx', 'second.xlsx']) expect((await upload(konsole, { name, bytes })).statusCode).toBe(303);
    expect(await stored(konsole)).toHaveLength(2);
    const third = await upload(konsole, { name: 'third.xlsx', bytes });
    expect(third.statusCode).toBe(409);
    expect(third.body).toContain('The console keeps at most 2 uploaded workbooks, and it holds 2. Remove one you no longer need');
    expect(await stored(konsole)).toHaveLength(2);

    // The advice, followed: the Check page lists the uploads, each with a Remove button; then the upload goes through.
    const { jar } = await signedIn(konsole.app, 'olivia');
    const page = await konsole.app.inject({ method: 'GET', url: '/check', headers: { cookie: headerOf(jar) } });
    expect(page.body).toContain('The uploads folder is full');
    const forms = [
      ...page.body.matchAll(
        /<form method="post" action="\/check\/remove" class="inline"><input type="hidden" name="_csrf" value="([^"]+)"><input type="hidden" name="file" value="([^"]+)">/g,
      ),
    ];
    expect(forms).toHaveLength(2);
    const remove = forms.find((f) => f[2]?.endsWith('-second.xlsx'));
    const removed = await konsole.app.inject({
      method: 'POST',
      url: '/check/remove',
      headers: { cookie: headerOf(cookies(page, jar)), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: remove?.[1] ?? '', file: remove?.[2] ?? '' }).toString(),
    });
    expect([removed.statusCode, removed.headers.location]).toEqual([303, '/check']);
    expect((await upload(konsole, { name: 'third.xlsx', bytes })).statusCode).toBe(303);
    expect((await stored(konsole)).map((n) => n.replace(/^\d{8}T\d{6}Z-[a-f0-9]{8}-/, '')).sort()).toEqual(['first.xlsx', 'third.xlsx']);
  });
});

describe('upload limits per person and in total', () => {
  let konsole: RunningConsole;
  afterEach(async () => konsole?.close());

  it('refuses an upload past the total size of the uploads folder, keeping nothing of it', async () => {
    const bytes = await smallWorkbook();
    konsole = await startConsole({ limits: { maxUploadsTotalBytes: bytes.length + 100, uploadsPerHour: 100 } });
    expect((await upload(konsole, { name: 'first.xlsx', bytes })).statusCode).toBe(303);
    const second = await upload(konsole, { name: 'second.xlsx', bytes });
    expect(second.statusCode).toBe(409);
    expect(second.body).toMatch(/Uploaded workbooks may take up at most [\d.]+ (KB|MB) together/);
    expect(await stored(konsole)).toHaveLength(1);
  });

  it('takes a limited number of uploads an hour from one person', async () => {
    const bytes = await smallWorkbook();
    konsole = await startConsole({ limits: { uploadsPerHour: 2, maxUploads: 10 } });
    for (const name of ['a.xlsx', 'b.xlsx']) expect((await upload(konsole, { name, bytes })).statusCode).toBe(303);
    const third = await upload(konsole, { name: 'c.xlsx', bytes });
    expect(third.statusCode).toBe(429);
    expect(third.body).toContain('You have uploaded 2 workbooks in the last hour');
    expect(await stored(konsole)).toHaveLength(2);
  });
});

/** Sends `head` (all at once, or a byte at a time) and then `body` a byte at a time; resolves when the server closes the socket. */
function slowClient(
  port: number,
  head: string,
  body: string,
  options: { everyMs: number; headByteByByte?: boolean },
): Promise<{ closedAfterMs: number; bodySent: number; headSent: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let headSent = 0;
    let bodySent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ closedAfterMs: Date.now() - started, bodySent, headSent });
    });
    socket.on('connect', () => {
      if (!options.headByteByByte) {
        socket.write(head);
        headSent = head.length;
      }
      timer = setInterval(() => {
        if (socket.destroyed) return;
        if (headSent < head.length) socket.write(head[headSent++] ?? '');
        else if (bodySent < body.length) socket.write(body[bodySent++] ?? '');
      }, options.everyMs);
    });
  });
}

describe('slow and idle clients', () => {
  let konsole: RunningConsole;
  let port: number;
  beforeAll(async () => {
    konsole = await startConsole({ limits: { headersMs: 1000, formBodyMs: 1000, idleMs: 1000 } });
    port = (konsole.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => konsole?.close());

  // 200 bytes at 100 ms a byte would take 20 s: the bound (1 s here) cuts the sender off long before.
  const body = `username=olivia&password=${'x'.repeat(175)}`;
  const head = `POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1:${0}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`;

  it('cuts off a sign-in form sent a byte at a time', async () => {
    const result = await slowClient(port, head, body, { everyMs: 100 });
    expect(result.bodySent).toBeLessThan(body.length);
    expect(result.closedAfterMs).toBeLessThan(10_000);
  });

  it('cuts off a request whose headers come a byte at a time', async () => {
    const result = await slowClient(port, head, body, { everyMs: 50, headByteByByte: true });
    expect(result.headSent).toBeLessThan(head.length);
    expect(result.closedAfterMs).toBeLessThan(10_000);
  });

  it('closes a connection that sends nothing', async () => {
    const result = await slowClient(port, '', '', { everyMs: 1000 });
    expect(result.closedAfterMs).toBeLessThan(10_000);
  });
});

describe('connections from one address', () => {
  let konsole: RunningConsole;
  let port: number;
  beforeAll(async () => {
    konsole = await startConsole({ limits: { connectionsPerAddress: 3 } });
    port = (konsole.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => konsole?.close());

  it('takes only so many connections at once from one address', async () => {
    const open: net.Socket[] = [];
    const closed: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const socket = net.connect(port, '127.0.0.1');
      const index = i;
      closed[index] = false;
      socket.on('close', () => (closed[index] = true));
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
      open.push(socket);
    }
    // The fourth is closed at once; the first three stay open.
    await vi.waitFor(() => expect(closed[3]).toBe(true), { timeout: 5000 });
    expect(closed.slice(0, 3)).toEqual([false, false, false]);
    for (const socket of open) socket.destroy();
  });
});

describe('upload times', () => {
  it('are shown in Europe/London time, as the schedule is', () => {
    expect(uploadLabel('20260701T074512Z-1a2b3c4d-B4B-October.xlsx')).toBe('B4B-October.xlsx, uploaded Wed, 1 Jul 2026, 08:45 BST');
    expect(uploadLabel('20261201T074512Z-1a2b3c4d-B4B-October.xlsx')).toBe('B4B-October.xlsx, uploaded Tue, 1 Dec 2026, 07:45 GMT');
    // The night the clocks go back: 00:30 UTC is 01:30 BST, 01:30 UTC is 01:30 GMT.
    expect(uploadLabel('20261025T003000Z-1a2b3c4d-a.xlsx')).toBe('a.xlsx, uploaded Sun, 25 Oct 2026, 01:30 BST');
    expect(uploadLabel('20261025T013000Z-1a2b3c4d-a.xlsx')).toBe('a.xlsx, uploaded Sun, 25 Oct 2026, 01:30 GMT');
  });
});
