import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/run/ledger.js';
import { RunLedger } from '../../src/run/ledger.js';
import { withRunLock } from '../../src/run/run-lock.js';
import { loadSettings } from '../../src/config/settings.js';
import { monthLockName } from '../../src/run/run.js';
import { isPublicOutput } from '../../src/serve/outputs.js';
import { consoleWords } from '../../src/serve/runs.js';
import { SIGN_IN_ATTEMPTS_PER_MINUTE } from '../../src/serve/server.js';
import { uploadsDir } from '../../src/serve/uploads.js';
import { hashPassword, verifyPassword } from '../../src/serve/users.js';
import { runOne, runRequest } from '../fixtures/run-request.js';
import { tempProject } from '../fixtures/temp-project.js';
import { cookies, headerOf, PASSWORDS, signedIn, startConsole, token, uploadBody, type RunningConsole } from './console-helpers.js';

describe('access to the console', () => {
  let konsole: RunningConsole;
  beforeAll(async () => {
    konsole = await startConsole();
  });
  afterAll(async () => konsole?.close());

  it('sends everyone who has not signed in to the sign-in page', async () => {
    const answer = await konsole.app.inject({ method: 'GET', url: '/check' });
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe('/sign-in?next=%2Fcheck');
    expect((await konsole.app.inject({ method: 'GET', url: '/files/2023-10/performance-2023-10.pdf' })).statusCode).toBe(303);
  });

  it('keeps a sign-in in a signed, HttpOnly, SameSite cookie, and ignores a forged one', async () => {
    const { jar } = await signedIn(konsole.app, 'victor');
    const form = await konsole.app.inject({ method: 'GET', url: '/sign-in' });
    const answer = await konsole.app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { cookie: headerOf(cookies(form)), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token(form.body), username: 'victor', password: PASSWORDS.victor }).toString(),
    });
    const session = answer.cookies.find((c) => c.name === 'b4b_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // A random session id (the console keeps the session), signed.
    expect(session?.value).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9+/_-]+$/);
    expect(session?.value).not.toContain('victor');
    // The viewer's own cookie with its id changed: the signature no longer holds.
    const id = (jar.b4b_session ?? '').slice(0, 43);
    const forged = { ...jar, b4b_session: (jar.b4b_session ?? '').replace(id, `${id.slice(0, 42)}${id.endsWith('A') ? 'B' : 'A'}`) };
    expect((await konsole.app.inject({ method: 'GET', url: '/check', headers: { cookie: headerOf(forged) } })).statusCode).toBe(303);
    expect((await konsole.app.inject({ method: 'GET', url: '/check', headers: { cookie: headerOf(jar) } })).statusCode).toBe(403);
  });

  it('refuses a wrong password, and a run of attempts from one address', async () => {
    const form = await konsole.app.inject({ method: 'GET', url: '/sign-in' });
    const jar = cookies(form);
    const attempt = (): Promise<LightMyRequestResponse> =>
      konsole.app.inject({
        method: 'POST',
        url: '/sign-in',
        remoteAddress: '127.0.0.9',
        headers: { cookie: headerOf(jar), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: token(form.body), username: 'olivia', password: 'not-the-password' }).toString(),
      });
    const first = await attempt();
    expect(first.statusCode).toBe(401);
    expect(first.body).toContain('The user name or password is not right.');
    for (let i = 1; i < SIGN_IN_ATTEMPTS_PER_MINUTE; i++) expect((await attempt()).statusCode).toBe(401);
    const limited = await attempt();
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('Too many sign-in attempts from this address. Wait a minute and try again.');
  });

  it('refuses a POST from another site, or without the form token', async () => {
    const { jar, csrf } = await signedIn(konsole.app, 'olivia');
    const form = { workbook: 'configured', month: '2023-10', what: 'report:performance' };
    const post = (headers: Record<string, string>, body: Record<string, string>): Promise<LightMyRequestResponse> =>
      konsole.app.inject({
        method: 'POST',
        url: '/produce',
        headers: { cookie: headerOf(jar), 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams(body).toString(),
      });
    const crossSite = await post({ origin: 'http://evil.example' }, { ...form, _csrf: csrf });
    expect([crossSite.statusCode, crossSite.body]).toEqual([403, 'Refused: this form was sent from another site.']);
    const fetchedCrossSite = await post({ 'sec-fetch-site': 'cross-site' }, { ...form, _csrf: csrf });
    expect(fetchedCrossSite.statusCode).toBe(403);
    const noToken = await post({}, form);
    expect(noToken.statusCode).toBe(403);
    expect(noToken.body).toContain('This form has expired or did not come from this console. Go back, reload the page and try again.');
    // A viewer's token does not make a viewer an officer.
    const viewer = await signedIn(konsole.app, 'victor');
    const asViewer = await konsole.app.inject({
      method: 'POST',
      url: '/produce',
      headers: { cookie: headerOf(viewer.jar), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...form, _csrf: viewer.csrf }).toString(),
    });
    expect(asViewer.statusCode).toBe(403);
    expect(asViewer.body).toContain('Checking workbooks and producing reports is for officers.');
  });

  it('answers "Already running" to the whole month while another run of the month holds its lock', async () => {
    const { jar, csrf } = await signedIn(konsole.app, 'olivia');
    const answer = await withRunLock(konsole.loaded.paths.outputDir, monthLockName('2023-10'), 0, () =>
      konsole.app.inject({
        method: 'POST',
        url: '/produce',
        headers: { cookie: headerOf(jar), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf, workbook: 'configured', month: '2023-10', what: 'month' }).toString(),
      }),
    );
    expect(answer.statusCode).toBe(409);
    expect(answer.body).toContain('The whole of October 2023 is already being produced');
    expect(answer.body).toMatch(/The run lock said: another run of &quot;month-2023-10&quot; is in progress \(process \d+, started /);
  });

  it("shows a viewer a run's warnings, changed figures and error as counts only", async () => {
    await new RunLedger(konsole.loaded.paths.ledger).append({
      id: '20231110T070000Z-abcdef',
      target: { kind: 'pack', name: 'board' },
      month: '2023-09',
      trigger: 'schedule',
      startedAt: '2023-11-10T07:00:00.000Z',
      finishedAt: '2023-11-10T07:00:05.000Z',
      durationMs: 5000,
      workbook: { path: '/data/b4b.xlsx', sha256: 'a'.repeat(64) },
      outcome: 'failed',
      error: "'Finance placements'!D7: 14 residential placements, budgeted 9",
      outputs: [],
      warnings: ["'Finance revenue'!F12: no reason given for the variance of £412k"],
      changes: [{ where: 'Finance revenue', indicator: 'Agency staffing', month: '2023-09', old: '£1,204k', new: '£1,310k' }],
    });
    const viewer = await signedIn(konsole.app, 'victor');
    const asViewer = (await konsole.app.inject({ method: 'GET', url: '/history?month=2023-09', headers: { cookie: headerOf(viewer.jar) } })).body;
    expect(asViewer).toContain("1 warning, 1 figure changed since the month's last run (officers can see them).");
    for (const secret of ['£412k', 'Agency staffing', '£1,310k', 'residential placements']) expect(asViewer).not.toContain(secret);
    const officer = await signedIn(konsole.app, 'olivia');
    const asOfficer = (await konsole.app.inject({ method: 'GET', url: '/history?month=2023-09', headers: { cookie: headerOf(officer.jar) } })).body;
    for (const detail of ['£412k', 'Agency staffing', '£1,310k', 'residential placements']) expect(asOfficer).toContain(detail);
  });

  it('refuses an upload over the size limit and keeps nothing of it', async () => {
    const { jar, csrf } = await signedIn(konsole.app, 'olivia');
    const payload = uploadBody(csrf, { name: 'big.xlsx', bytes: Buffer.alloc(6 * 1024 * 1024, 0x41) });
    const answer = await konsole.app.inject({
      method: 'POST',
      url: '/check',
      headers: { cookie: headerOf(jar), 'content-type': 'multipart/form-data; boundary=b4bboundary' },
      payload,
    });
    expect(answer.statusCode).toBe(413);
    expect(answer.body).toContain('The file is larger than the 5 MB limit for uploads; nothing was stored.');
    expect(await readdir(uploadsDir(konsole.loaded)).catch(() => [])).toEqual([]);
  });
});

