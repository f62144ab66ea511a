import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { untimed, type Stage, type StageTimer } from '../produce/context.js';

/**
 * Where a run's time goes, for `npm run bench:month`: wall and CPU time of each stage, and the
 * process's peak RSS when the stage last ended. The run's stages are given this clock (stageTimer);
 * none of them imports it. Off unless B4B_STAGE_TIMES names a file, to which the
 * totals are written as JSON when the process exits; then each stage costs two clock readings.
 * Nested stages (charts are drawn while a document is laid out) are counted in the inner stage only.
 */
export interface StageTotals {
  wallMs: number;
  cpuMs: number;
  count: number;
  /** The process's peak resident set size (MB) when the stage last ended. */
  peakRssMb: number;
}

// Timed in the main thread only: the layout thread reports what it did (recordThreadStage).
const file = isMainThread ? process.env.B4B_STAGE_TIMES : undefined;
const totals = new Map<Stage, StageTotals>();
interface Open {
  stage: Stage;
  wall: number;
  cpu: number;
  childWall: number;
  childCpu: number;
}
const open: Open[] = [];

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// A month's sets run at once (two packs assemble together): a stage entered while it is already
// open (awaited concurrently) extends the open one, so the stage's wall time is the time any of them was running.
const depth = new Map<Stage, { entry: Open; count: number }>();

function enter(stage: Stage): Open {
  const already = depth.get(stage);
  if (already) {
    already.count += 1;
    return already.entry;
  }
  const entry = { stage, wall: performance.now(), cpu: cpuNow(), childWall: 0, childCpu: 0 };
  depth.set(stage, { entry, count: 1 });
  open.push(entry);
  return entry;
}

function leave(entry: Open): void {
  const already = depth.get(entry.stage);
  if (already && already.entry === entry && --already.count > 0) {
    const total = totals.get(entry.stage);
    if (total) total.count += 1;
    else totals.set(entry.stage, { wallMs: 0, cpuMs: 0, count: 1, peakRssMb: 0 });
    return;
  }
  depth.delete(entry.stage);
  const wall = performance.now() - entry.wall;
  const cpu = cpuNow() - entry.cpu;
  const index = open.lastIndexOf(entry);
  if (index >= 0) open.splice(index, 1);
  const parent = open[open.length - 1];
  if (parent) {
    parent.childWall += wall;
    parent.childCpu += cpu;
  }
  const total = totals.get(entry.stage) ?? { wallMs: 0, cpuMs: 0, count: 0, peakRssMb: 0 };
  total.wallMs += wall - entry.childWall;
  total.cpuMs += cpu - entry.childCpu;
  total.count += 1;
  total.peakRssMb = process.resourceUsage().maxRSS / 1024;
  totals.set(entry.stage, total);
}

/** Times `work` (sync or async) as `stage` when stage times are on; otherwise just runs it. */
function timed<T>(stage: Stage, work: () => T): T {
  if (!file) return work();
  const entry = enter(stage);
  let result: T;
  try {
    result = work();
  } catch (error) {
    leave(entry);
    throw error;
  }
  if (result instanceof Promise) {
    return result.finally(() => leave(entry)) as T;
  }
  leave(entry);
  return result;
}

/** Starts timing `stage`; call the returned function when it ends (for a stage that spans several awaits). */
function begin(stage: Stage): () => void {
  if (!file) return () => undefined;
  const entry = enter(stage);
  return () => leave(entry);
}

// Stages run in the layout thread, as it reports them (wall time only: Node 20 cannot measure one thread's CPU).
const threadTotals = new Map<Stage, { wallMs: number; count: number }>();

/** Adds `ms` of `stage` done in the layout thread (it runs alongside the main thread's stages). */
function recordThreadStage(stage: Stage, ms: number): void {
  if (!file) return;
  const total = threadTotals.get(stage) ?? { wallMs: 0, count: 0 };
  total.wallMs += ms;
  total.count += 1;
  threadTotals.set(stage, total);
}

let startupMarked = false;

/** Counts the process's start-up (Node and the CLI's own modules, up to the command's action) as imports. */
export function markStartup(): void {
  if (!file || startupMarked) return;
  startupMarked = true;
  const total = totals.get('imports') ?? { wallMs: 0, cpuMs: 0, count: 0, peakRssMb: 0 };
  total.wallMs += performance.now();
  total.cpuMs += cpuNow();
  total.count += 1;
  total.peakRssMb = process.resourceUsage().maxRSS / 1024;
  totals.set('imports', total);
}

if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        stages: Object.fromEntries(totals),
        thread: Object.fromEntries(threadTotals),
        process: { wallMs: performance.now(), cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, peakRssMb: usage.maxRSS / 1024 },
      }),
    );
  });
}

/** The stage timer a command gives its run: the clock above when B4B_STAGE_TIMES asks for it, else none. */
export function stageTimer(): StageTimer {
  return file ? { timed, begin, inThread: recordThreadStage } : untimed;
}
