import { createHash } from 'node:crypto';
import { readdir, readFile, rename, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunLedger } from '../../src/run/ledger.js';
import { runOne } from '../fixtures/run-request.js';
import { silentProgress } from '../../src/run/progress.js';
import { uploadsDir } from '../../src/serve/uploads.js';
import { axeViolations, launchBrowser, type HeadlessBrowser } from '../fixtures/browser.js';
import { pdfText } from '../fixtures/pdf-text.js';
import { ROOT } from '../fixtures/workbooks.js';
import { PASSWORDS, rawGet, sampleWith, startConsole, type RunningConsole } from './console-helpers.js';

const SAMPLE = path.join(ROOT, 'data', 'b4b-sample.xlsx');
/** UPDATE_SCREENSHOTS=1 writes docs/console-*.png (the README's pictures); otherwise the tree is left alone. */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';

let konsole: RunningConsole;
let headless: HeadlessBrowser;

/** axe-core at WCAG 2.2 AA on the page as served (its stylesheet included): the rules' ids that fail. */
async function axeFailures(page: Page): Promise<string[]> {
  const html = await page.content();
  const copy = await page.context().newPage();
  await copy.goto(`${konsole.base}/console.css`); // same origin, so the copy's stylesheet and fonts load
  const { violations } = await axeViolations(copy, html);
  await copy.close();
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
}

async function shot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: path.join(ROOT, 'docs', `console-${name}.png`), fullPage: true });
}