/**
 * The exempt finance report and the restricted board pack, as a run records them: files in the
 * output folder and successful runs in the ledger (their bytes are a marker, not a real PDF).
 */
async function restrictedOutputs(konsole: RunningConsole): Promise<Array<{ url: string; bytes: Buffer }>> {
  const files = [
    { target: { kind: 'report' as const, name: 'finance' }, rel: '2023-10/finance-2023-10.pdf' },
    { target: { kind: 'pack' as const, name: 'board' }, rel: '2023-10/board-2023-10-restricted.pdf' },
  ];
  const written: Array<{ url: string; bytes: Buffer }> = [];
  for (const [i, { target, rel }] of files.entries()) {
    const file = path.join(konsole.project.output, ...rel.split('/'));
    const bytes = Buffer.from(`%PDF-1.7\n% ${rel}: exempt figures ${'4b'.repeat(40)}\n`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    await new RunLedger(konsole.loaded.paths.ledger).append({
      id: `20231110T07000${i}Z-restri`,
      target,
      month: '2023-10',
      trigger: 'on-demand',
      startedAt: '2023-11-10T07:00:00.000Z',
      finishedAt: '2023-11-10T07:00:05.000Z',
      durationMs: 5000,
      workbook: { path: konsole.loaded.paths.workbook, sha256: 'a'.repeat(64) },
      outcome: 'success',
      outputs: [{ path: file, sha256: createHash('sha256').update(bytes).digest('hex') }],
      warnings: [],
    });
    written.push({ url: `/files/${rel}`, bytes });
  }
  return written;
}

/** No part of any of the files: not the marker, not the PDF header. */
function expectNoBytes(answer: LightMyRequestResponse, files: Array<{ bytes: Buffer }>, what: string): void {
  expect(answer.statusCode, what).not.toBe(200);
  expect(answer.rawPayload.includes('%PDF'), what).toBe(false);
  for (const { bytes } of files) expect(answer.rawPayload.includes(bytes.subarray(12, 40)), what).toBe(false);
}

describe('the finance report and the restricted pack reach no one who has not signed in', () => {
  it('with users configured: not anonymously, not to a viewer, not with a cookie copied before sign-out', async () => {
    const konsole = await startConsole();
    try {
      const files = await restrictedOutputs(konsole);
      const officer = await signedIn(konsole.app, 'olivia');
      const copied = { ...officer.jar };
      const viewer = await signedIn(konsole.app, 'victor');
      for (const { url, bytes } of files) {
        const got = await konsole.app.inject({ method: 'GET', url, headers: { cookie: headerOf(officer.jar) } });
        expect([got.statusCode, got.rawPayload.equals(bytes)]).toEqual([200, true]);
        expectNoBytes(await konsole.app.inject({ method: 'GET', url }), files, `anonymous ${url}`);
        expectNoBytes(await konsole.app.inject({ method: 'GET', url, remoteAddress: '10.1.2.3' }), files, `anonymous from elsewhere ${url}`);
        expectNoBytes(await konsole.app.inject({ method: 'GET', url, headers: { cookie: headerOf(viewer.jar) } }), files, `viewer ${url}`);
      }
      await konsole.app.inject({
        method: 'POST',
        url: '/sign-out',
        headers: { cookie: headerOf(officer.jar), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: officer.csrf }).toString(),
      });
      for (const { url } of files) {
        expectNoBytes(await konsole.app.inject({ method: 'GET', url, headers: { cookie: headerOf(copied) } }), files, `copied cookie ${url}`);
      }
    } finally {
      await konsole.close();
    }
  });

  it('with no users, on loopback: not without the sign-in link, and the link works once', async () => {
    const konsole = await startConsole({ users: false });
    try {
      const files = await restrictedOutputs(konsole);
      for (const { url } of files) {
        for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080']) {
          expectNoBytes(await konsole.app.inject({ method: 'GET', url, remoteAddress: '127.0.0.1', headers: { host } }), files, `${host} ${url}`);
        }
        expectNoBytes(await konsole.app.inject({ method: 'GET', url, remoteAddress: '::1' }), files, `::1 ${url}`);
      }
      // The link the console printed at start: exchanged once for a session.
      const link = konsole.signInLinks[0] ?? '';
      expect(link).toMatch(/^\/sign-in\/link\?token=[A-Za-z0-9_-]{32,}$/);
      const first = await konsole.app.inject({ method: 'GET', url: link });
      expect([first.statusCode, first.headers.location]).toEqual([303, '/']);
      const jar = cookies(first);
      for (const { url, bytes } of files) {
        const got = await konsole.app.inject({ method: 'GET', url, headers: { cookie: headerOf(jar) } });
        expect([got.statusCode, got.rawPayload.equals(bytes)]).toEqual([200, true]);
      }
      const second = await konsole.app.inject({ method: 'GET', url: link });
      expect(second.statusCode).toBe(401);
      expect(second.body).toContain('This sign-in link has been used already or is not right.');
      for (const { url } of files) expectNoBytes(await konsole.app.inject({ method: 'GET', url, headers: { cookie: headerOf(cookies(second)) } }), files, url);
      // Using the link printed a new one for the next browser.
      expect(konsole.signInLinks).toHaveLength(2);
      expect(konsole.signInLinks[1]).not.toBe(link);
    } finally {
      await konsole.close();
    }
  });
});

