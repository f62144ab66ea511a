import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadPacks } from '../../pack/load-packs.js';
import { allTargets } from '../../inputs/run-inputs.js';
import { targetInWords } from '../../model/target.js';
import { latestCompleteMonth } from '../../schedule/scheduler.js';
import { isMonthKey, monthLabel, monthLongLabel, type MonthKey } from '../../model/month.js';
import { audit, page, requireOfficer, userName, type ConsoleContext } from '../context.js';
import { knownOutputs, madeAlready, type MadeAlready } from '../outputs.js';
import { cutText, RunLedger } from '../../run/ledger.js';
import { REPLACE_LABEL, type ConsoleJob, type JobResult, type Target } from '../runs.js';
import { listUploads, originalName, recordedWorkbookLabel, resolveWorkbook, uploadLabel, uploadsDir, type ChosenWorkbook } from '../uploads.js';
import { londonTime } from '../views.js';
import { workbookMonths } from './check.js';
import { outputViews, recordedRunPage, type OutputView } from './records.js';

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Everything the Produce form chose, checked: the form's own fields, nothing assumed. */
interface Choice {
  workbook: ChosenWorkbook;
  month: MonthKey;
  /** "report:NAME", "pack:NAME" or "month". */
  what: string;
  targets: Target[];
  replace: boolean;
}

/** The form's fields as a query string or hidden fields: what the confirmation carries on to the run. */
function choiceFields(choice: Choice): Array<{ name: string; value: string }> {
  return [
    { name: 'workbook', value: choice.workbook.id },
    { name: 'month', value: choice.month },
    { name: 'what', value: choice.what },
    ...(choice.replace ? [{ name: 'replace', value: 'yes' }] : []),
  ];
}

function choiceQuery(choice: Choice): string {
  return new URLSearchParams(choiceFields(choice).map((f): [string, string] => [f.name, f.value])).toString();
}

/** The outputs a run would replace, in words: "the performance report: 2 files, made Tue 5 Dec 2026, 09:00 GMT from b4b-sample.xlsx". */
function madeView(made: MadeAlready, uploads: string, title: (target: Target) => string): Record<string, unknown> {
  return {
    label: title(made.target),
    files: made.files,
    when: londonTime(made.record.startedAt),
    workbook: recordedWorkbookLabel(made.record.workbook.path, uploads),
    run: made.record.id,
  };
}

