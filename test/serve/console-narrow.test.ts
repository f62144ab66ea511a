/**
 * The console's run pages on a phone (400 px) and the Produce form from the keyboard, in headless
 * Chromium: what an officer sees and does, not only the HTML.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, type HeadlessBrowser } from '../fixtures/browser.js';
import { PASSWORDS, startConsole, type RunningConsole } from './console-helpers.js';

let konsole: RunningConsole;
let headless: HeadlessBrowser;

beforeAll(async () => {
  [konsole, headless] = await Promise.all([startConsole(), launchBrowser()]);
});

afterAll(async () => {
  await headless?.close();
  await konsole?.close();
});

async function signIn(page: Page, user: keyof typeof PASSWORDS): Promise<void> {
  await page.goto(`${konsole.base}/sign-in`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(PASSWORDS[user]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/** axe-core at WCAG 2.2 AA on the page as served, its stylesheet included: the rules that fail. */
async function axeFailures(page: Page): Promise<string[]> {
  const html = await page.content();
  const copy = await page.context().newPage();
  await copy.goto(`${konsole.base}/console.css`);
  const { violations } = await axeViolations(copy, html);
  await copy.close();
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
}

/** How far the page reaches past the window's right edge, in CSS pixels (0: nothing to scroll sideways to). */
const sideways = (page: Page): Promise<number> =>
  page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });

describe('the console on a phone and from the keyboard', () => {
  it("a run's page at 400 px shows each fact's value beside or under its term, not off the screen; the new pages pass axe", { timeout: 180_000 }, async () => {
    const context = await headless.browser.newContext({ viewport: { width: 400, height: 900 } });
    const page = await context.newPage();
    await signIn(page, 'olivia');
    await page.goto(`${konsole.base}/produce/confirm?workbook=configured&month=2023-10&what=report%3Aperformance&replace=yes`);
    await page.getByRole('button', { name: 'Produce', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^Finished:/ }).waitFor({ timeout: 120_000 });
    // The facts list's longest term is the tick box's words ("Replace the outputs already made for this
    // month"): as one line it took the whole width and put every value past the right edge.
    const values = await page.locator('dl.facts dd').all();
    expect(values.length).toBeGreaterThan(3);
    for (const value of values) {
      const box = await value.boundingBox();
      expect(Math.round((box?.x ?? 0) + (box?.width ?? 0))).toBeLessThanOrEqual(400);
    }
    expect(await sideways(page)).toBe(0);

    // The run as the ledger records it (History links it), at 400 px too, and at AA.
    await page.getByRole('link', { name: "This output's run as the ledger records it" }).click();
    await page.getByRole('heading', { level: 1, name: 'The performance report, October 2023: success' }).waitFor();
    expect(await sideways(page)).toBe(0);
    expect(await axeFailures(page)).toEqual([]);
    await page.goto(`${konsole.base}/history`);
    expect(await sideways(page)).toBe(0);
    expect(await axeFailures(page)).toEqual([]);
    await context.close();
  });

  it('Enter on a choice of the Produce form continues to the check before producing, not the button that shows the months again', async () => {
    const context = await headless.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, 'olivia');
    await page.goto(`${konsole.base}/produce`);
    await page.getByLabel(/^The whole month/).check();
    await page.getByLabel('Replace the outputs already made for this month').check();
    await page.getByLabel('Replace the outputs already made for this month').press('Enter');
    await page.waitForURL((url) => url.pathname === '/produce/confirm', { timeout: 5000 });
    expect(new URL(page.url()).searchParams.get('what')).toBe('month');
    await page.getByRole('heading', { level: 1, name: 'Check before producing' }).waitFor();
    // The form's own button is the one a screen reader and the Tab key find: the default one is hidden from both.
    await page.goto(`${konsole.base}/produce`);
    expect(await page.getByRole('button', { name: 'Continue' }).count()).toBe(1);
    expect(await axeFailures(page)).toEqual([]);
    await context.close();
  });
});