describe('the audit log', () => {
  it('records sign-ins, failed sign-ins, uploads, runs, downloads of restricted files and sign-outs, in the ledger folder and the log', async () => {
    const konsole = await startConsole();
    try {
      const files = await restrictedOutputs(konsole);
      const form = await konsole.app.inject({ method: 'GET', url: '/sign-in' });
      await konsole.app.inject({
        method: 'POST',
        url: '/sign-in',
        remoteAddress: '10.9.8.7',
        headers: { cookie: headerOf(cookies(form)), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: token(form.body), username: 'olivia', password: 'a-wrong-password' }).toString(),
      });
      const { jar, csrf } = await signedIn(konsole.app, 'olivia');
      const post = (url: string, payload: string | Buffer, type: string): Promise<LightMyRequestResponse> =>
        konsole.app.inject({ method: 'POST', url, headers: { cookie: headerOf(jar), 'content-type': type }, payload });
      const upload = await post(
        '/check',
        uploadBody(csrf, { name: 'not a workbook.xlsx', bytes: Buffer.from('Indicator,Oct-23\n') }),
        'multipart/form-data; boundary=b4bboundary',
      );
      expect(upload.statusCode).toBe(422);
      // A run (refused at once: another run of the month holds its lock).
      const run = await withRunLock(konsole.loaded.paths.outputDir, monthLockName('2023-11'), 0, () =>
        post(
          '/produce',
          new URLSearchParams({ _csrf: csrf, workbook: 'configured', month: '2023-11', what: 'report:performance' }).toString(),
          'application/x-www-form-urlencoded',
        ),
      );
      expect(run.statusCode).toBe(409);
      for (const { url } of files) expect((await konsole.app.inject({ method: 'GET', url, headers: { cookie: headerOf(jar) } })).statusCode).toBe(200);
      await post('/sign-out', new URLSearchParams({ _csrf: csrf }).toString(), 'application/x-www-form-urlencoded');

      await konsole.app.close();
      const lines = (await readFile(path.join(konsole.project.output, 'runs', 'console-audit.jsonl'), 'utf8')).trim().split('\n');
      const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(events.map((e) => e.event)).toEqual(['sign-in-failed', 'sign-in', 'upload', 'run', 'download', 'download', 'sign-out']);
      expect(events[0]).toMatchObject({ user: 'olivia', method: 'password', reason: 'wrong user name or password', address: '10.9.8.7' });
      expect(events[1]).toMatchObject({ user: 'olivia', method: 'password', address: '127.0.0.1' });
      expect(events[2]).toMatchObject({ user: 'olivia', name: 'not a workbook.xlsx', outcome: 'refused' });
      expect(events[3]).toMatchObject({
        user: 'olivia',
        month: '2023-11',
        targets: ['report:performance'],
        workbook: konsole.loaded.paths.workbook,
        replace: false,
      });
      expect(events[4]).toMatchObject({ user: 'olivia', file: '2023-10/finance-2023-10.pdf', run: '20231110T070000Z-restri' });
      expect(events[5]).toMatchObject({ user: 'olivia', file: '2023-10/board-2023-10-restricted.pdf' });
      for (const e of events) expect(e.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      // Never a password, a form token or a session id.
      const text = lines.join('\n');
      for (const secret of [PASSWORDS.olivia, 'a-wrong-password', csrf, (jar.b4b_session ?? '').slice(0, 43)]) expect(text).not.toContain(secret);
      // The same lines in the console's log.
      const logged = konsole.log.map((l) => JSON.parse(l) as { audit?: Record<string, unknown> }).filter((l) => l.audit);
      expect(logged.map((l) => l.audit)).toEqual(events);
    } finally {
      await konsole.close();
    }
  });
});

