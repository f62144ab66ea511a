import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, type HeadlessBrowser } from '../fixtures/browser.js';
import { runCli } from '../fixtures/run-cli.js';
import { ROOT } from '../fixtures/workbooks.js';
import { sampleProject, startCli as start, until } from './helpers.js';

/** UPDATE_SCREENSHOTS=1 writes docs/console-schedule.png (the README's picture). */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';

let headless: HeadlessBrowser;
beforeAll(async () => {
  headless = await launchBrowser();
});
afterAll(async () => {
  await headless?.close();
});

describe('serve --schedule: one scheduler with "schedule", and the Schedule page', () => {
  it('takes the scheduler lock (a second scheduler of either kind refuses, naming it), and its Schedule page says what each job will do', async () => {
    const project = await sampleProject();
    const serve = start(['serve', '--schedule', '--port', '0', '--settings', project.settings]);
    await until('the console to start', () => /The console is at http:\/\/127\.0\.0\.1:\d+\//.test(serve.stderr()));
    const base = /The console is at (http:\/\/127\.0\.0\.1:\d+)\//.exec(serve.stderr())?.[1] ?? '';
    expect(serve.stderr()).toContain('; the scheduler is running');
    // What --check warns of is logged as the scheduler starts, job by job, and points to the page.
    await until('the start warnings', () => serve.stderr().includes('panel-monthly: data/b4b-sample.xlsx has no figures'));
    expect(serve.stderr()).toMatch(
      /"level":"warn","message":"board-monthly: data\/b4b-sample\.xlsx has no figures for \w+ \d{4} yet \(its latest month is October 2023\): the run on [^"]+ will fail unless they are added by then \(a scheduled run reads the workbook \\"workbook:\\" in config\/b4b\.yaml names: save the month's workbook there, or name its file there\) \(the Schedule page says more\)","job":"board-monthly"/,
    );

    const holder =
      /^b4b-reports: another scheduler is running \("serve --schedule", process \d+ on \S+, started [^)]+\); only one runs at a time, so this one did not start\. /;
    const schedule = runCli(['schedule', '--settings', project.settings], { timeoutMs: 60_000 });
    expect(schedule.status).toBe(75);
    expect(schedule.stderr).toMatch(holder);
    expect(schedule.stderr).toContain('Stop the other one first, or start this one with --standby to take over when it stops.\n');
    const second = runCli(['serve', '--schedule', '--port', '0', '--settings', project.settings], { timeoutMs: 60_000 });
    expect(second.status).toBe(75);
    expect(second.stderr).toMatch(holder);
    expect(second.stderr).toContain('Stop the other one first, or start the console without --schedule (its Schedule page still shows the schedule).\n');

    // No users are configured: whoever opens the one-time sign-in link the console printed is an officer.
    const link = /"signInLink":"(http:\/\/127\.0\.0\.1:\d+\/sign-in\/link\?token=[A-Za-z0-9_-]+)"/.exec(serve.stderr())?.[1] ?? '';
    expect(link).not.toBe('');
    const context = await headless.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(link);
    await page.goto(`${base}/schedule`);
    const main = page.locator('main');
    const text = await main.innerText();
    expect(text).toContain("The scheduler is running in this console's process.");
    expect(text).toContain('As things stand, 2 runs would fail');
    const board = await page.locator('section', { has: page.getByRole('heading', { name: 'board-monthly' }) }).innerText();
    expect(board).toMatch(
      new RegExp(
        '^board-monthly\\nPack\\nboard\\nWhen \\(cron\\)\\n0 7 10 \\* \\*\\n' +
          'Next run\\n\\w+day 10 (\\w+) (\\d{4}) at 07:00 \\(Europe/London\\)\\n' +
          'Produces\\n(\\w+) (\\d{4}), the latest complete month on that day\\n' +
          'Workbook\\nnot ready data/b4b-sample\\.xlsx has no figures for \\3 \\4 yet \\(its latest month is October 2023\\)\\n' +
          'Last run\\nnot run yet\\nSent to\\nboard-members \\(restricted\\)$',
      ),
    );
    // The month produced is the one before the run's month.
    const [, runMonth, runYear, month, year] = /Next run\n\w+day 10 (\w+) (\d{4}).*\nProduces\n(\w+) (\d{4})/.exec(board) ?? [];
    const previous = new Date(`1 ${runMonth} ${runYear} UTC`);
    previous.setUTCMonth(previous.getUTCMonth() - 1);
    expect(`${month} ${year}`).toBe(previous.toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }));

    const html = await page.content();
    const copy = await context.newPage();
    await copy.goto(`${base}/console.css`);
    const { violations } = await axeViolations(copy, html);
    expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    if (SCREENSHOTS) await page.screenshot({ path: path.join(ROOT, 'docs', 'console-schedule.png'), fullPage: true });
    await context.close();

    // Stopped, the console lets go of the lock: "schedule" starts, and now a console with --schedule is the one refused.
    serve.signal('SIGTERM');
    expect(await serve.done).toBe(0);
    const scheduler = start(['schedule', '--settings', project.settings]);
    await until('the scheduler to start', () => scheduler.stderr().includes('next run'));
    const refused = runCli(['serve', '--schedule', '--port', '0', '--settings', project.settings], { timeoutMs: 60_000 });
    expect(refused.status).toBe(75);
    expect(refused.stderr).toMatch(/^b4b-reports: another scheduler is running \("schedule", process \d+/);
    scheduler.signal('SIGTERM');
    expect(await scheduler.done).toBe(0);
  });
});