export function registerProduce(app: FastifyInstance, ctx: ConsoleContext): void {
  const { loaded } = ctx;

  /** The form's choice, or the reason it is not one (every field must be given: nothing defaults). */
  async function readChoice(fields: Record<string, unknown>): Promise<Choice | string> {
    const workbook = await resolveWorkbook(loaded, fields.workbook);
    if (!workbook) return 'Choose a workbook: the one in the list may have been removed since the page was shown.';
    const month = typeof fields.month === 'string' ? fields.month : '';
    if (!isMonthKey(month)) return 'Choose a month.';
    const what = typeof fields.what === 'string' ? fields.what : '';
    const packs = await loadPacks(loaded);
    let targets: Target[] | undefined;
    if (what === 'month') targets = allTargets(loaded, packs);
    else {
      const [kind, name] = what.split(':');
      if (kind === 'report' && name && Object.hasOwn(loaded.settings.reports, name)) targets = [{ kind: 'report', name }];
      if (kind === 'pack' && name && Object.hasOwn(packs, name)) targets = [{ kind: 'pack', name }];
    }
    if (!targets) return 'Choose what to produce: a report, a pack or the whole month.';
    return { workbook, month, what, targets, replace: fields.replace === 'yes' };
  }

  /** The workbook as the confirmation names it: an upload with its time, the configured one with when it was saved. */
  async function workbookNamed(workbook: ChosenWorkbook): Promise<string> {
    if (workbook.id !== 'configured') return workbook.label;
    const saved = await stat(workbook.file).catch(() => undefined);
    return `${workbook.label}${saved ? `, saved ${londonTime(saved.mtime)}` : ''}`;
  }

  const notChosen = (request: FastifyRequest, reply: FastifyReply, message: string): FastifyReply =>
    page(ctx, request, reply, 'error', { title: 'There is a problem', message, backHref: '/produce', backLabel: 'Back to Produce' }, 400);

  app.get('/produce', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const query = request.query as Record<string, unknown>;
    const workbook = (await resolveWorkbook(loaded, query.workbook)) ?? (await resolveWorkbook(loaded, 'configured'));
    if (!workbook) throw new Error('the configured workbook cannot be resolved');
    const check = await ctx.checks.check(workbook.file);
    const latestComplete = latestCompleteMonth(new Date(), 'Europe/London');
    const months = workbookMonths(check);
    // Latest complete first: a month still under way (or in the future) goes after the ones that have ended.
    const ordered = [...months.filter((m) => m.month <= latestComplete), ...months.filter((m) => m.month > latestComplete)];
    const selected = typeof query.month === 'string' && months.some((m) => m.month === query.month) ? query.month : ordered[0]?.month;
    const packs = await loadPacks(loaded);
    const what = typeof query.what === 'string' ? query.what : 'report:performance';
    const uploads = (await listUploads(loaded)).filter((n) => n.endsWith('.xlsx'));
    return page(ctx, request, reply, 'produce', {
      title: 'Produce reports and packs',
      workbook,
      workbooks: [
        { id: 'configured', label: (await resolveWorkbook(loaded, 'configured'))?.label, selected: workbook.id === 'configured' },
        ...uploads.map((id) => ({ id, label: uploadLabel(id), selected: workbook.id === id })),
      ],
      months: ordered.map((m) => ({ ...m, selected: m.month === selected, incomplete: m.month > latestComplete })),
      reports: Object.entries(loaded.settings.reports).map(([name, r]) => ({
        value: `report:${name}`,
        name,
        title: r.title,
        checked: what === `report:${name}`,
      })),
      packs: Object.entries(packs).map(([name, p]) => ({ value: `pack:${name}`, name, title: p.meeting, checked: what === `pack:${name}` })),
      wholeMonth: allTargets(loaded, packs).map(targetInWords).join(', '),
      wholeMonthChecked: what === 'month',
      replace: query.replace === 'yes',
      replaceLabel: REPLACE_LABEL,
    });
  });

  // What will happen, in words, before anything does: the workbook, the month, what is made and what is replaced.
  app.get('/produce/confirm', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const choice = await readChoice(request.query as Record<string, unknown>);
    if (typeof choice === 'string') return notChosen(request, reply, choice);
    const check = await ctx.checks.check(choice.workbook.file);
    const months = workbookMonths(check);
    const packs = await loadPacks(loaded);
    // "Children & Learning Service Performance Report (report: performance)": the words the form shows.
    const title = (t: Target): string =>
      `${(t.kind === 'report' ? loaded.settings.reports[t.name]?.title : packs[t.name]?.meeting) ?? capitalised(targetInWords(t))} (${t.kind}: ${t.name})`;
    const made = (await madeAlready(loaded, choice.month, choice.targets)).map((m) => madeView(m, uploadsDir(loaded), title));
    const blocked =
      check.errors.length > 0
        ? { errors: check.errors.length, checkHref: `/check/workbook?file=${encodeURIComponent(choice.workbook.id)}` }
        : !months.some((m) => m.month === choice.month)
          ? { latest: months[0]?.label ?? 'none' }
          : undefined;
    return page(ctx, request, reply, 'produce-confirm', {
      title: 'Check before producing',
      workbook: await workbookNamed(choice.workbook),
      month: monthLongLabel(choice.month),
      producing: choice.targets.map(title),
      wholeMonth: choice.what === 'month',
      made,
      replace: choice.replace,
      refused: made.length > 0 && !choice.replace,
      blocked,
      fields: choiceFields(choice),
      replaceFields: choiceFields({ ...choice, replace: false }),
      changeHref: `/produce?${choiceQuery(choice)}`,
      replaceLabel: REPLACE_LABEL,
    });
  });

  app.post('/produce', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const choice = await readChoice((request.body ?? {}) as Record<string, unknown>);
    if (typeof choice === 'string') return notChosen(request, reply, choice);
    const made = await madeAlready(loaded, choice.month, choice.targets);
    if (made.length > 0 && !choice.replace) {
      // Refused before any work: the officer has not said to replace what exists.
      return page(
        ctx,
        request,
        reply,
        'error',
        {
          title: 'Nothing was replaced',
          message: `${monthLongLabel(choice.month)}'s outputs have already been made (${made.map((m) => targetInWords(m.target)).join(', ')}), and they are replaced only when "${REPLACE_LABEL}" is ticked.`,
          backHref: `/produce/confirm?${choiceQuery({ ...choice, replace: true })}`,
          backLabel: 'Produce and replace them',
        },
        409,
      );
    }
    const { job, first } = await ctx.runs.start({
      user: request.user?.name ?? '',
      month: choice.month,
      workbook: choice.workbook.file,
      workbookId: choice.workbook.id,
      workbookLabel: await workbookNamed(choice.workbook),
      force: choice.replace,
      targets: choice.targets,
      wholeMonth: choice.what === 'month',
    });
    audit(ctx, request, {
      event: 'run',
      user: userName(request),
      job: job.id,
      month: choice.month,
      targets: choice.targets.map((t) => `${t.kind}:${t.name}`),
      workbook: choice.workbook.id === 'configured' ? choice.workbook.file : choice.workbook.id,
      replace: choice.replace,
    });
    if (first !== 'running' && first.outcome === 'already-running') {
      return page(ctx, request, reply, 'already-running', { title: 'Already running', job: jobView(job, loaded.paths.outputDir), message: first.error }, 409);
    }
    return reply.redirect(`/runs/${job.id}`, 303);
  });

  app.get('/runs/:id', async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const job = ctx.runs.get(id);
    // Not a run started from this console: a run the ledger records (History links each run here), or none.
    if (!job) return recordedRunPage(ctx, request, reply, id);
    if (!requireOfficer(ctx, request, reply)) return reply;
    // The page waits for the run (a month takes seconds) rather than reloading itself: a page that
    // refreshes every two seconds takes a screen reader and the keyboard back to its top each time
    // (WCAG 2.2.1). The wait stays well inside the time an idle connection is kept.
    if (!job.finishedAt) await ctx.runs.waitFor(job, Math.min(RUN_PAGE_WAIT_MS, ctx.limits.idleMs / 2));
    const known = await knownOutputs(loaded, await loadPacks(loaded));
    // Each output's files, linked only while they are still this run's (a later run may have replaced them).
    const records = await new RunLedger(loaded.paths.ledger, { outputDir: loaded.paths.outputDir }).read();
    const byId = new Map(records.map((r) => [r.id, r]));
    const files = new Map<string, OutputView[]>();
    for (const { record } of job.results)
      if (record?.outcome === 'success') files.set(record.id, await outputViews(record, ctx, known, byId, request.user?.role === 'officer'));
    return page(ctx, request, reply, 'run', {
      title: `${job.finishedAt ? 'Finished' : 'Running'}: ${jobTitle(job)}`,
      job: jobView(job, loaded.paths.outputDir, files),
      running: !job.finishedAt,
      replaceLabel: REPLACE_LABEL,
    });
  });
}

