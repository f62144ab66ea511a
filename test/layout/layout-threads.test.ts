import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';
import { documentsLaidOutInThread, layOut, startLayoutThreads, stopLayoutThreads } from '../../src/layout/layout-threads.js';
import type { LayoutTask } from '../../src/layout/layout-task.js';
import { madeUpReport } from '../fixtures/made-up-layout.js';
import { performanceReport } from '../fixtures/sample-report.js';
import { pdfPageCount, pdfText, renderPagesGrey } from '../fixtures/pdf-text.js';
import { ROOT } from '../fixtures/workbooks.js';

// The run lays documents out in a layout thread; the library default (and these tests' other files)
// lays them out in the calling thread. Both must give the same document.
describe('the layout thread', () => {
  let inThread: Awaited<ReturnType<typeof performanceReport>>;
  beforeAll(async () => {
    inThread = await performanceReport('2023-10');
    startLayoutThreads();
  }, 120_000);
  afterAll(() => stopLayoutThreads());

  it('lays a report out as the calling thread does: same text, pages, page images and placed figures', async () => {
    const before = documentsLaidOutInThread();
    const threaded = await performanceReport('2023-10');
    expect(documentsLaidOutInThread()).toBe(before + 1);
    expect(pdfPageCount(threaded.pdf)).toBe(pdfPageCount(inThread.pdf));
    expect(pdfText(threaded.pdf)).toBe(pdfText(inThread.pdf));
    expect(renderPagesGrey(threaded.pdf, [1, 4, 9], 30)).toEqual(renderPagesGrey(inThread.pdf, [1, 4, 9], 30));
    // The page each printed row landed on comes back from the thread.
    expect(threaded.printed.filter((p) => p.page !== undefined).length).toBeGreaterThan(100);
    expect(threaded.printed).toEqual(inThread.printed);
  }, 120_000);

  it('passes a failed layout back as an error and goes on laying out the next document', async () => {
    const broken = { kind: 'no such document' } as unknown as LayoutTask;
    await expect(layOut(broken)).rejects.toThrow(/no such document/);
    const madeUp = madeUpReport();
    const before = documentsLaidOutInThread();
    const after = await layOut(madeUp);
    expect(documentsLaidOutInThread()).toBe(before + 1);
    expect(pdfText(after.pdf)).toContain('Made-up report');
  }, 60_000);

  it('once stopped, lays out in the calling thread, with the same result', async () => {
    await stopLayoutThreads();
    const madeUp = madeUpReport();
    const here = await layOut(madeUp);
    startLayoutThreads();
    const before = documentsLaidOutInThread();
    const there = await layOut(madeUp);
    expect(documentsLaidOutInThread()).toBe(before + 1);
    expect(pdfText(there.pdf)).toBe(pdfText(here.pdf));
    expect(there.anchorPages).toEqual(here.anchorPages);
  }, 60_000);

  it('a thread that cannot start never holds the run up: it says so once and the documents are laid out here', async () => {
    await stopLayoutThreads();
    const dir = await mkdtemp(path.join(tmpdir(), 'b4b-layout-thread-'));
    const broken = path.join(dir, 'broken-layout-thread.mjs');
    await writeFile(broken, "throw new Error('pdfmake is missing (made up for this test)');\n");
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      startLayoutThreads({ module: pathToFileURL(broken) });
      const madeUp = madeUpReport();
      const before = documentsLaidOutInThread();
      const first = await layOut(madeUp);
      const second = await layOut(madeUp);
      expect(documentsLaidOutInThread()).toBe(before);
      expect(pdfText(first.pdf)).toContain('Made-up report');
      expect(pdfText(second.pdf)).toBe(pdfText(first.pdf));
      const said = stderr.mock.calls.map(([text]) => String(text)).filter((text) => text.includes('layout thread'));
      expect(said).toEqual([expect.stringMatching(/the layout thread stopped \(.*pdfmake is missing.*\); documents are laid out in the main thread instead/)]);
    } finally {
      stderr.mockRestore();
      await stopLayoutThreads();
    }
  }, 60_000);

  it.each(['alive', 'stopped'])(
    'a thread that laid out a report with charts ends (idle, then at exit with the thread %s) without taking the process down',
    (how) => {
      // In a process of its own: node-canvas unloaded by an ending thread crashed the whole process (exit 139).
      const child = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'test/fixtures/layout-thread-exit.ts', how], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 100_000,
      });
      expect({ status: child.status, signal: child.signal, stderr: child.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
      expect(JSON.parse(child.stdout)).toEqual({ inThread: 2, endedWhenIdle: true, drewCharts: true });
    },
    120_000,
  );
});
