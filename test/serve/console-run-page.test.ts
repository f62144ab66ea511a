/**
 * The console's page of a run of the whole month: the workbook's warnings, which several outputs have,
 * are said once above the outputs (not once an output, and not again in the progress log).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../fixtures/temp-project.js';
import { headerOf, signedIn, startConsole, type RunningConsole } from './console-helpers.js';

describe("the console's page of a whole month's run", () => {
  let konsole: RunningConsole;
  beforeAll(async () => {
    konsole = await startConsole();
  });
  afterAll(async () => konsole?.close());

  it('says the warnings several outputs have once, above the outputs', { timeout: 120_000 }, async () => {
    const { jar, csrf } = await signedIn(konsole.app, 'olivia');
    const started = await konsole.app.inject({
      method: 'POST',
      url: '/produce',
      headers: { cookie: headerOf(jar), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, workbook: 'configured', month: '2023-10', what: 'month', replace: 'yes' }).toString(),
    });
    expect(started.statusCode, started.body).toBe(303);
    const url = started.headers.location as string;
    let body = '';
    for (let i = 0; i < 600; i++) {
      body = (await konsole.app.inject({ method: 'GET', url, headers: { cookie: headerOf(jar) } })).body;
      if (body.includes('<h1>Finished')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(body).toContain('<h1>Finished');
    expect(body).toMatch(/<h2>Warnings of several outputs \(\d+\)<\/h2>/);
    // A workbook finding every output has: once on the page.
    expect(body.split('!AD66: the RAG column').length - 1).toBe(1);
    // A skipped clinic's advice is the Produce page here, not a command that would read another workbook.
    expect(body).toContain('the Produce page (July 2023, report clinic-safeguarding) produces it for July 2023');
    expect(body).not.toContain('b4b-reports run --month');
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
