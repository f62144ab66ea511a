import type { LaidOut, LayoutTask } from '../layout/layout-task.js';
import { RunCache } from './run-cache.js';

/** The stages a run's time is counted in (`npm run bench:month`). */
export type Stage = 'imports' | 'read' | 'model' | 'charts' | 'layout' | 'html' | 'assembly' | 'write';

/**
 * Where a run's time goes: given to the stages by the command that runs them (src/cli/stage-clock.ts
 * when the benchmark asks for stage times), never imported by them. The default times nothing.
 */
export interface StageTimer {
  /** Runs `work` (sync or async), counting its time as `stage`. */
  timed<T>(stage: Stage, work: () => T): T;
  /** Starts counting `stage`; the returned function ends it (for a stage that spans several awaits). */
  begin(stage: Stage): () => void;
  /** Adds `ms` of `stage` done in the layout thread, alongside the main thread's stages. */
  inThread(stage: Stage, ms: number): void;
}

export const untimed: StageTimer = {
  timed: (_stage, work) => work(),
  begin: () => () => undefined,
  inThread: () => undefined,
};

/** Lays one document out (in the layout thread or the calling thread: src/layout/layout-threads.ts). */
export type LayOut = (task: LayoutTask) => Promise<LaidOut & { pdf: Buffer }>;

/**
 * What producing needs besides its inputs, all given by the caller: where documents are laid out,
 * the run's cache (each document laid out once a run) and the stage timer. Producing holds no state
 * of its own between runs.
 */
export interface ProduceContext {
  layOut: LayOut;
  cache: RunCache;
  timer: StageTimer;
  /** Says what is being produced, naming the report or pack (the run's progress). */
  step: (message: string) => void;
}

/** A context for one run: a fresh cache, and no timing or progress unless given. */
export function produceContext(layOut: LayOut, options: { timer?: StageTimer; step?: (message: string) => void } = {}): ProduceContext {
  const timer = options.timer ?? untimed;
  return {
    // The thread's own stage times are counted beside the main thread's.
    layOut: async (task) => {
      const done = await layOut(task);
      timer.inThread('layout', done.layoutMs);
      if (done.chartMs > 0) timer.inThread('charts', done.chartMs);
      return done;
    },
    cache: new RunCache(),
    timer,
    step: options.step ?? (() => undefined),
  };
}
