/**
 * The console's page of a run of the whole month: what each output came to first, then the workbook's
 * warnings, which several outputs have, said once (not once an output, and not again in the progress log).
 */
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../fixtures/run-cli.js';
import { ROOT } from '../fixtures/workbooks.js';
import { tempProject } from '../fixtures/temp-project.js';
import { headerOf, sampleWith, signedIn, startConsole, token, uploadBody, type RunningConsole } from './console-helpers.js';

/** The Produce form sent with `fields`: the response redirects to the run's page. */
async function produce(app: RunningConsole['app'], jar: Parameters<typeof headerOf>[0], fields: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url: '/produce',
    headers: { cookie: headerOf(jar), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** The run's page once it says the run finished (asked every 0.05 s, for up to two minutes). */
async function finishedPage(app: RunningConsole['app'], url: string, jar: Parameters<typeof headerOf>[0]): Promise<string> {
  let body = '';
  for (let i = 0; i < 2400; i++) {
    body = (await app.inject({ method: 'GET', url, headers: { cookie: headerOf(jar) } })).body;
    if (body.includes('<h1>Finished')) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return body;
}

describe("the console's page of a whole month's run", () => {
  let konsole: RunningConsole;
  beforeAll(async () => {
    konsole = await startConsole();
  });
  afterAll(async () => konsole?.close());

  it(
    'says what each output came to first, then the warnings several outputs have, once; a skipped clinic links to producing it',
    { timeout: 180_000 },
    async () => {
      const { jar, csrf } = await signedIn(konsole.app, 'olivia');
      const started = await produce(konsole.app, jar, { _csrf: csrf, workbook: 'configured', month: '2023-10', what: 'month', replace: 'yes' });
      expect(started.statusCode, started.body).toBe(303);
      const body = await finishedPage(konsole.app, started.headers.location as string, jar);
      expect(body).toContain('<h1>Finished');
      // What the officer came for (each output: done, with its files, or skipped and why) comes before the
      // two dozen warnings of the workbook every output shares.
      const shared = body.search(/<h2>Warnings of several outputs \(\d+\)<\/h2>/);
      expect(shared).toBeGreaterThan(0);
      for (const heading of ['The performance report: ', 'The clinic-safeguarding report: ', 'The board pack: ']) {
        expect(body.indexOf(`<h2>${heading}`), heading).toBeGreaterThan(0);
        expect(body.indexOf(`<h2>${heading}`), heading).toBeLessThan(shared);
      }
      // At the top, before any output's own section, a line per output: what it came to, linking to its section.
      const outcomes = /<nav aria-labelledby="outcomes-heading" class="outcomes">([\s\S]*?)<\/nav>/.exec(body);
      expect(outcomes?.index).toBeLessThan(body.indexOf('<h2>The performance report: '));
      const listed = [...(outcomes?.[1] ?? '').matchAll(/<li><a href="#(output-\d+)">([^<]+)<\/a>: <span class="tag (\w+)">/g)];
      expect(listed.map((m) => `${m[2]}: ${m[3]}`)).toEqual(
        expect.arrayContaining(['The performance report: success', 'The clinic-safeguarding report: skipped', 'The board pack: success']),
      );
      for (const [, id, label] of listed) expect(body).toContain(`<div class="run" id="${id}">\n  <h2>${label}: `);
      // Each outcome in the words History and `b4b-reports history` give the same run.
      const words = [...(outcomes?.[1] ?? '').matchAll(/<a href="#output-\d+">([^<]+)<\/a>: <span class="tag \w+">([^<]+)<\/span>/g)].map(
        (m) => `${m[1]}: ${m[2]}`,
      );
      expect(words).toEqual(expect.arrayContaining(['The performance report: success', 'The clinic-safeguarding report: skipped', 'The board pack: success']));
      // A workbook finding every output has: once on the page.
      expect(body.split('!AD66: the RAG column').length - 1).toBe(1);
      // The progress log keeps its steps: no warning listed above is said again there, long ones (cut in the log) included.
      const progress = body.slice(body.indexOf('<h2>Progress</h2>'));
      expect(progress).toContain('pack board: written');
      expect(progress).not.toContain('the pack prints different figures');
      // A skipped clinic's advice is the Produce page here, not a command that would read another workbook.
      expect(body).toContain('the Produce page (July 2023, report clinic-safeguarding) produces it for July 2023');
      expect(body).not.toContain('b4b-reports run --month');

      // The advice is a link; followed, it is the Produce page's check of that clinic and month, and its button produces it.
      const link = /<a href="([^"]+)">Produce the clinic-safeguarding report for July 2023<\/a>/
        .exec(body)?.[1]
        ?.replace(/&#x3D;/g, '=')
        .replace(/&amp;/g, '&');
      expect(link).toBe('/produce/confirm?workbook=configured&month=2023-07&what=report%3Aclinic-safeguarding');
      const confirm = (await konsole.app.inject({ method: 'GET', url: link ?? '', headers: { cookie: headerOf(jar) } })).body;
      expect(confirm).toContain('<dt>Month</dt><dd>July 2023</dd>');
      expect(confirm).toContain('<dt>Produces</dt><dd>Assurance Clinic - Safeguarding (report: clinic-safeguarding)</dd>');
      const form = /<form method="post" action="\/produce">([\s\S]*?)<\/form>/.exec(confirm)?.[1] ?? '';
      const fields = Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
      expect(fields).toMatchObject({ workbook: 'configured', month: '2023-07', what: 'report:clinic-safeguarding' });
      const clinic = await produce(konsole.app, jar, fields);
      expect(clinic.statusCode, clinic.body).toBe(303);
      const made = await finishedPage(konsole.app, clinic.headers.location as string, jar);
      expect(made).toContain('<h2>The clinic-safeguarding report: <span class="tag success">success</span></h2>');
      expect(made).toContain('2023-07/clinic-safeguarding-2023-07.pdf');
    },
  );

  it("lists a re-run's changed figures with their cells, and says which is a target, on the run page and in History", { timeout: 120_000 }, async () => {
    const { jar } = await signedIn(konsole.app, 'olivia');
    const form = await konsole.app.inject({ method: 'GET', url: '/check', headers: { cookie: headerOf(jar) } });
    const uploaded = await konsole.app.inject({
      method: 'POST',
      url: '/check',
      headers: { cookie: headerOf(jar), 'content-type': 'multipart/form-data; boundary=b4bboundary' },
      // October's referrals corrected, and their target.
      payload: uploadBody(token(form.body), { name: 'B4B corrected.xlsx', bytes: await sampleWith({ 'B4B data set': { AB8: 281, AC8: 275 } }) }),
    });
    expect(uploaded.statusCode, uploaded.body).toBe(303);
    const stored = decodeURIComponent(/file=([^&]+)/.exec(uploaded.headers.location as string)?.[1] ?? '');
    const page = await konsole.app.inject({ method: 'GET', url: '/produce', headers: { cookie: headerOf(jar) } });
    const started = await produce(konsole.app, jar, {
      _csrf: token(page.body),
      workbook: stored,
      month: '2023-10',
      what: 'report:performance',
      replace: 'yes',
    });
    expect(started.statusCode, started.body).toBe(303);
    const body = await finishedPage(konsole.app, started.headers.location as string, jar);
    const referrals = 'Number of referrals into statutory service in the month';
    // Each changed-figure row of referrals, its cells joined by " | ", a hint in brackets.
    const rows = (html: string): string[] =>
      [...html.matchAll(/<tr>(<td>Number of referrals.*?)<\/tr>/g)].map((row) =>
        [...(row[1] ?? '').matchAll(/<td[^>]*>(.*?)<\/td>/g)]
          .map((cell) => (cell[1] ?? '').replace(/ <span class="hint">\(([^)]*)\)<\/span>/, ' [$1]').replace(/&#x27;/g, "'"))
          .join(' | '),
      );
    const expected = [
      `${referrals} | Oct-23 | 277 | 281 | 'B4B data set'!AB8 | 'B4B data set' Right service right time`,
      `${referrals} [target] | Oct-23 | 273 | 275 | 'B4B data set'!AC8 | 'B4B data set' Right service right time`,
    ];
    expect(rows(body)).toEqual(expect.arrayContaining(expected));
    // What the re-run was for, the figures it changed, comes before the report's thirty-odd warnings.
    const report = body.slice(body.indexOf('<h2>The performance report: '));
    expect(report.indexOf("<caption>Figures changed since the month's last run")).toBeGreaterThan(0);
    expect(report.indexOf("<caption>Figures changed since the month's last run")).toBeLessThan(report.indexOf('<h3>Warnings ('));
    const history = await konsole.app.inject({ method: 'GET', url: '/history?month=2023-10', headers: { cookie: headerOf(jar) } });
    expect(rows(history.body)).toEqual(expect.arrayContaining(expected));
    // In History too, a run's changed figures come before its warnings.
    const newest = history.body.slice(history.body.indexOf('<section class="run"'));
    expect(newest.indexOf("changed since the month's last run</summary>")).toBeGreaterThan(0);
    expect(newest.indexOf("changed since the month's last run</summary>")).toBeLessThan(newest.indexOf(' warnings</summary>'));
    // The upload by the name it was uploaded with, as the Produce and run pages name it, not the name it is stored under.
    expect(history.body).toContain('<dt>Workbook</dt><dd>B4B-corrected.xlsx, uploaded ');
    expect(history.body).not.toContain(`<dd>${stored}, SHA-256`);
    // Its warnings too, in History and on the run's own page, as the run's page above names it.
    const runId = /<a href="\/runs\/([^"]+)">This output's run as the ledger records it<\/a>/.exec(body)?.[1] ?? '';
    const own = await konsole.app.inject({ method: 'GET', url: `/runs/${runId}`, headers: { cookie: headerOf(jar) } });
    for (const page of [body, history.body, own.body]) {
      expect(page).toContain(
        '<li>B4B-corrected.xlsx › &#x27;B4B data set&#x27;!AD8: Number of referrals into statutory service in the month: the workbook&#x27;s RAG',
      );
      expect(page).not.toContain(`${stored} ›`);
    }

    // The packs made by the whole month's run print the old figure: said, with a button that makes the month again.
    expect(body).toContain('<h2>Outputs now out of step with this run</h2>');
    for (const pack of ['panel', 'board'])
      expect(body).toContain(`<li>The ${pack} pack prints 277 for ${referrals}, Oct-23, at &#x27;B4B data set&#x27;!AB8, where this run printed 281.</li>`);
    const button = /<form method="post" action="\/produce" class="panel">([\s\S]*?)<\/form>/.exec(body)?.[1] ?? '';
    const fields: Record<string, string> = {};
    for (const m of button.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1] ?? ''] = m[2] ?? '';
    expect(fields).toMatchObject({ workbook: stored, month: '2023-10', what: 'month', replace: 'yes' });
    const again = await produce(konsole.app, jar, fields);
    expect(again.statusCode, again.body).toBe(303);
    const after = await finishedPage(konsole.app, again.headers.location as string, jar);
    expect(after).toContain('<h1>Finished: the whole of October 2023</h1>');
    expect(after).not.toContain('Outputs now out of step');
    expect(rows(after)).toEqual(expect.arrayContaining([`${referrals} | Oct-23 | 277 | 281 | 'B4B data set'!AB8 | 'B4B data set' Right service right time`]));
  });
});

