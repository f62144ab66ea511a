import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadPacks } from '../../pack/load-packs.js';
import { allTargets } from '../../inputs/run-inputs.js';
import { latestCompleteMonth } from '../../schedule/scheduler.js';
import { checkWorkbook } from '../../dataset/check-workbook.js';
import { isMonthKey, monthLabel, monthLongLabel } from '../../model/month.js';
import { page, requireOfficer, type ConsoleContext } from '../context.js';
import { knownOutputs } from '../outputs.js';
import type { ConsoleJob, JobResult, Target } from '../runs.js';
import { listUploads, originalName, resolveWorkbook } from '../uploads.js';
import { workbookMonths } from './check.js';

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function targetLabel(target: Target): string {
  return target.kind === 'pack' ? `the ${target.name} pack` : `the ${target.name} report`;
}

export function registerProduce(app: FastifyInstance, ctx: ConsoleContext): void {
  const { loaded } = ctx;

  app.get('/produce', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const query = request.query as Record<string, unknown>;
    const workbook = (await resolveWorkbook(loaded, query.workbook)) ?? (await resolveWorkbook(loaded, 'configured'));
    if (!workbook) throw new Error('the configured workbook cannot be resolved');
    const check = await checkWorkbook(loaded, workbook.file);
    const latestComplete = latestCompleteMonth(new Date(), 'Europe/London');
    const months = workbookMonths(check);
    // Latest complete first: a month still under way (or in the future) goes after the ones that have ended.
    const ordered = [...months.filter((m) => m.month <= latestComplete), ...months.filter((m) => m.month > latestComplete)];
    const selected = typeof query.month === 'string' && months.some((m) => m.month === query.month) ? query.month : ordered[0]?.month;
    const packs = await loadPacks(loaded);
    const uploads = (await listUploads(loaded)).filter((n) => n.endsWith('.xlsx'));
    return page(ctx, request, reply, 'produce', {
      title: 'Produce reports and packs',
      workbook,
      workbooks: [
        { id: 'configured', label: (await resolveWorkbook(loaded, 'configured'))?.label, selected: workbook.id === 'configured' },
        ...uploads.map((id) => ({
          id,
          label: `${originalName(id)} (uploaded ${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)} ${id.slice(9, 11)}:${id.slice(11, 13)} UTC)`,
          selected: workbook.id === id,
        })),
      ],
      months: ordered.map((m) => ({ ...m, selected: m.month === selected, incomplete: m.month > latestComplete })),
      errorCount: check.errors.length,
      reports: Object.entries(loaded.settings.reports).map(([name, r]) => ({ value: `report:${name}`, name, title: r.title, checked: name === 'performance' })),
      packs: Object.entries(packs).map(([name, p]) => ({ value: `pack:${name}`, name, title: p.meeting })),
      wholeMonth: allTargets(loaded, packs).map(targetLabel).join(', '),
    });
  });

  app.post('/produce', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const workbook = await resolveWorkbook(loaded, body.workbook);
    const month = typeof body.month === 'string' ? body.month : '';
    const what = typeof body.what === 'string' ? body.what : '';
    const packs = await loadPacks(loaded);
    let targets: Target[] | undefined;
    if (what === 'month') targets = allTargets(loaded, packs);
    else {
      const [kind, name] = what.split(':');
      if (kind === 'report' && name && Object.hasOwn(loaded.settings.reports, name)) targets = [{ kind: 'report', name }];
      if (kind === 'pack' && name && Object.hasOwn(packs, name)) targets = [{ kind: 'pack', name }];
    }
    if (!workbook || !isMonthKey(month) || !targets) {
      return page(ctx, request, reply, 'error', { title: 'There is a problem', message: 'Choose a workbook, a month and what to produce.' }, 400);
    }
    const { job, first } = await ctx.runs.start({
      user: request.user?.name ?? '',
      month,
      workbook: workbook.file,
      workbookId: workbook.id,
      workbookLabel: workbook.label,
      force: body.force === 'yes',
      targets,
      wholeMonth: what === 'month',
    });
    if (first !== 'running' && first.outcome === 'already-running') {
      return page(ctx, request, reply, 'already-running', { title: 'Already running', job: jobView(job, loaded.paths.outputDir), message: first.error }, 409);
    }
    return reply.redirect(`/runs/${job.id}`, 303);
  });

  app.get('/runs/:id', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const job = ctx.runs.get((request.params as { id: string }).id);
    if (!job)
      return page(
        ctx,
        request,
        reply,
        'error',
        { title: 'Page not found', message: 'There is no such run in this console (runs started before it was restarted are in History).' },
        404,
      );
    const known = await knownOutputs(loaded, await loadPacks(loaded));
    return page(ctx, request, reply, 'run', {
      title: `${job.finishedAt ? 'Finished' : 'Running'}: ${jobTitle(job)}`,
      job: jobView(job, loaded.paths.outputDir, known),
      running: !job.finishedAt,
      ...(job.finishedAt ? {} : { refresh: 2 }),
    });
  });
}

function jobTitle(job: ConsoleJob): string {
  return !job.wholeMonth && job.targets[0] ? `${targetLabel(job.targets[0])} for ${monthLongLabel(job.month)}` : `the whole of ${monthLongLabel(job.month)}`;
}

function resultView(result: JobResult, outputDir: string, known?: Map<string, unknown>): Record<string, unknown> {
  const record = result.record;
  const files = (record?.outcome === 'success' ? record.outputs : []).map((o) => {
    const rel = path.relative(outputDir, o.path).split(path.sep).join('/');
    return { rel, href: known?.has(rel) ? `/files/${rel}` : undefined };
  });
  return {
    label: capitalised(targetLabel(result.target)),
    outcome: result.outcome,
    success: result.outcome === 'success',
    exists: result.outcome === 'exists',
    alreadyRunning: result.outcome === 'already-running',
    failed: result.outcome === 'failed',
    skipped: result.outcome === 'skipped',
    error: result.error,
    runId: record?.id,
    files,
    warnings: record?.warnings ?? [],
    changes: record?.changes?.map((c) => ({ ...c, monthLabel: monthLabel(c.month) })),
    hasChanges: record?.changes !== undefined,
  };
}

function jobView(job: ConsoleJob, outputDir: string, known?: Map<string, unknown>): Record<string, unknown> {
  return {
    id: job.id,
    title: jobTitle(job),
    Title: capitalised(jobTitle(job)),
    month: job.month,
    monthLong: monthLongLabel(job.month),
    workbookLabel: job.workbookLabel,
    workbookId: job.workbookId,
    targets: job.targets.length,
    force: job.force,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    steps: job.steps.map((s) => ({ ...s, elapsed: `${((s.at.getTime() - job.startedAt.getTime()) / 1000).toFixed(1)} s` })),
    results: job.results.map((r) => resultView(r, outputDir, known)),
    pending: job.targets.slice(job.results.length).map(targetLabel),
    anyExists: job.results.some((r) => r.outcome === 'exists'),
    what: job.wholeMonth ? 'month' : job.targets[0] ? `${job.targets[0].kind}:${job.targets[0].name}` : 'month',
  };
}
