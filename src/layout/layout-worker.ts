/**
 * A layout thread (piscina's worker): lays out the documents the run sends it. Loading it loads pdfmake
 * and decodes the fonts, so a thread started with the run is ready by the time the workbook is read.
 */
import type { MessagePort } from 'node:worker_threads';
import { prepareLayout } from '../render/pdf-bytes.js';
import { layOutPages, type LaidOutPages, type LayoutTask } from './layout-task.js';

// The thread draws no chart (the thread that asks for a layout draws its charts): node-canvas is never
// loaded here. A thread that had drawn with it unloaded it as it ended and the process crashed (exit 139,
// canvas 3.2 on Node 20 and 24) unless the main thread held it; one drawing as the process ended aborted
// it (exit 134, 2 runs in 30 under load).
prepareLayout();

/** A document to lay out, and the port its charts are handed back through as soon as they are final. */
export interface ThreadTask {
  task: LayoutTask;
  charts: MessagePort;
}

/** A document the thread could not lay out comes back as its error: a rejected task means the thread itself failed. */
export type ThreadResult = { laidOut: LaidOutPages } | { error: { name: string; message: string; stack?: string } };

export default async function layOutInThread({ task, charts }: ThreadTask): Promise<ThreadResult> {
  try {
    return { laidOut: await layOutPages(task, (toDraw) => charts.postMessage(toDraw)) };
  } catch (cause) {
    const error = cause instanceof Error ? cause : new Error(String(cause));
    return { error: { name: error.name, message: error.message, ...(error.stack !== undefined ? { stack: error.stack } : {}) } };
  }
}