describe("a run's page while the run goes on", () => {
  it('waits for the run rather than reloading itself (no meta refresh), and says how to look again', { timeout: 120_000 }, async () => {
    // Connections idle for 2 s are closed: the page waits 1 s at a time, less than a month takes.
    const konsole = await startConsole({ limits: { idleMs: 2000 } });
    try {
      const { jar, csrf } = await signedIn(konsole.app, 'olivia');
      const started = await produce(konsole.app, jar, { _csrf: csrf, workbook: 'configured', month: '2023-10', what: 'month', replace: 'yes' });
      const url = started.headers.location as string;
      const running = await konsole.app.inject({ method: 'GET', url, headers: { cookie: headerOf(jar) } });
      expect(running.body).toContain('<h1>Running: the whole of October 2023</h1>');
      expect(running.body).not.toContain('http-equiv="refresh"');
      const again = /<p role="status">.*?<a href="([^"]+)">See how it has got on<\/a>/.exec(running.body)?.[1];
      expect(again).toBe(url);
      // Followed, the link answers when the run has finished (or after its wait, to be followed again).
      let body = '';
      for (let i = 0; i < 120 && !body.includes('<h1>Finished'); i++)
        body = (await konsole.app.inject({ method: 'GET', url: again ?? '', headers: { cookie: headerOf(jar) } })).body;
      expect(body).toContain('<h1>Finished: the whole of October 2023</h1>');
      expect(body).not.toContain('http-equiv="refresh"');
    } finally {
      await konsole.close();
    }
  });
});

