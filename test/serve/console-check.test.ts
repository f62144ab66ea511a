import { readFile } from 'node:fs/promises';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWorkbook } from '../../src/dataset/check-workbook.js';
import { loadSettings } from '../../src/config/settings.js';
import { cookies, headerOf, sampleWith, signedIn, startConsole, token, uploadBody, type RunningConsole } from './console-helpers.js';

/** The hidden fields of the form posting to `action`, in order. */
function formFields(html: string, action: string): Record<string, string> {
  const form = new RegExp(`<form method="post" action="${action}">([\\s\\S]*?)</form>`).exec(html)?.[1] ?? '';
  const fields = [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m): [string, string] => [
    m[1] ?? '',
    (m[2] ?? '').replace(/&#x27;/g, "'").replace(/&amp;/g, '&'),
  ]);
  return Object.fromEntries(fields);
}

describe('the Check page puts errors first, with what an officer can do about them', () => {
  let konsole: RunningConsole;
  let jar: Record<string, string>;
  let stored = '';
  beforeAll(async () => {
    konsole = await startConsole();
    ({ jar } = await signedIn(konsole.app, 'olivia'));
    // September 2023's header typed as "Sep-32": its figures would not be read.
    const bytes = await sampleWith({ 'B4B data set': { AA2: 'Sep-32' } });
    const form = await konsole.app.inject({ method: 'GET', url: '/check', headers: { cookie: headerOf(jar) } });
    const answer = await konsole.app.inject({
      method: 'POST',
      url: '/check',
      headers: { cookie: headerOf(cookies(form, jar)), 'content-type': 'multipart/form-data; boundary=b4bboundary' },
      payload: uploadBody(token(form.body), { name: 'B4B October mistyped.xlsx', bytes }),
    });
    expect(answer.statusCode).toBe(303);
    stored = decodeURIComponent(/file=([^&]+)/.exec(answer.headers.location as string)?.[1] ?? '');
  });
  afterAll(async () => konsole?.close());

  const checkPage = async (): Promise<string> =>
    (await konsole.app.inject({ method: 'GET', url: `/check/workbook?file=${encodeURIComponent(stored)}`, headers: { cookie: headerOf(jar) } })).body;

  it('lists the errors first, then the warnings, then what was read', async () => {
    const html = await checkPage();
    const at = (text: string): number => html.indexOf(text);
    // The sample's own warnings (its stale arrows and RAGs, a shifted series) come with the one error.
    const warnings = /<h2 id="problem-title">1 error, (\d+) warnings<\/h2>/.exec(html)?.[1];
    expect(Number(warnings)).toBeGreaterThan(0);
    const warningsHeading = `<h2>Warnings (${warnings})</h2>`;
    expect(at('<h2>Errors (1)</h2>')).toBeGreaterThan(at('problem-title'));
    expect(at(warningsHeading)).toBeGreaterThan(at('<h2>Errors (1)</h2>'));
    expect(at('<h2>What was read</h2>')).toBeGreaterThan(at(warningsHeading));
    expect(at('header &quot;Sep-32&quot; breaks the run Aug-23 → Oct-23; expected Sep-23')).toBeGreaterThan(at('<h2>Errors (1)</h2>'));
    expect(at('header &quot;Sep-32&quot;')).toBeLessThan(at(warningsHeading));
  });

  it('offers the documented configuration line as a button, with a preview of what it changes', async () => {
    const html = await checkPage();
    expect(html).toContain('Add this line to <code>config/header-aliases.yaml</code>, under <code>monthCorrections</code>:');
    expect(html).toContain('<pre><code>- {sheet: B4B data set, cell: AA2, reads: Sep-32, month: 2023-09}</code></pre>');
    expect(html).toContain(
      '&#x27;B4B data set&#x27;!AA2, which reads &quot;Sep-32&quot;, is read as September 2023, and its column&#x27;s figures as that month&#x27;s, while the cell reads &quot;Sep-32&quot;.',
    );
    expect(html).toContain('>Read AA2 as September 2023</button>');
    expect(formFields(html, '/check/fix')).toMatchObject({
      workbook: stored,
      list: 'monthCorrections',
      sheet: 'B4B data set',
      cell: 'AA2',
      reads: 'Sep-32',
      month: '2023-09',
    });
  });

  it('refuses a change without the form token, or one the check does not offer, and changes nothing', async () => {
    const aliases = await readFile(konsole.loaded.paths.headerAliases, 'utf8');
    const fields = formFields(await checkPage(), '/check/fix');
    const post = (body: Record<string, string>): Promise<LightMyRequestResponse> =>
      konsole.app.inject({
        method: 'POST',
        url: '/check/fix',
        headers: { cookie: headerOf(jar), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(body).toString(),
      });
    expect((await post({ ...fields, _csrf: '' })).statusCode).toBe(403);
    const other = await post({ ...fields, month: '2023-08' });
    expect(other.statusCode).toBe(409);
    expect(other.body).toContain('That correction is no longer offered');
    expect(await readFile(konsole.loaded.paths.headerAliases, 'utf8')).toBe(aliases);
  });

  it('pressing the button writes the line, and the next check passes (the command line reads it too)', async () => {
    const before = await readFile(konsole.loaded.paths.headerAliases, 'utf8');
    const fields = formFields(await checkPage(), '/check/fix');
    const answer = await konsole.app.inject({
      method: 'POST',
      url: '/check/fix',
      headers: { cookie: headerOf(jar), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
    expect([answer.statusCode, answer.headers.location]).toEqual([303, `/check/workbook?file=${encodeURIComponent(stored)}&applied=1`]);
    const after = await readFile(konsole.loaded.paths.headerAliases, 'utf8');
    // Only the list changed; every comment and every other line is as it was.
    expect(after).toBe(before.replace('monthCorrections: []\n', 'monthCorrections:\n  - {sheet: B4B data set, cell: AA2, reads: Sep-32, month: 2023-09}\n'));

    const html = (await konsole.app.inject({ method: 'GET', url: answer.headers.location as string, headers: { cookie: headerOf(jar) } })).body;
    expect(html).toContain('<h2>No errors</h2>');
    expect(html).toContain('<h2>Saved</h2>');
    expect(html).toContain(
      `${stored} › &#x27;B4B data set&#x27;!AA2: month header &quot;Sep-32&quot; read as Sep-23, as config/header-aliases.yaml (monthCorrections) declares`,
    );
    // A fresh read of the settings (as `validate` and `run` do) finds no error either.
    const loaded = await loadSettings({ settingsFile: konsole.project.settings });
    const check = await checkWorkbook(loaded, `${konsole.project.root}/data/uploads/${stored}`);
    expect(check.errors).toEqual([]);
    expect(check.decisions.map((d) => d.message)).toEqual(['month header "Sep-32" read as Sep-23, as config/header-aliases.yaml (monthCorrections) declares']);

    const audit = (await readFile(`${konsole.project.output}/runs/console-audit.jsonl`, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit.filter((e) => e.event === 'config-change')).toEqual([
      expect.objectContaining({
        user: 'olivia',
        file: 'config/header-aliases.yaml',
        change: 'monthCorrections: - {sheet: B4B data set, cell: AA2, reads: Sep-32, month: 2023-09}',
      }),
    ]);
  });
});