/** How long a run's page waits for the run to finish before it answers "still running". */
const RUN_PAGE_WAIT_MS = 15_000;

function jobTitle(job: ConsoleJob): string {
  return !job.wholeMonth && job.targets[0] ? `${targetInWords(job.targets[0])} for ${monthLongLabel(job.month)}` : `the whole of ${monthLongLabel(job.month)}`;
}

/**
 * Messages as an officer reads them in the console: an uploaded workbook by the name it was uploaded
 * with, not the name it is stored under; advice to run a report ("b4b-reports run --month 2023-07
 * --report clinic-safeguarding") as the Produce page that does it here, with this job's workbook (the
 * command, typed elsewhere, would read the configured one).
 */
function readable(job: ConsoleJob): (text: string) => string {
  const stored = job.workbookId;
  const original = originalName(stored);
  const named = original === stored ? (text: string) => text : (text: string) => text.split(stored).join(original);
  return (text) =>
    named(text).replace(new RegExp(ADVISED_REPORT.source, 'g'), (whole, month: string, report: string) =>
      isMonthKey(month) ? `the Produce page (${monthLongLabel(month)}, report ${report})` : whole,
    );
}

/** Advice to run one report for a month ("b4b-reports run --month 2023-07 --report clinic-safeguarding"), as a skipped clinic gives it. */
const ADVISED_REPORT = /"b4b-reports run (?:--\S+ \S+ )*--month (\d{4}-\d{2}) --report ([a-z0-9-]+)"/;