describe("the console's Schedule page", () => {
  it('says a job that has no run in some months (a monthly pack on the 31st), as schedule --check does', { timeout: 60_000 }, async () => {
    const konsole = await startConsole({
      project: await tempProject({ edit: (file, text) => (file.endsWith('schedule.yaml') ? text.replace('cron: "0 7 10 * *"', 'cron: "0 7 31 * *"') : text) }),
    });
    try {
      const { jar } = await signedIn(konsole.app, 'olivia');
      const body = (await konsole.app.inject({ method: 'GET', url: '/schedule', headers: { cookie: headerOf(jar) } })).body;
      expect(body).toContain('1 job has no run in some months');
      expect(body).toContain('board-monthly: cron &quot;0 7 31 * *&quot; runs on the 31st only');
    } finally {
      await konsole.close();
    }
  });
});

describe("a run's restricted files, to a viewer", () => {
  it('are named, marked restricted and said to be for officers only; an officer has the link', { timeout: 120_000 }, async () => {
    const konsole = await startConsole();
    try {
      const { jar, csrf } = await signedIn(konsole.app, 'olivia');
      const made = await produce(konsole.app, jar, { _csrf: csrf, workbook: 'configured', month: '2023-10', what: 'report:finance' });
      expect(made.statusCode, made.body).toBe(303);
      const page = (await finishedPage(konsole.app, made.headers.location as string, jar)).replace(/&#x3D;/g, '=');
      const run = /<a href="\/runs\/([^"]+)">This output's run as the ledger records it<\/a>/.exec(page)?.[1] ?? '';
      const viewer = await konsole.app.inject({
        method: 'GET',
        url: `/runs/${run}`,
        headers: { cookie: headerOf((await signedIn(konsole.app, 'victor')).jar) },
      });
      expect(viewer.statusCode, viewer.body).toBe(200);
      expect(viewer.body).toContain(
        '<li>2023-10/finance-2023-10.pdf <span class="tag restricted">restricted</span>: for officers only, not linked for a viewer</li>',
      );
      expect(viewer.body).not.toContain('href="/files/2023-10/finance');
      const officer = (await konsole.app.inject({ method: 'GET', url: `/runs/${run}`, headers: { cookie: headerOf(jar) } })).body.replace(/&#x3D;/g, '=');
      expect(officer).toContain(
        `<a href="/files/2023-10/finance-2023-10.pdf?run=${run}">2023-10/finance-2023-10.pdf</a> <span class="tag restricted">restricted</span></li>`,
      );
      expect(officer).not.toContain('for officers only');
    } finally {
      await konsole.close();
    }
  });
});