async function signIn(context: BrowserContext, user: keyof typeof PASSWORDS, screenshot = false): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${konsole.base}/`);
  await expect.poll(() => page.url()).toContain('/sign-in');
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(PASSWORDS[user]);
  if (screenshot) await shot(page, 'sign-in');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  return page;
}

async function cookieHeader(context: BrowserContext): Promise<string> {
  return (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}

/** The words of the tick box that stands for --force. */
const REPLACE = 'Replace the outputs already made for this month';

/** A page's facts list (dt and dd pairs) as an object. */
async function facts(page: Page): Promise<Record<string, string>> {
  const terms = await page.locator('dl.facts dt').allInnerTexts();
  const values = await page.locator('dl.facts dd').allInnerTexts();
  return Object.fromEntries(terms.map((t, i) => [t, values[i] ?? '']));
}

/** The Oct-23 figure of a row of the performance report's indicator tables, as pdftotext prints it. */
function octoberFigure(text: string, indicator: string): string | undefined {
  return new RegExp(`${indicator}\\s+(?:\\d+\\s+){13}(\\d+)`).exec(text)?.[1];
}

async function waitFinished(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1, name: /^Finished:/ }).waitFor({ timeout: 60_000 });
}

beforeAll(async () => {
  [konsole, headless] = await Promise.all([startConsole(), launchBrowser()]);
});

afterAll(async () => {
  await headless?.close();
  await konsole?.close();
});

describe('the console in a browser', () => {
  it('an officer signs in, checks the sample workbook, produces October 2023 and finds the run in history', async () => {
    const context = await headless.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await signIn(context, 'olivia', true);
    expect(new URL(page.url()).pathname).toBe('/check');
    await shot(page, 'check');

    // Upload the sample workbook: stored under data/uploads/ with a name of its own, and checked.
    await page.getByLabel('Workbook file (.xlsx)').setInputFiles(SAMPLE);
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.getByRole('heading', { level: 1, name: 'b4b-sample.xlsx' }).waitFor();
    const stored = await readdir(uploadsDir(konsole.loaded));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatch(/^\d{8}T\d{6}Z-[a-f0-9]{8}-b4b-sample\.xlsx$/);
    const main = page.locator('main');
    await expect.poll(() => main.innerText()).toContain('19 indicator tables, 176 indicator rows (114 distinct indicators)');
    const text = await main.innerText();
    expect(text).toContain('No errors');
    expect(text).toContain('Warnings (30)');
    // Grouped as validate groups them, each naming its sheet and cell.
    const group = page.getByRole('table', { name: 'Series shifted by a month (2)' });
    await expect.poll(() => group.locator('tbody tr').count()).toBe(2);
    expect(await group.locator('tbody tr').first().innerText()).toMatch(
      /^B4B data set\tO20\tNumber of children in our care: "Right service right time" \(row C20\) reads as the other tables' series shifted by one month/,
    );
    await shot(page, 'check-result');
    expect(await axeFailures(page)).toEqual([]);

    // The findings as CSV, one row each.
    const csv = await page.request.get(
      await page
        .getByRole('link', { name: 'Download the findings as CSV' })
        .getAttribute('href')
        .then((h) => `${konsole.base}${h}`),
    );
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('severity,group,file,sheet,cell,message,also');
    expect(lines).toHaveLength(31);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^warning,"?Series shifted by a month"?,\d{8}T\d{6}Z-[a-f0-9]{8}-b4b-sample\.xlsx,B4B data set,O20,"Number of children in our care/,
      ),
    );

    // Produce October 2023's performance report from it: the form, then a confirmation that names what will happen.
    await page.getByRole('link', { name: 'Produce from it' }).click();
    const month = page.getByLabel('Month', { exact: true });
    expect(await month.locator('option').first().innerText()).toBe('October 2023');
    expect(await month.inputValue()).toBe('2023-10');
    expect(await page.getByLabel('Workbook', { exact: true }).inputValue()).toBe(stored[0]);
    expect(await page.getByLabel(/Children & Learning Service Performance Report/).isChecked()).toBe(true);
    expect(await axeFailures(page)).toEqual([]);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check before producing' }).waitFor();
    expect(await facts(page)).toEqual({
      Workbook: expect.stringMatching(/^b4b-sample\.xlsx, uploaded \w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST)$/),
      Month: 'October 2023',
      Produces: 'Children & Learning Service Performance Report (report: performance)',
      Replaces: 'nothing: none of these has been made for October 2023 yet',
    });
    expect(await axeFailures(page)).toEqual([]);
    await page.getByRole('button', { name: 'Produce', exact: true }).click();
    await waitFinished(page);
    const link = page.getByRole('link', { name: '2023-10/performance-2023-10.pdf' });
    await expect.poll(() => link.count()).toBe(1);
    expect(await main.innerText()).toContain('This is the first run of this month: there is nothing to compare with.');

    // Open it: the browser gets the PDF itself, inline.
    const pdf = await page.request.get(`${konsole.base}${await link.getAttribute('href')}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect(pdf.headers()['content-disposition']).toBe('inline; filename="performance-2023-10.pdf"');
    const pdfBody = await pdf.body();
    expect(pdfText(pdfBody, { firstPage: 1, lastPage: 1 })).toContain('October 2023');
    await shot(page, 'run');

    // Again without ticking the box: refused before any work, in the console's words; ticking it re-runs and compares the figures.
    await page.goto(`${konsole.base}/produce?workbook=${stored[0]}`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 2, name: 'Nothing will be replaced' }).waitFor();
    const refusal = await main.innerText();
    expect(refusal).toContain(`October 2023's outputs above have been made already, and they are replaced only when "${REPLACE}" is ticked.`);
    expect(refusal).not.toContain('--force');
    await page.getByLabel(REPLACE).check();
    await page.getByRole('button', { name: 'Produce and replace' }).click();
    await waitFinished(page);
    expect(await main.innerText()).toContain("No figures changed since the month's last run.");

    // History: newest first, with the workbook's hash.
    await page.getByRole('link', { name: 'History', exact: true }).click();
    const runs = page.locator('section.run h2');
    expect(await runs.allInnerTexts()).toEqual(['report performance, October 2023: success', 'report performance, October 2023: success']);
    const hash = createHash('sha256')
      .update(await readFile(SAMPLE))
      .digest('hex');
    expect(await main.innerText()).toContain(`SHA-256 ${hash}`);
    await page.getByLabel('Outcome').selectOption('refused');
    await page.getByRole('button', { name: 'Filter' }).click();
    expect(await runs.allInnerTexts()).toEqual([]);
    await context.close();
  });

  it('produces from the workbook chosen on the form: the run record names it and the PDF has its figures', async () => {
    // A second workbook, made by code: the sample with October 2023's contacts changed from 1922 to 2917.
    const corrected = path.join(konsole.project.root, 'B4B October 2023 corrected.xlsx');
    await writeFile(corrected, await sampleWith({ 'B4B data set': { AB6: 2917 } }));
    const context = await headless.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await signIn(context, 'olivia');
    const main = page.locator('main');
    await page.getByLabel('Workbook file (.xlsx)').setInputFiles(corrected);
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.getByRole('heading', { level: 1, name: /^B4B-October-2023-corrected\.xlsx, uploaded / }).waitFor();
    const upload = (await readdir(uploadsDir(konsole.loaded))).find((n) => n.endsWith('-B4B-October-2023-corrected.xlsx')) ?? '';
    expect(upload).not.toBe('');

    // Produce, with nothing chosen but on the one form: the corrected workbook in the list, October 2023, the performance report, replace.
    await page.getByRole('link', { name: 'Produce', exact: true }).click();
    const workbook = page.getByLabel('Workbook', { exact: true });
    expect(await workbook.inputValue()).toBe('configured');
    const label = (await workbook.locator(`option[value="${upload}"]`).innerText()).trim();
    expect(label).toMatch(/^B4B-October-2023-corrected\.xlsx, uploaded \w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST)$/);
    await workbook.selectOption(upload);
    await page.getByLabel('Month', { exact: true }).selectOption('2023-10');
    await page.getByLabel(/Children & Learning Service Performance Report/).check();
    await page.getByLabel(REPLACE).check();
    await shot(page, 'produce');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check before producing' }).waitFor();
    expect(await facts(page)).toEqual({
      Workbook: label,
      Month: 'October 2023',
      Produces: 'Children & Learning Service Performance Report (report: performance)',
      Replaces: 'the outputs already made, listed below',
    });
    const replaced = await page.getByRole('table', { name: 'Outputs that will be replaced' }).locator('tbody tr').allInnerTexts();
    expect(replaced).toEqual([
      expect.stringMatching(
        /^Children & Learning Service Performance Report \(report: performance\)\t\w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST)\tb4b-sample\.xlsx, uploaded \w{3}, \d{1,2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST)\t2$/,
      ),
    ]);
    await shot(page, 'produce-confirm');
    expect(await axeFailures(page)).toEqual([]);
    await page.getByRole('button', { name: 'Produce and replace' }).click();
    await waitFinished(page);
    expect((await facts(page)).Workbook).toBe(label);
    // The change list names the figure that differs, and only that one.
    const changes = await page
      .getByRole('table', { name: /^Figures changed since the month's last run/ })
      .locator('tbody tr')
      .allInnerTexts();
    expect(changes.some((c) => c.startsWith('Number of contacts in the month\tOct-23\t1922\t2917'))).toBe(true);
    expect(await main.innerText()).not.toContain('--force');
    // Its warnings name the upload as it was uploaded, never by the name it is stored under.
    expect(await main.innerText()).toContain('B4B-October-2023-corrected.xlsx ›');
    expect(await main.innerText()).not.toMatch(/\d{8}T\d{6}Z-[a-f0-9]{8}-B4B-October/);

    // The run record names the chosen workbook, by its path and its hash.
    const record = (await new RunLedger(konsole.project.ledger).read()).filter((r) => r.target.name === 'performance' && r.outcome === 'success').pop();
    expect(record?.workbook.path).toBe(path.join(uploadsDir(konsole.loaded), upload));
    expect(record?.workbook.sha256).toBe(
      createHash('sha256')
        .update(await readFile(path.join(uploadsDir(konsole.loaded), upload)))
        .digest('hex'),
    );
    // The PDF's figures are its figures.
    const link = page.getByRole('link', { name: '2023-10/performance-2023-10.pdf' });
    const pdf = await page.request.get(`${konsole.base}${await link.getAttribute('href')}`);
    const text = pdfText(await pdf.body());
    expect(octoberFigure(text, 'Number of contacts in the month')).toBe('2917');
    expect(octoberFigure(text, 'Number of referrals into Early Help')).toBe('137');
    await context.close();
  });

  it("an upload that is not a workbook gets the reader's message, and is not kept", async () => {
    const context = await headless.browser.newContext();
    const page = await signIn(context, 'olivia');
    const before = await readdir(uploadsDir(konsole.loaded));
    await page
      .getByLabel('Workbook file (.xlsx)')
      .setInputFiles({ name: 'figures.xlsx', mimeType: 'text/csv', buffer: Buffer.from('Indicator,Oct-23\nContacts,1200\n') });
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.getByRole('heading', { name: 'This file cannot be read as a workbook' }).waitFor();
    expect(await page.locator('main').innerText()).toContain(
      'the file is not an Excel workbook (.xlsx): it is not a zip archive (is it a text or CSV file renamed .xlsx?)',
    );
    expect(await readdir(uploadsDir(konsole.loaded))).toEqual(before);
    await context.close();
  });

  it('the board pack started from two browsers at once runs once; the other gets "already running"', async () => {
    const [a, b] = await Promise.all([headless.browser.newContext(), headless.browser.newContext()]);
    const pages = await Promise.all([signIn(a, 'olivia'), signIn(b, 'olivia')]);
    for (const page of pages) {
      await page.goto(`${konsole.base}/produce`);
      await page.getByLabel('Workbook', { exact: true }).selectOption('configured');
      await page.getByLabel(/Building for Brilliance Board/).check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { level: 1, name: 'Check before producing' }).waitFor();
    }
    await Promise.all(pages.map((page) => page.getByRole('button', { name: 'Produce', exact: true }).click()));
    const headings = await Promise.all(pages.map((page) => page.locator('h1').innerText()));
    // The run's page waits for the run: it is finished when it arrives (or says it is still running).
    expect([...headings].sort()).toEqual(['Already running', expect.stringMatching(/^(Running|Finished): the board pack for October 2023$/)]);
    const refused = pages[headings.indexOf('Already running')]!;
    const refusal = await refused.locator('main').innerText();
    expect(refusal).toContain('The board pack for October 2023 is already being produced');
    expect(refusal).toMatch(/The run lock said: another run of "[a-z0-9-]+" is in progress \(process \d+, started /);
    await shot(refused, 'already-running');
    const running = pages[headings.findIndex((h) => h !== 'Already running')]!;
    await waitFinished(running);
    const board = (await new RunLedger(konsole.project.ledger).read()).filter((r) => r.target.name === 'board');
    expect(board.map((r) => r.outcome).sort()).toEqual(['refused', 'success']);
    await a.close();
    await b.close();
  });

  it('a viewer sees public outputs only and cannot fetch a restricted file by any URL', async () => {
    await runOne(
      konsole.loaded,
      { targets: [{ kind: 'report', name: 'finance' }], month: '2023-10', trigger: 'on-demand', force: false, strict: false, waitMs: 0, numberItemFiles: true },
      silentProgress,
    );
    const officer = await headless.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const officerPage = await signIn(officer, 'olivia');
    await officerPage.goto(`${konsole.base}/outputs`);
    expect(await officerPage.locator('main').innerText()).toContain('finance-2023-10.pdf');
    await shot(officerPage, 'outputs');
    expect(await axeFailures(officerPage)).toEqual([]);
    await officerPage.goto(`${konsole.base}/schedule`);
    // What the Schedule page says is tested in test/schedule/schedule-page.test.ts (which makes its screenshot).
    expect(await officerPage.locator('section', { has: officerPage.getByRole('heading', { name: 'board-monthly' }) }).innerText()).toMatch(
      /^board-monthly\nPack\nboard\nWhen \(cron\)\n0 7 10 \* \*\nNext run\n\w+day 10 /,
    );
    await officerPage.goto(`${konsole.base}/history`);
    await shot(officerPage, 'history');
    expect(await axeFailures(officerPage)).toEqual([]);
    const officerCookie = await cookieHeader(officer);

    const context = await headless.browser.newContext();
    const page = await signIn(context, 'victor');
    expect(new URL(page.url()).pathname).toBe('/outputs');
    const listing = await page.locator('main').innerText();
    expect(listing).toContain('board-2023-10-public.pdf');
    expect(listing).not.toContain('restricted.pdf');
    expect(listing).not.toContain('finance-2023-10');
    expect(listing).not.toContain('board-items/restricted');
    const cookie = await cookieHeader(context);

    const pub = await rawGet(konsole.base, '/files/2023-10/board-2023-10-public.pdf', cookie);
    expect([pub.status, pub.type, pub.body.subarray(0, 5).toString()]).toEqual([200, 'application/pdf', '%PDF-']);

    const restrictedBytes = [
      await readFile(path.join(konsole.project.output, '2023-10', 'board-2023-10-restricted.pdf')),
      await readFile(path.join(konsole.project.output, '2023-10', 'finance-2023-10.pdf')),
    ];
    const attempts = [
      '/files/2023-10/board-2023-10-restricted.pdf',
      '/files/2023-10/finance-2023-10.pdf',
      '/files/2023-10/board-items/restricted/item-2.pdf',
      '/files/2023-10/finance-2023-10.html',
      '/files/2023-10/FINANCE-2023-10.PDF',
      '/files/2023-10/board-items/public/../restricted/item-2.pdf',
      '/files/2023-10/board-items/public/..%2Frestricted%2Fitem-2.pdf',
      '/files/2023-10/board-items/public/%2e%2e/restricted/item-2.pdf',
      '/files/2023-10/board-html/..%2f..%2f2023-10%2ffinance-2023-10.pdf',
      '/files/2023-10%2Fboard-2023-10-restricted.pdf',
      '/files/%2e%2e/output/2023-10/finance-2023-10.pdf',
      '/files/2023-10/board-2023-10-restricted.pdf%00.pdf',
      '/files//2023-10/finance-2023-10.pdf',
      '/files/2023-10\\finance-2023-10.pdf',
    ];
    for (const attempt of attempts) {
      const answer = await rawGet(konsole.base, attempt, cookie);
      expect([403, 404], attempt).toContain(answer.status);
      expect(answer.body.includes('%PDF'), attempt).toBe(false);
      for (const bytes of restrictedBytes) expect(answer.body.includes(bytes.subarray(200, 264)), attempt).toBe(false);
    }
    // The officer gets them.
    expect((await rawGet(konsole.base, '/files/2023-10/finance-2023-10.pdf', officerCookie)).status).toBe(200);

    // A public file replaced by a symbolic link to a restricted one is refused, even to an officer.
    const twin = path.join(konsole.project.output, '2023-10', 'board-html', 'item-1-performance.html');
    await rename(twin, `${twin}.moved`);
    await symlink(path.join('..', 'finance-2023-10.pdf'), twin);
    try {
      for (const who of [cookie, officerCookie]) {
        const answer = await rawGet(konsole.base, '/files/2023-10/board-html/item-1-performance.html', who);
        expect(answer.status).toBe(404);
        expect(answer.body.includes('%PDF')).toBe(false);
      }
    } finally {
      await unlink(twin);
      await rename(`${twin}.moved`, twin);
    }
    expect((await rawGet(konsole.base, '/files/2023-10/board-html/item-1-performance.html', cookie)).status).toBe(200);

    // Nor may a viewer run anything.
    expect((await rawGet(konsole.base, '/produce', cookie)).status).toBe(403);
    expect((await rawGet(konsole.base, '/check', cookie)).status).toBe(403);
    await context.close();
    await officer.close();
  });

  // Last: it changes the project's config/header-aliases.yaml.
  it('an error comes first on the Check page, and its button corrects it so that the next check passes', async () => {
    const mistyped = path.join(konsole.project.root, 'B4B October 2023 mistyped.xlsx');
    await writeFile(mistyped, await sampleWith({ 'B4B data set': { AA2: 'Sep-32' } }));
    const context = await headless.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await signIn(context, 'olivia');
    const main = page.locator('main');
    await page.getByLabel('Workbook file (.xlsx)').setInputFiles(mistyped);
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.getByRole('heading', { level: 2, name: /^1 error, \d+ warnings$/ }).waitFor();
    // The error is the first table on the page, with its sheet, cell and what to do.
    const first = page.locator('main table').first();
    expect(await first.locator('caption').innerText()).toBe('Not a month (1)');
    expect(await first.locator('thead th').allInnerTexts()).toEqual(['Sheet', 'Cell', 'What was found', 'What you can do']);
    const row = await first.locator('tbody td').allInnerTexts();
    expect(row.slice(0, 2)).toEqual(['B4B data set', 'AA2']);
    expect(row[3]).toContain('Add this line to config/header-aliases.yaml, under monthCorrections:');
    expect(row[3]).toContain('- {sheet: B4B data set, cell: AA2, reads: Sep-32, month: 2023-09}');
    const headings = await main.locator('h2').allInnerTexts();
    const warnings = headings.findIndex((h) => /^Warnings \(\d+\)$/.test(h));
    expect(warnings).toBeGreaterThan(-1);
    expect(headings.indexOf('Errors (1)')).toBeLessThan(warnings);
    expect(warnings).toBeLessThan(headings.indexOf('What was read'));
    await shot(page, 'check-error');
    expect(await axeFailures(page)).toEqual([]);

    await page.getByRole('button', { name: 'Read AA2 as September 2023' }).click();
    await page.getByRole('heading', { level: 2, name: 'No errors' }).waitFor();
    expect(await main.innerText()).toContain('month header "Sep-32" read as Sep-23, as config/header-aliases.yaml (monthCorrections) declares');
    await shot(page, 'check-fixed');
    await context.close();
  });
});
