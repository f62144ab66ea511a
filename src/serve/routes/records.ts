import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ScheduleSettings } from '../../config/delivery.js';
import { loadPacks } from '../../pack/load-packs.js';
import { RunLedger, type RunRecord } from '../../run/ledger.js';
import { silentProgress } from '../../run/progress.js';
import { configuredScheduler } from '../../schedule/configured-scheduler.js';
import { scheduleOutlook } from '../../schedule/schedule-outlook.js';
import { scheduleWarnings } from '../../schedule/scheduler.js';
import { monthLabel, monthLongLabel } from '../../model/month.js';
import { targetInWords } from '../../model/target.js';
import { page, type ConsoleContext } from '../context.js';
import { exists, knownOutputs, outputNow, type KnownOutput } from '../outputs.js';
import { consoleWords, REPLACE_LABEL } from '../runs.js';
import { originalName, recordedWorkbookLabel, uploadsDir } from '../uploads.js';
import { londonTime } from '../views.js';

const OUTCOMES: readonly string[] = ['success', 'failed', 'refused'];

export function registerRecords(app: FastifyInstance, ctx: ConsoleContext): void {
  const { loaded } = ctx;

  app.get('/history', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const officer = request.user?.role === 'officer';
    const all = (await new RunLedger(loaded.paths.ledger, { outputDir: loaded.paths.outputDir }).read()).reverse();
    const month = typeof query.month === 'string' && all.some((r) => r.month === query.month) ? query.month : '';
    const outcomes = [...new Set([...OUTCOMES, ...all.map((r) => r.outcome)])];
    const outcome = typeof query.outcome === 'string' && outcomes.includes(query.outcome) ? query.outcome : '';
    const runs = all.filter((r) => (!month || r.month === month) && (!outcome || r.outcome === outcome));
    const known = await knownOutputs(loaded, await loadPacks(loaded));
    const months = [...new Set(all.map((r) => r.month))].sort().reverse();
    const shown = runs.slice(0, 200);
    const byId = new Map(all.map((r) => [r.id, r]));
    return page(ctx, request, reply, 'history', {
      title: 'History',
      months: months.map((m) => ({ month: m, label: monthLongLabel(m), selected: m === month })),
      outcomes: outcomes.map((o) => ({ value: o, selected: o === outcome })),
      total: all.length,
      count: runs.length,
      more: runs.length - shown.length,
      filtered: Boolean(month || outcome),
      runs: await Promise.all(shown.map((r) => runView(r, ctx, known, byId, officer))),
    });
  });

  app.get('/schedule', async (request, reply) => {
    let settings: ScheduleSettings | undefined = ctx.scheduler?.settings;
    let problem: string | undefined;
    if (!settings) {
      try {
        // Checked as the scheduler checks it at start (packs, delivery lists), without starting anything.
        settings = (await configuredScheduler(loaded, silentProgress)).settings;
      } catch (error) {
        problem = (error as Error).message;
      }
    }
    const runs = await new RunLedger(loaded.paths.ledger, { outputDir: loaded.paths.outputDir }).read();
    const timezone = settings?.timezone ?? 'Europe/London';
    const outlook = settings ? await scheduleOutlook(loaded, settings) : undefined;
    const jobs = (outlook?.jobs ?? []).map((job) => {
      const last = runs.filter((r) => r.job === job.name).pop();
      return {
        ...job,
        // Advice in them ("b4b-reports validate" lists the errors) names this console's project.
        workbookText: ctx.advise(job.workbookText),
        ...(job.warning ? { warning: ctx.advise(job.warning) } : {}),
        last: last
          ? { when: londonTime(last.startedAt), outcome: last.outcome, month: monthLongLabel(last.month), slot: last.slot, error: last.error?.split('\n')[0] }
          : undefined,
        lists: job.sendsTo.join(', '),
      };
    });
    return page(ctx, request, reply, 'schedule', {
      title: 'Schedule',
      jobs,
      // A job with no run in some months (a monthly pack on the 31st), as schedule --check says it.
      gaps: settings ? scheduleWarnings(settings, path.relative(loaded.paths.root, loaded.paths.schedule) || loaded.paths.schedule).map((w) => w.message) : [],
      warningCount: jobs.filter((j) => j.warning).length,
      workbook: outlook?.workbook.name,
      running: ctx.scheduler?.isRunning === true,
      problem: problem === undefined ? undefined : ctx.advise(problem),
      timezone,
    });
  });
}

/**
 * One recorded run on a page of its own (History links each run here), whoever or whatever started it:
 * `/runs/ID` with the ledger's id of the run (a run started from this console has a page under the
 * console's id for it too, src/serve/routes/produce.ts, which links here for each output).
 */
export async function recordedRunPage(ctx: ConsoleContext, request: FastifyRequest, reply: FastifyReply, id: string): Promise<unknown> {
  const { loaded } = ctx;
  const all = await new RunLedger(loaded.paths.ledger, { outputDir: loaded.paths.outputDir }).read();
  const record = all.find((r) => r.id === id);
  if (!record) return page(ctx, request, reply, 'error', { title: 'Page not found', message: 'There is no such run (History lists every run recorded).' }, 404);
  const known = await knownOutputs(loaded, await loadPacks(loaded));
  const run = await runView(record, ctx, known, new Map(all.map((r) => [r.id, r])), request.user?.role === 'officer');
  const title = `${capitalised(targetInWords(record.target))}, ${monthLongLabel(record.month)}: ${record.outcome}`;
  return page(ctx, request, reply, 'recorded-run', { title, run });
}