describe("an earlier run's files, once a later run has replaced them", () => {
  it(
    "are not linked as that run's own, on its run page, its History entry or its page in the ledger; each says which run replaced it",
    { timeout: 180_000 },
    async () => {
      const konsole = await startConsole();
      try {
        const { jar, csrf } = await signedIn(konsole.app, 'olivia');
        // Handlebars writes "=" in a link as "&#x3D;", which the browser reads as "=".
        const links = (html: string): string => html.replace(/&#x3D;/g, '=');
        const get = async (url: string) => {
          const response = await konsole.app.inject({ method: 'GET', url, headers: { cookie: headerOf(jar) } });
          return { statusCode: response.statusCode, body: links(response.body) };
        };
        const report = '2023-10/performance-2023-10.pdf';
        // October's performance report, then made again from a workbook with October's referrals corrected, replacing it.
        const first = await produce(konsole.app, jar, { _csrf: csrf, workbook: 'configured', month: '2023-10', what: 'report:performance' });
        expect(first.statusCode, first.body).toBe(303);
        const firstUrl = first.headers.location as string;
        const before = links(await finishedPage(konsole.app, firstUrl, jar));
        const firstRun = /<a href="\/runs\/([^"]+)">This output's run as the ledger records it<\/a>/.exec(before)?.[1] ?? '';
        expect(firstRun).toMatch(/^\d{8}T\d{6}Z-/);
        expect(before).toContain(`<a href="/files/${report}?run=${firstRun}">${report}</a>`);
        expect((await get(`/files/${report}?run=${firstRun}`)).statusCode).toBe(200);
        // Made again on the command line without --force: refused. History says where the console's tick box is (History has none) and links the Produce page with it ticked.
        const refused = await runCommand(['run', '--month', '2023-10', '--report', 'performance', '--settings', konsole.project.settings]);
        expect(refused.status, refused.stderr).toBe(1);
        const refusal = (await get('/history?outcome=refused')).body;
        expect(refusal).toContain(
          'already exists; nothing was replaced. To make this output again, tick &quot;Replace the outputs already made for this month&quot; on the Produce page.',
        );
        const again2 = /<a href="([^"]+)">Produce it again, replacing the outputs<\/a>/.exec(refusal)?.[1]?.replace(/&amp;/g, '&');
        expect(again2).toBe('/produce?month=2023-10&what=report%3Aperformance&replace=yes');
        const produceAgain = (await get(again2 ?? '')).body;
        expect(produceAgain).toContain('<input type="radio" id="what-report:performance" name="what" value="report:performance" checked>');
        expect(produceAgain).toContain('<input type="checkbox" id="replace" name="replace" value="yes" checked');

        const form = await get('/check');
        const uploaded = await konsole.app.inject({
          method: 'POST',
          url: '/check',
          headers: { cookie: headerOf(jar), 'content-type': 'multipart/form-data; boundary=b4bboundary' },
          payload: uploadBody(token(form.body), { name: 'B4B corrected.xlsx', bytes: await sampleWith({ 'B4B data set': { AB8: 281 } }) }),
        });
        expect(uploaded.statusCode, uploaded.body).toBe(303);
        const stored = decodeURIComponent(/file=([^&]+)/.exec(uploaded.headers.location as string)?.[1] ?? '');
        const again = await produce(konsole.app, jar, {
          _csrf: token((await get('/produce')).body),
          workbook: stored,
          month: '2023-10',
          what: 'report:performance',
          replace: 'yes',
        });
        expect(again.statusCode, again.body).toBe(303);
        const second = links(await finishedPage(konsole.app, again.headers.location as string, jar));
        const secondRun = /<a href="\/runs\/([^"]+)">This output's run as the ledger records it<\/a>/.exec(second)?.[1] ?? '';
        expect(secondRun).not.toBe(firstRun);
        expect(second).toContain(`<a href="/files/${report}?run=${secondRun}">${report}</a>`);

        // The first run's page: its report is not linked (the file there prints 281 where it printed 277); it says which run replaced it.
        const replaced = (): RegExp =>
          new RegExp(`${report.replace(/[./]/g, '\\$&')}: replaced by a later run, <a href="/runs/${secondRun}">the run of [^<]+, ${secondRun}</a>`);
        const firstAfter = await get(firstUrl);
        expect(firstAfter.body).not.toContain(`href="/files/${report}`);
        expect(firstAfter.body).toMatch(replaced());
        // History: each run links its page; the first run's entry links no file of its own, the second's does.
        const history = (await get('/history?month=2023-10')).body;
        const entry = (id: string) =>
          /<section class="run"[\s\S]*?<\/section>/g.exec(history.slice(history.indexOf(`<section class="run" aria-labelledby="run-${id}">`)))?.[0] ?? '';
        expect(entry(firstRun)).toContain(`<a href="/runs/${firstRun}">report performance, October 2023</a>`);
        expect(entry(firstRun)).not.toContain('href="/files/');
        expect(entry(firstRun)).toMatch(replaced());
        expect(entry(firstRun)).toContain(
          `This run's own files are kept, until the month is made again, in <code>output/.sets/2023-10/report-performance/${firstRun}</code>`,
        );
        expect(entry(secondRun)).toContain(`<a href="/files/${report}?run=${secondRun}">${report}</a>`);
        // The first run's own page, from History (a viewer may read it too), says the same, and the replacing run's page links its file.
        for (const user of ['olivia', 'victor'] as const) {
          const cookie = headerOf(user === 'olivia' ? jar : (await signedIn(konsole.app, 'victor')).jar);
          const own = await konsole.app.inject({ method: 'GET', url: `/runs/${firstRun}`, headers: { cookie } });
          expect(own.statusCode, own.body).toBe(200);
          expect(own.body).toContain('<h1>The performance report, October 2023: success</h1>');
          expect(own.body).not.toContain('href="/files/');
          expect(links(own.body)).toMatch(replaced());
        }
        expect((await get(`/runs/${secondRun}`)).body).toContain(`<a href="/files/${report}?run=${secondRun}">${report}</a>`);
        // A link to the first run's file shown before the re-run (a page left open) no longer downloads the re-run's file as the first run's.
        const stale = await get(`/files/${report}?run=${firstRun}`);
        expect(stale.statusCode).toBe(410);
        expect(stale.body).toContain(
          `<a href="/runs/${firstRun}">this run</a> (<code>${firstRun}</code>) wrote: <a href="/runs/${secondRun}">a later run</a> (<code>${secondRun}</code>) replaced it`,
        );
        expect((await get('/runs/20990101T000000Z-nosuch')).statusCode).toBe(404);
      } finally {
        await konsole.close();
      }
    },
  );
});

