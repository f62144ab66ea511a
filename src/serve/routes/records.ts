import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ScheduleSettings } from '../../config/delivery.js';
import { loadPacks } from '../../pack/load-packs.js';
import { RunLedger, type RunRecord } from '../../run/ledger.js';
import { silentProgress } from '../../run/progress.js';
import { configuredScheduler } from '../../schedule/configured-scheduler.js';
import { scheduleOutlook } from '../../schedule/schedule-outlook.js';
import { scheduleWarnings } from '../../schedule/scheduler.js';
import { monthLabel, monthLongLabel } from '../../model/month.js';
import { page, type ConsoleContext } from '../context.js';
import { knownOutputs } from '../outputs.js';
import { consoleWords } from '../runs.js';
import { recordedWorkbookLabel, uploadsDir } from '../uploads.js';
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
    return page(ctx, request, reply, 'history', {
      title: 'History',
      months: months.map((m) => ({ month: m, label: monthLongLabel(m), selected: m === month })),
      outcomes: outcomes.map((o) => ({ value: o, selected: o === outcome })),
      total: all.length,
      count: runs.length,
      more: runs.length - shown.length,
      filtered: Boolean(month || outcome),
      runs: shown.map((r) => runView(r, loaded.paths.outputDir, known, officer, uploadsDir(loaded))),
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

function runView(r: RunRecord, outputDir: string, known: Map<string, { restricted: boolean }>, officer: boolean, uploads: string): Record<string, unknown> {
  return {
    id: r.id,
    started: londonTime(r.startedAt),
    target: `${r.target.kind} ${r.target.name}`,
    month: monthLongLabel(r.month),
    trigger: r.trigger === 'schedule' ? `schedule${r.job ? ` (${r.job})` : ''}` : 'on demand',
    outcome: r.outcome,
    duration: `${(r.durationMs / 1000).toFixed(1)} s`,
    workbook: recordedWorkbookLabel(r.workbook.path, uploads),
    sha256: r.workbook.sha256 ?? 'not read',
    outputs: r.outputs.map((o) => {
      const rel = path.relative(outputDir, o.path).split(path.sep).join('/');
      const entry = known.get(rel);
      const visible = entry !== undefined && (!entry.restricted || officer);
      return { rel, href: visible && r.outcome === 'success' ? `/files/${rel}` : undefined, restricted: entry?.restricted === true };
    }),
    // Warnings, changed figures and errors can quote an exempt document's figures and cells: officers only.
    officer,
    warningCount: r.warnings.length,
    warnings: officer ? r.warnings : [],
    changes: officer ? r.changes?.map((c) => ({ ...c, monthLabel: monthLabel(c.month) })) : undefined,
    hasChanges: officer && r.changes !== undefined,
    changeCount: r.changes?.length,
    delivery: r.delivery?.map((d) => ({ ...d, recipients: d.recipients.length, detail: officer ? d.detail : undefined })),
    error: officer ? r.error && consoleWords(r.error) : r.error ? 'recorded (officers can see it)' : undefined,
  };
}