/**
 * An upload's messages by the name it was uploaded with ("B4B-October.xlsx ›"), as the run's page and the
 * Workbook line name it, not the name it is stored under ("20261201T074512Z-1a2b3c4d-B4B-October.xlsx ›").
 */
function uploadNamed(workbook: string, uploads: string): (text: string) => string {
  const stored = path.basename(workbook);
  const original = originalName(stored);
  if (path.dirname(workbook) !== uploads || original === stored) return (text) => text;
  return (text) => text.split(stored).join(original);
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export async function runView(
  r: RunRecord,
  ctx: ConsoleContext,
  known: Map<string, KnownOutput>,
  byId: Map<string, RunRecord>,
  officer: boolean,
): Promise<Record<string, unknown>> {
  const { loaded } = ctx;
  const outputDir = loaded.paths.outputDir;
  const set = `${r.month}/${r.target.kind}-${r.target.name}`;
  const kept = r.outcome === 'success' && (await exists(path.join(outputDir, '.sets', ...set.split('/'), r.id)));
  const outputs = await outputViews(r, ctx, known, byId, officer);
  const named = uploadNamed(r.workbook.path, uploadsDir(loaded));
  return {
    id: r.id,
    href: `/runs/${encodeURIComponent(r.id)}`,
    started: londonTime(r.startedAt),
    target: `${r.target.kind} ${r.target.name}`,
    month: monthLongLabel(r.month),
    trigger: r.trigger === 'schedule' ? `schedule${r.job ? ` (${r.job})` : ''}` : 'on demand',
    outcome: r.outcome,
    duration: `${(r.durationMs / 1000).toFixed(1)} s`,
    workbook: recordedWorkbookLabel(r.workbook.path, uploadsDir(loaded)),
    sha256: r.workbook.sha256 ?? 'not read',
    outputs,
    anyReplaced: outputs.some((o) => o.replaced),
    // Where a re-run keeps the files it replaced (src/run/output-files.ts): the run before the current one.
    keptIn: kept && outputs.some((o) => o.replaced) ? `output/.sets/${set}/${r.id}` : undefined,
    // Warnings, changed figures and errors can quote an exempt document's figures and cells: officers only.
    officer,
    warningCount: r.warnings.length,
    warnings: officer ? r.warnings.map(named) : [],
    changes: officer ? r.changes?.map((c) => ({ ...c, monthLabel: monthLabel(c.month) })) : undefined,
    hasChanges: officer && r.changes !== undefined,
    changeCount: r.changes?.length,
    delivery: r.delivery?.map((d) => ({ ...d, recipients: d.recipients.length, detail: officer ? d.detail : undefined })),
    // A refusal's advice is the Produce page's tick box: History has none, so it says where it is and links it, with the choices made.
    error: officer
      ? r.error && named(consoleWords(r.error)).replace(`tick "${REPLACE_LABEL}".`, `tick "${REPLACE_LABEL}" on the Produce page.`)
      : r.error
        ? 'recorded (officers can see it)'
        : undefined,
    produceAgain:
      officer && r.outcome === 'refused'
        ? `/produce?${new URLSearchParams({ month: r.month, what: `${r.target.kind}:${r.target.name}`, replace: 'yes' }).toString()}`
        : undefined,
  };
}

/**
 * A run's files as its pages list them: each linked only while the file there is still this run's
 * (its recorded SHA-256); a file a later run replaced says so and links that run's page (the file
 * there now prints that run's figures, not this one's); restricted ones are linked for officers only.
 */
export async function outputViews(
  r: RunRecord,
  ctx: ConsoleContext,
  known: Map<string, KnownOutput>,
  byId: Map<string, RunRecord>,
  officer: boolean,
): Promise<OutputView[]> {
  const outputDir = ctx.loaded.paths.outputDir;
  return Promise.all(
    r.outputs.map(async (o) => {
      const rel = path.relative(outputDir, o.path).split(path.sep).join('/');
      const entry = known.get(rel);
      const visible = entry !== undefined && (!entry.restricted || officer);
      const restricted = entry?.restricted === true;
      if (r.outcome !== 'success') return { rel, restricted };
      // Linked only while the file there is still this run's: a later run's file prints that run's figures.
      const now = await outputNow(ctx.loaded, known, r, o);
      if (now.state === 'this-run') return { rel, restricted, href: visible ? `/files/${rel}?run=${encodeURIComponent(r.id)}` : undefined };
      if (now.state === 'gone') return { rel, restricted, gone: true };
      const by = now.by === undefined ? undefined : byId.get(now.by);
      return {
        rel,
        restricted,
        replaced: true,
        replacedBy: by ? { href: `/runs/${encodeURIComponent(by.id)}`, label: `the run of ${londonTime(by.startedAt)}, ${by.id}` } : undefined,
      };
    }),
  );
}

export interface OutputView {
  rel: string;
  restricted: boolean;
  href?: string | undefined;
  gone?: boolean;
  replaced?: boolean;
  replacedBy?: { href: string; label: string } | undefined;
}
