import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { writeDiagnostic } from '../cli/log-format.js';
import { drawChartPages, type ChartToDraw } from '../render/chart-canvas.js';
import type { LaidOut, LayoutTask } from './layout-task.js';
import type { ThreadResult, ThreadTask } from './layout-worker.js';

/**
 * Where documents are laid out. By default in the calling thread. A command that lays out documents
 * (run, the scheduler, the console) starts the layout thread first: pdfmake loads and the fonts are
 * decoded there while the workbook is read, the month's documents are laid out there while this thread
 * assembles packs and writes files, and the main thread stays free to answer a signal (SIGTERM stops
 * a run at once, not after a layout) or, in the console, a request.
 */
let threads: { pool: Piscina<ThreadTask, ThreadResult>; failed: Promise<never> } | undefined;

/** The layout thread could not start or stopped outside a task: documents are then laid out here. */
class LayoutThreadFailure extends Error {}

let laidOutInThread = 0;

/** How many documents the layout thread has laid out in this process (for tests and the benchmark). */
export function documentsLaidOutInThread(): number {
  return laidOutInThread;
}

/**
 * Starts the layout thread now: it loads pdfmake and decodes the font's tables while the caller
 * reads the workbook. (Laying out a made-up report as well, to warm pdfmake's code up, made the
 * first real layout 0.3 s quicker but no run quicker: it took the cores the read needed.) One
 * thread: on two cores it overlaps the main thread's work (reading, models, HTML, assembly,
 * writing); a second thread would warm pdfmake up a second time and compete with the main thread
 * for the same cores (measured: no faster, 60 MB more).
 * `idleMs`, for a long-running console or scheduler, ends the thread when it has been idle that long
 * (it starts again with the next document); without it the thread lasts until stopLayoutThreads.
 * `module` replaces the thread's module (for the tests of a thread that cannot start).
 */
export function startLayoutThreads(options: { idleMs?: number; module?: URL } = {}): void {
  if (threads) return;
  const source = import.meta.url.endsWith('.ts');
  const pool = new Piscina<ThreadTask, ThreadResult>({
    // From the TypeScript sources (the tests), the thread loads its module through tsx as the tests do.
    filename: (options.module ?? new URL(source ? './layout-worker-from-source.mjs' : './layout-worker.js', import.meta.url)).href,
    minThreads: options.idleMs === undefined ? 1 : 0,
    maxThreads: 1,
    idleTimeout: options.idleMs ?? Number.POSITIVE_INFINITY,
  });
  // A thread that fails as it loads is never ready, and piscina would keep the run's documents queued
  // for it: the failure is raised beside each layout instead, which then runs here.
  let fail: (error: LayoutThreadFailure) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  pool.on('error', (error: unknown) => fail(new LayoutThreadFailure(error instanceof Error ? error.message : String(error))));
  threads = { pool, failed };
}

/** How many layout threads are running now (0 once an idle thread has ended; for the tests). */
export function layoutThreadsRunning(): number {
  return threads?.pool.threads.length ?? 0;
}

/** Ends the layout thread (the next layout runs in the calling thread until it is started again). */
export async function stopLayoutThreads(): Promise<void> {
  const running = threads;
  threads = undefined;
  if (running) await running.pool.destroy();
}

/**
 * Lays out one document: in the layout thread when it is started, else here. The document is the
 * same either way. If the thread cannot start, the run says so once and lays out here.
 *
 * A report's charts are drawn here, not in the layout thread: the thread hands them back as soon as
 * their sizes are final, and this thread draws them while the thread writes the pages (the drawing
 * is kept: chartsPlaced then only places it). So they cost the run no time when this thread is free,
 * and node-canvas is only ever loaded in this thread.
 */
export async function layOut(task: LayoutTask): Promise<LaidOut & { pdf: Buffer }> {
  let done: LaidOut | undefined;
  const running = threads;
  if (running) {
    const charts = new MessageChannel();
    let drawingMs = 0;
    // The code that places the charts (pdf-lib), loaded while the thread lays out.
    const placing = task.kind === 'report' ? import('../render/place-charts.js') : undefined;
    try {
      let result: ThreadResult;
      charts.port1.on('message', (toDraw: ChartToDraw[]) => {
        const begun = performance.now();
        try {
          const drawing = drawChartPages(toDraw);
          // Read for placing while the thread writes the pages.
          placing?.then((code) => code.parsedChartPdf(drawing)).catch(() => undefined);
        } catch {
          // Drawn again as the charts are placed, where the failure fails this document alone (thrown
          // here, it would end the process as an uncaught exception).
        }
        drawingMs += performance.now() - begun;
      });
      try {
        result = await Promise.race([running.pool.run({ task, charts: charts.port2 }, { transferList: [charts.port2] }), running.failed]);
      } catch (cause) {
        throw cause instanceof LayoutThreadFailure ? cause : new LayoutThreadFailure(cause instanceof Error ? cause.message : String(cause));
      } finally {
        charts.port1.close();
      }
      if ('error' in result) throw Object.assign(new Error(result.error.message), result.error);
      // The charts' time: drawn as they were handed on, and placed.
      const pages = { ...result.laidOut, chartMs: result.laidOut.chartMs + drawingMs };
      done = placing ? await (await placing).chartsPlaced(pages) : pages;
      laidOutInThread += 1;
    } catch (error) {
      if (!(error instanceof LayoutThreadFailure)) throw error;
      if (threads === running) {
        threads = undefined;
        void running.pool.destroy().catch(() => undefined);
        writeDiagnostic('warn', `the layout thread stopped (${error.message}); documents are laid out in the main thread instead.`);
      }
    }
  }
  done ??= await (await layoutTask()).layOutTask(task);
  // Bytes that crossed from a thread arrive as a plain Uint8Array: a Buffer over the same memory.
  const pdf = Buffer.isBuffer(done.pdf) ? done.pdf : Buffer.from(done.pdf.buffer, done.pdf.byteOffset, done.pdf.byteLength);
  return { ...done, pdf };
}

/** The layout code, loaded in this thread only when it lays out itself (pdfmake is loaded with it). */
function layoutTask(): Promise<typeof import('./layout-task.js')> {
  return import('./layout-task.js');
}