describe('sessions end at once', () => {
  let konsole: RunningConsole;
  beforeAll(async () => {
    konsole = await startConsole();
  });
  afterAll(async () => konsole?.close());

  const get = (url: string, jar: Record<string, string>): Promise<LightMyRequestResponse> =>
    konsole.app.inject({ method: 'GET', url, headers: { cookie: headerOf(jar) } });

  it('at sign-out: a cookie copied before it opens nothing afterwards', async () => {
    const { jar, csrf } = await signedIn(konsole.app, 'olivia');
    const copied = { ...jar };
    expect((await get('/check', copied)).statusCode).toBe(200);
    const out = await konsole.app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { cookie: headerOf(jar), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(out.statusCode).toBe(303);
    const after = await get('/check', copied);
    expect([after.statusCode, after.headers.location]).toEqual([303, '/sign-in?next=%2Fcheck']);
  });

  it("at a change of the user's password, role or removal, made while the console runs", async () => {
    const viewer = await signedIn(konsole.app, 'victor');
    expect((await get('/outputs', viewer.jar)).statusCode).toBe(200);
    // `user add victor --replace` with a new password (the file is written as the command writes it).
    await konsole.users.add('victor', 'viewer', 'a-new-viewer-password', true);
    expect((await get('/outputs', viewer.jar)).statusCode).toBe(303);

    const officer = await signedIn(konsole.app, 'olivia');
    expect((await get('/check', officer.jar)).statusCode).toBe(200);
    // The same password, but the role is now viewer: the officer's session does not carry on as a viewer's.
    await konsole.users.add('olivia', 'viewer', PASSWORDS.olivia, true);
    expect((await get('/check', officer.jar)).statusCode).toBe(303);
    await konsole.users.add('olivia', 'officer', PASSWORDS.olivia, true);

    const again = await signedIn(konsole.app, 'olivia');
    await konsole.users.remove('olivia');
    expect((await get('/outputs', again.jar)).statusCode).toBe(303);
    await konsole.users.add('olivia', 'officer', PASSWORDS.olivia);
    expect((await get('/outputs', again.jar)).statusCode).toBe(303);
  });
});

describe('the console with no users configured', () => {
  let konsole: RunningConsole;
  beforeAll(async () => {
    konsole = await startConsole({ users: false });
  });
  afterAll(async () => konsole?.close());

  it('opens nothing without the sign-in link, not even on loopback, and says where the link is', async () => {
    const local = await konsole.app.inject({ method: 'GET', url: '/check', remoteAddress: '127.0.0.1' });
    expect([local.statusCode, local.headers.location]).toEqual([303, '/sign-in?next=%2Fcheck']);
    const signIn = await konsole.app.inject({ method: 'GET', url: '/sign-in', remoteAddress: '127.0.0.1' });
    expect(signIn.statusCode).toBe(200);
    expect(signIn.body).toContain('No users are configured, so the console is opened with a sign-in link.');
    expect(signIn.body).not.toContain('name="password"');
    // A password sign-in is refused while there are no users, whatever is sent (the page has no form, so no form token either).
    const form = cookies(signIn);
    const post = await konsole.app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { cookie: headerOf(form), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token(signIn.body), username: 'olivia', password: PASSWORDS.olivia }).toString(),
    });
    expect(post.statusCode).toBe(403);
    expect(post.headers['set-cookie'] ?? '').not.toContain('b4b_session');
    // A page elsewhere reaching 127.0.0.1 through a name of its own (DNS rebinding) is refused.
    const rebound = await konsole.app.inject({ method: 'GET', url: '/sign-in', remoteAddress: '127.0.0.1', headers: { host: 'attacker.example:8080' } });
    expect([rebound.statusCode, rebound.body]).toEqual([
      403,
      'The console answers requests addressed to 127.0.0.1 or localhost only until users are configured.',
    ]);
  });

  it('ends a link sign-in when users are added, and then takes no link', async () => {
    const link = konsole.signInLinks[konsole.signInLinks.length - 1] ?? '';
    const jar = cookies(await konsole.app.inject({ method: 'GET', url: link }));
    const page = await konsole.app.inject({ method: 'GET', url: '/check', headers: { cookie: headerOf(jar) } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('you signed in with the one-time link the console printed when it started');
    await konsole.users.add('olivia', 'officer', PASSWORDS.olivia);
    expect((await konsole.app.inject({ method: 'GET', url: '/check', headers: { cookie: headerOf(jar) } })).statusCode).toBe(303);
    const next = konsole.signInLinks[konsole.signInLinks.length - 1] ?? '';
    const refused = await konsole.app.inject({ method: 'GET', url: next });
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toContain('Sign-in links work only while the console has no users.');
    await konsole.users.remove('olivia');
  });
});

