import { readdir } from 'node:fs/promises';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/run/ledger.js';
import { monthLockName } from '../../src/run/run.js';
import { RunLedger } from '../../src/run/ledger.js';
import { withRunLock } from '../../src/run/run-lock.js';
import { isPublicOutput } from '../../src/serve/outputs.js';
import { SIGN_IN_ATTEMPTS_PER_MINUTE } from '../../src/serve/server.js';
import { uploadsDir } from '../../src/serve/uploads.js';
import { hashPassword, verifyPassword } from '../../src/serve/users.js';
import { PASSWORDS, startConsole, type RunningConsole } from './console-helpers.js';

/** The cookies a response sets, as a Cookie header, merged over earlier ones. */
function cookies(response: LightMyRequestResponse, jar: Record<string, string> = {}): Record<string, string> {
  for (const c of response.cookies) jar[c.name] = c.value;
  return jar;
}
const header = (jar: Record<string, string>): string =>
  Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
const token = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function signedIn(app: FastifyInstance, user: keyof typeof PASSWORDS): Promise<{ jar: Record<string, string>; csrf: string }> {
  const form = await app.inject({ method: 'GET', url: '/sign-in' });
  const jar = cookies(form);
  const answer = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { cookie: header(jar), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token(form.body), username: user, password: PASSWORDS[user], next: '/' }).toString(),
  });
  expect(answer.statusCode).toBe(303);
  cookies(answer, jar);
  const page = await app.inject({ method: 'GET', url: '/outputs', headers: { cookie: header(jar) } });
  return { jar: cookies(page, jar), csrf: token(page.body) };
}

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
      headers: { cookie: header(cookies(form)), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token(form.body), username: 'victor', password: PASSWORDS.victor }).toString(),
    });
    const session = answer.cookies.find((c) => c.name === 'b4b_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(session?.value).toMatch(/^victor\|\d+\.[A-Za-z0-9+/_-]+$/);
    // The viewer's own cookie with the name changed to the officer's: the signature no longer holds.
    const forged = { ...jar, b4b_session: (jar.b4b_session ?? '').replace(/^victor/, 'olivia') };
    expect((await konsole.app.inject({ method: 'GET', url: '/check', headers: { cookie: header(forged) } })).statusCode).toBe(303);
    expect((await konsole.app.inject({ method: 'GET', url: '/check', headers: { cookie: header(jar) } })).statusCode).toBe(403);
  });

  it('refuses a wrong password, and a run of attempts from one address', async () => {
    const form = await konsole.app.inject({ method: 'GET', url: '/sign-in' });
    const jar = cookies(form);
    const attempt = (): Promise<LightMyRequestResponse> =>
      konsole.app.inject({
        method: 'POST',
        url: '/sign-in',
        remoteAddress: '127.0.0.9',
        headers: { cookie: header(jar), 'content-type': 'application/x-www-form-urlencoded' },
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
        headers: { cookie: header(jar), 'content-type': 'application/x-www-form-urlencoded', ...headers },
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
      headers: { cookie: header(viewer.jar), 'content-type': 'application/x-www-form-urlencoded' },
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
        headers: { cookie: header(jar), 'content-type': 'application/x-www-form-urlencoded' },
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
    const asViewer = (await konsole.app.inject({ method: 'GET', url: '/history?month=2023-09', headers: { cookie: header(viewer.jar) } })).body;
    expect(asViewer).toContain("1 warning, 1 figure changed since the month's last run (officers can see them).");
    for (const secret of ['£412k', 'Agency staffing', '£1,310k', 'residential placements']) expect(asViewer).not.toContain(secret);
    const officer = await signedIn(konsole.app, 'olivia');
    const asOfficer = (await konsole.app.inject({ method: 'GET', url: '/history?month=2023-09', headers: { cookie: header(officer.jar) } })).body;
    for (const detail of ['£412k', 'Agency staffing', '£1,310k', 'residential placements']) expect(asOfficer).toContain(detail);
  });

  it('refuses an upload over the size limit and keeps nothing of it', async () => {
    const { jar, csrf } = await signedIn(konsole.app, 'olivia');
    const boundary = 'b4bboundary';
    const big = Buffer.alloc(6 * 1024 * 1024, 0x41);
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="workbook"; filename="big.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      big,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const answer = await konsole.app.inject({
      method: 'POST',
      url: `/check?_csrf=${encodeURIComponent(csrf)}`,
      headers: { cookie: header(jar), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    expect(answer.statusCode).toBe(413);
    expect(answer.body).toContain('The file is larger than the 5 MB limit for uploads; nothing was stored.');
    expect(await readdir(uploadsDir(konsole.loaded)).catch(() => [])).toEqual([]);
  });
});

describe('the console with no users configured', () => {
  let konsole: RunningConsole;
  beforeAll(async () => {
    konsole = await startConsole({ users: false });
  });
  afterAll(async () => konsole?.close());

  it('gives officer rights to this computer only', async () => {
    const local = await konsole.app.inject({ method: 'GET', url: '/check', remoteAddress: '127.0.0.1' });
    expect(local.statusCode).toBe(200);
    expect(local.body).toContain('No users are configured, so the console answers this computer only and gives it officer rights.');
    const remote = await konsole.app.inject({ method: 'GET', url: '/outputs', remoteAddress: '10.1.2.3' });
    expect([remote.statusCode, remote.body]).toEqual([403, 'The console answers this computer only until users are configured.']);
    // A page elsewhere reaching 127.0.0.1 through a name of its own (DNS rebinding) is refused.
    const rebound = await konsole.app.inject({ method: 'GET', url: '/outputs', remoteAddress: '127.0.0.1', headers: { host: 'attacker.example:8080' } });
    expect([rebound.statusCode, rebound.body]).toEqual([
      403,
      'The console answers requests addressed to 127.0.0.1 or localhost only until users are configured.',
    ]);
    expect((await konsole.app.inject({ method: 'GET', url: '/outputs', headers: { host: '127.0.0.1:8080' } })).statusCode).toBe(200);
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