/**
 * The Produce page's check of what a skipped output's reason advises (a clinic for the latest month with
 * team rows), from the job's workbook: the advice as a link, rather than a page to find and fill in.
 */
function advisedProduce(job: ConsoleJob, result: JobResult): { href: string; label: string } | undefined {
  if (result.outcome !== 'skipped') return undefined;
  const advised = ADVISED_REPORT.exec(result.record?.warnings[0] ?? '');
  const [, month = '', report = ''] = advised ?? [];
  if (!isMonthKey(month)) return undefined;
  const query = new URLSearchParams({ workbook: job.workbookId, month, what: `report:${report}` });
  return { href: `/produce/confirm?${query.toString()}`, label: `Produce the ${report} report for ${monthLongLabel(month)}` };
}

/** The warnings several outputs of the job have (the workbook's own, as a rule): said once for the job, not once an output. */
function sharedWarnings(job: ConsoleJob): Set<string> {
  const seen = new Map<string, number>();
  for (const r of job.results) for (const w of new Set(r.record?.warnings ?? [])) seen.set(w, (seen.get(w) ?? 0) + 1);
  return new Set([...seen].filter(([, count]) => count > 1).map(([w]) => w));
}

function resultView(
  result: JobResult,
  outputDir: string,
  linked?: Map<string, OutputView[]>,
  shown: { shared: Set<string>; text: (t: string) => string; job?: ConsoleJob } = { shared: new Set(), text: (t) => t },
): Record<string, unknown> {
  const record = result.record;
  const files =
    (record && linked?.get(record.id)) ??
    (record?.outcome === 'success' ? record.outputs : []).map((o): OutputView => ({
      rel: path.relative(outputDir, o.path).split(path.sep).join('/'),
      restricted: false,
    }));
  return {
    label: capitalised(targetInWords(result.target)),
    outcome: result.outcome,
    success: result.outcome === 'success',
    exists: result.outcome === 'exists',
    alreadyRunning: result.outcome === 'already-running',
    failed: result.outcome === 'failed',
    skipped: result.outcome === 'skipped',
    produceInstead: shown.job === undefined ? undefined : advisedProduce(shown.job, result),
    error: result.error === undefined ? undefined : shown.text(result.error),
    runId: record?.id,
    recordHref: record && record.outcome !== 'refused' ? `/runs/${encodeURIComponent(record.id)}` : undefined,
    files,
    anyReplaced: files.some((f) => f.replaced),
    warnings: (record?.warnings ?? []).filter((w) => !shown.shared.has(w)).map(shown.text),
    changes: record?.changes?.map((c) => ({ ...c, monthLabel: monthLabel(c.month) })),
    hasChanges: record?.changes !== undefined,
  };
}

function jobView(job: ConsoleJob, outputDir: string, linked?: Map<string, OutputView[]>): Record<string, unknown> {
  const text = readable(job);
  const shared = sharedWarnings(job);
  // Warnings are listed with the outputs (or once, above them): the progress log keeps its steps and errors.
  // The log says a long warning cut at the ledger's length (cutText): that, too, is the warning listed.
  const listed = new Set(job.results.flatMap((r) => (r.record?.warnings ?? []).flatMap((w) => [w, cutText(w)])));
  return {
    sharedWarnings: [...shared].map(text),
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
    steps: job.steps
      .filter((s) => !(s.level === 'warn' && listed.has(s.message)))
      .map((s) => ({ ...s, message: text(s.message), elapsed: `${((s.at.getTime() - job.startedAt.getTime()) / 1000).toFixed(1)} s` })),
    results: job.results.map((r) => resultView(r, outputDir, linked, { shared, text, job })),
    pending: job.targets.slice(job.results.length).map(targetInWords),
    anyExists: job.results.some((r) => r.outcome === 'exists'),
    // The month's outputs this job did not make again that print a figure it changed otherwise.
    outOfStep: (job.outOfStep ?? []).flatMap((o) =>
      o.changes.map(
        (c) =>
          `${capitalised(targetInWords(o.target))} prints ${c.old} for ${c.indicator}${c.what ? ` (${c.what})` : ''}, ${monthLabel(c.month)}, ` +
          `at ${c.cell ?? c.where}, where this run printed ${c.new}.`,
      ),
    ),
    what: job.wholeMonth ? 'month' : job.targets[0] ? `${job.targets[0].kind}:${job.targets[0].name}` : 'month',
  };
}
