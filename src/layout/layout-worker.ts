/**
 * A layout thread (piscina's worker): lays out the documents the run sends it. Loading it loads pdfmake
 * and decodes the fonts, so a thread started with the run is ready by the time the workbook is read.
 */
import { prepareLayout } from '../render/pdf-bytes.js';
import { layOutTask, type LaidOut, type LayoutTask } from './layout-task.js';

// Not Chart.js as well: a thread drawing its first chart as the process ends (a run refused at once)
// aborted the process (exit 134, 2 runs in 30 under load); a thread draws only a document's charts.
prepareLayout();

/** A document the thread could not lay out comes back as its error: a rejected task means the thread itself failed. */
export type ThreadResult = { laidOut: LaidOut } | { error: { name: string; message: string; stack?: string } };

export default async function layOutInThread(task: LayoutTask): Promise<ThreadResult> {
  try {
    return { laidOut: await layOutTask(task) };
  } catch (cause) {
    const error = cause instanceof Error ? cause : new Error(String(cause));
    return { error: { name: error.name, message: error.message, ...(error.stack !== undefined ? { stack: error.stack } : {}) } };
  }
}