/** The sample with a Nov-23 column after Oct-23 in each table of its 'B4B data set' sheet (October's figures again), as an officer adds the month. */
async function sampleWithNovember(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(ROOT, 'data', 'b4b-sample.xlsx'));
  const sheet = workbook.getWorksheet('B4B data set');
  if (!sheet) throw new Error('the sample has no B4B data set sheet');
  sheet.spliceColumns(29, 0, []);
  sheet.eachRow((row) => {
    const october = row.getCell(28);
    if (october.value === null || october.value === undefined) return;
    row.getCell(29).value = october.value === 'Oct-23' ? 'Nov-23' : october.value;
    row.getCell(29).style = { ...october.style };
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('the Produce page', () => {
  it(
    "lists the months of the workbook chosen on it, not only the configured workbook's: November, in an upload only, can be chosen",
    { timeout: 60_000 },
    async () => {
      const konsole = await startConsole();
      try {
        const { jar } = await signedIn(konsole.app, 'olivia');
        const get = async (url: string): Promise<string> =>
          (await konsole.app.inject({ method: 'GET', url, headers: { cookie: headerOf(jar) } })).body.replace(/&#x3D;/g, '=');
        const form = await get('/check');
        const uploaded = await konsole.app.inject({
          method: 'POST',
          url: '/check',
          headers: { cookie: headerOf(jar), 'content-type': 'multipart/form-data; boundary=b4bboundary' },
          payload: uploadBody(token(form), { name: 'B4B November 2023.xlsx', bytes: await sampleWithNovember() }),
        });
        expect(uploaded.statusCode, uploaded.body).toBe(303);
        const stored = decodeURIComponent(/file=([^&]+)/.exec(uploaded.headers.location as string)?.[1] ?? '');
        // The page opens with the configured workbook's months: no November, though the upload is in the list to choose.
        const produce = await get('/produce');
        expect(produce).toContain(`<option value="${stored}">`);
        expect(produce).not.toContain('<option value="2023-11"');
        // The pages have no script: a button sends the form back to this page with the workbook chosen (and the rest as chosen).
        const form2 = /<form method="get" action="\/produce\/confirm">([\s\S]*?)<\/form>/.exec(produce)?.[1] ?? '';
        expect(form2).toContain(
          `<button type="submit" formaction="/produce" formmethod="get" class="button secondary">Show the chosen workbook's months</button>`,
        );
        const shown = await get(`/produce?${new URLSearchParams({ workbook: stored, month: '2023-10', what: 'month', replace: 'yes' }).toString()}`);
        expect(shown).toContain(`<option value="${stored}" selected>`);
        expect(shown).toMatch(
          /<select id="month" name="month" aria-describedby="month-hint">\s*<option value="2023-11">November 2023<\/option><option value="2023-10" selected>/,
        );
        expect(shown).toContain('<input type="radio" id="what-month" name="what" value="month" checked>');
        expect(shown).toContain('<input type="checkbox" id="replace" name="replace" value="yes" checked');
      } finally {
        await konsole.close();
      }
    },
  );
});