describe('passwords', () => {
  it('are hashed with scrypt and a salt of their own, and checked', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse battery'), hashPassword('correct horse battery')]);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterz', a)).toBe(false);
    expect(await verifyPassword('correct horse battery', 'plain-text')).toBe(false);
  });
});

describe('which outputs are public', () => {
  const record = (kind: 'pack' | 'report', name: string): RunRecord =>
    ({ id: 'r', target: { kind, name }, month: '2023-10', outputs: [] }) as unknown as RunRecord;
  const exempt = new Set(['finance']);
  it.each([
    ['pack', 'board', '2023-10/board-2023-10-public.pdf', true],
    ['pack', 'board', '2023-10/board-2023-10-restricted.pdf', false],
    ['pack', 'board', '2023-10/board-items/public/item-2.pdf', true],
    ['pack', 'board', '2023-10/board-items/restricted/item-2.pdf', false],
    ['pack', 'board', '2023-10/board-html/item-1-performance.html', true],
    ['pack', 'board', '2023-10/board-html/nested/item-1.html', false],
    ['pack', 'board', '2023-10/panel-2023-10-public.pdf', false],
    ['report', 'performance', '2023-10/performance-2023-10.pdf', true],
    ['report', 'performance', '2023-10/performance-2023-10.html', true],
    ['report', 'finance', '2023-10/finance-2023-10.pdf', false],
    ['report', 'performance', '2023-10/something-else.pdf', false],
  ] as const)('%s %s: %s public = %s', (kind, name, rel, expected) => {
    expect(isPublicOutput(record(kind, name), rel, exempt)).toBe(expected);
  });
});

describe("a run's refusal, in the console's words", () => {
  it('never tells an officer to "use --force": it names the tick box', async () => {
    const project = await tempProject();
    const loaded = await loadSettings({ settingsFile: project.settings });
    // The month's finance report exists already; a run without replacing refuses.
    await mkdir(path.join(project.output, '2023-10'), { recursive: true });
    await writeFile(path.join(project.output, '2023-10', 'finance-2023-10.pdf'), '%PDF-1.7\n');
    const refusal = await runOne(loaded, runRequest({ kind: 'report', name: 'finance' }, { force: false })).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(refusal).toContain('--force');
    const words = consoleWords(refusal);
    expect(words).not.toContain('--force');
    expect(words).toMatch(
      /finance-2023-10\.pdf already exists; nothing was replaced\. To make this output again, tick "Replace the outputs already made for this month"\.$/,
    );
  });
});
