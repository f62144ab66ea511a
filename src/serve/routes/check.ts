import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { groupFindings } from '../../cli/print-findings.js';
import type { WorkbookCheck } from '../../dataset/check-workbook.js';
import { monthsWithFigures } from '../../dataset/summarise.js';
import { formatSource, type Finding } from '../../findings/finding.js';
import { monthLabel, monthLongLabel, type MonthKey } from '../../model/month.js';
import { applyFix, fixEffect, fixFromForm, fixLine, fixOf, sameFix, type ConfigFix } from '../config-fix.js';
import { audit, page, requireOfficer, userName, type ConsoleContext } from '../context.js';
import {
  discardUpload,
  keepUpload,
  listUploads,
  originalName,
  removeUpload,
  resolveWorkbook,
  stageUpload,
  uploadedAt,
  uploadsHeld,
  type ChosenWorkbook,
} from '../uploads.js';
import { fileSize, londonTime } from '../views.js';

/** Where the upload form posts: the one route that takes a multipart body. */
export const UPLOAD_ROUTE = '/check';

/** What an officer can do about an error from the console: add the configuration line its advice gives. */
function actionView(fix: ConfigFix | undefined, workbookId: string, configFile: string): Record<string, unknown> | undefined {
  if (!fix) return undefined;
  const fields = { workbook: workbookId, list: fix.list, ...fix.entry };
  return {
    file: configFile,
    list: fix.list,
    line: fixLine(fix),
    effect: fixEffect(fix),
    fields: Object.entries(fields).map(([name, value]) => ({ name, value })),
    button:
      fix.list === 'monthCorrections' ? `Read ${fix.entry.cell} as ${monthLongLabel(fix.entry.month as MonthKey)}` : `Allow the gap before ${fix.entry.cell}`,
    caution:
      fix.list === 'allowedMonthGaps'
        ? 'Only if the table leaves those months out on purpose: if a header is mistyped, correct the workbook instead.'
        : undefined,
  };
}

function findingView(finding: Finding, action?: Record<string, unknown>): Record<string, unknown> {
  return {
    sheet: finding.source.sheet ?? '',
    cell: finding.source.cell ?? '',
    message: finding.message,
    also: finding.also ? formatSource(finding.also).replace(/^[^›]*› /, '') : '',
    action,
  };
}

function groupsView(findings: Finding[], action?: (f: Finding) => Record<string, unknown> | undefined): Array<Record<string, unknown>> {
  return groupFindings(findings).map((g) => ({
    heading: g.heading,
    count: g.findings.length,
    findings: g.findings.map((f) => findingView(f, action?.(f))),
    actions: action !== undefined,
  }));
}

/** The months a workbook has figures for (monthsWithFigures), newest first, with how many of its tables have figures for each. */
export function workbookMonths(check: WorkbookCheck): Array<{ month: MonthKey; label: string; tables: number }> {
  const counts = new Map<MonthKey, number>();
  for (const table of check.dataset?.tables ?? []) for (const m of monthsWithFigures({ tables: [table] })) counts.set(m, (counts.get(m) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? 1 : -1)).map(([month, tables]) => ({ month, label: monthLongLabel(month), tables }));
}

function checkView(ctx: ConsoleContext, check: WorkbookCheck, workbook: { id: string; label: string }): Record<string, unknown> {
  const configFile = path.relative(ctx.loaded.paths.root, ctx.loaded.paths.headerAliases).split(path.sep).join('/');
  const tables = (check.dataset?.tables ?? []).map((t) => ({
    sheet: t.sheet,
    title: t.section ?? '(untitled table)',
    header: formatSource(t.headerSource).replace(/^[^›]*› /, ''),
    rows: t.rows.length,
    months: t.months.length > 0 ? `${monthLabel(t.months[0] as MonthKey)} to ${monthLabel(t.months[t.months.length - 1] as MonthKey)}` : 'none',
    indicators: t.rows.map((r) => r.name),
  }));
  const fixes = check.errors.filter((f) => fixOf(f) !== undefined).length;
  return {
    title: `Check: ${workbook.label}`,
    id: workbook.id,
    label: workbook.label,
    configured: workbook.id === 'configured',
    workbookFile: check.file,
    summary: check.summary,
    tables,
    months: workbookMonths(check),
    errors: groupsView(check.errors, (f) => actionView(fixOf(f), workbook.id, configFile)),
    warnings: groupsView(check.warnings),
    errorCount: check.errors.length,
    warningCount: check.warnings.length,
    fixes,
    decisions: check.decisions.map((d) => ({ place: formatSource(d.source), message: d.message })),
    csvHref: `/check/findings.csv?file=${encodeURIComponent(workbook.id)}`,
    ok: check.errors.length === 0,
  };
}

/** A CSV cell; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The findings as validate groups them, one row each, for a spreadsheet. */
export function findingsCsv(check: WorkbookCheck): string {
  const rows = [['severity', 'group', 'file', 'sheet', 'cell', 'message', 'also']];
  for (const [severity, findings] of [
    ['error', check.errors],
    ['warning', check.warnings],
  ] as const) {
    for (const group of groupFindings(findings)) {
      for (const f of group.findings) {
        rows.push([
          severity,
          group.heading,
          f.source.file.split(/[\\/]/).pop() ?? '',
          f.source.sheet ?? '',
          f.source.cell ?? '',
          f.message,
          f.also ? formatSource(f.also) : '',
        ]);
      }
    }
  }
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** An upload that did not arrive whole: the connection was cut, or the form was not one the console made. */
class BrokenUpload extends Error {}

/**
 * Reads an upload as the Check page's form sends it: the form token first (checked before anything
 * else is read), then the file. Resolves undefined when the reply has been sent (a wrong token).
 */
async function readUpload(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<MultipartFile | 'no file' | undefined> {
  try {
    const parts = request.parts();
    const first = await parts.next();
    const field = first.done ? undefined : first.value;
    if (field?.type === 'field' && field.fieldname === '_csrf' && typeof field.value === 'string') request.uploadFormToken = field.value;
    let valid = false;
    app.csrfProtection(request, reply, () => {
      valid = true;
    });
    if (!valid) return undefined;
    const next = await parts.next();
    const file = next.done ? undefined : next.value;
    if (file?.type !== 'file' || file.fieldname !== 'workbook' || !file.filename) return 'no file';
    return file;
  } catch (error) {
    throw brokenUpload(error);
  }
}

/** A file larger than the limit stays that error (413); any other failure to read the form is a broken upload. */
function brokenUpload(error: unknown): unknown {
  return (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' ? error : new BrokenUpload((error as Error).message);
}

/** The uploaded file's bytes (at most the upload limit). */
async function uploadBytes(file: MultipartFile): Promise<Buffer> {
  try {
    return await file.toBuffer();
  } catch (error) {
    throw brokenUpload(error);
  }
}

export function registerCheck(app: FastifyInstance, ctx: ConsoleContext): void {
  const { loaded } = ctx;
  const limits = ctx.limits;
  // One change to the header aliases at a time.
  let fixing: Promise<unknown> = Promise.resolve();

  async function chosen(request: FastifyRequest, reply: FastifyReply, choice: unknown): Promise<ChosenWorkbook | undefined> {
    const workbook = await resolveWorkbook(loaded, choice);
    if (!workbook)
      void page(ctx, request, reply, 'error', { title: 'Page not found', message: 'There is no such workbook here: it may have been removed.' }, 404);
    return workbook;
  }

  const problem = (request: FastifyRequest, reply: FastifyReply, message: string, status: number): FastifyReply =>
    page(ctx, request, reply, 'error', { title: 'There is a problem', message, backHref: '/check', backLabel: 'Back to Check a workbook' }, status).header(
      'Connection',
      'close',
    );

  app.get('/check', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const held = await uploadsHeld(loaded);
    const busy = new Set(ctx.runs.workbooksInUse());
    const uploads = (await listUploads(loaded)).map((name) => ({
      id: name,
      name: originalName(name),
      when: londonTime(uploadedAt(name)),
      busy: busy.has(name),
    }));
    return page(ctx, request, reply, 'check', {
      title: 'Check a workbook',
      configured: (await resolveWorkbook(loaded, 'configured'))?.label,
      uploads,
      limitMb: Math.round(limits.uploadBytes / 1024 / 1024),
      held: { count: held.count, size: fileSize(held.bytes), maxCount: limits.maxUploads, maxSize: fileSize(limits.maxUploadsTotalBytes) },
      full: held.count >= limits.maxUploads || held.bytes >= limits.maxUploadsTotalBytes,
    });
  });

  app.post(
    UPLOAD_ROUTE,
    {
      config: {
        rateLimit: {
          max: limits.uploadsPerHour,
          timeWindow: 3_600_000,
          keyGenerator: (request: FastifyRequest) => request.user?.name ?? request.ip,
          errorResponseBuilder: () => ({
            statusCode: 429,
            message: `You have uploaded ${limits.uploadsPerHour} workbooks in the last hour, the most the console takes from one person in an hour. Wait a while, or check a workbook already here.`,
          }),
        },
      },
    },
    async (request, reply) => {
      if (!requireOfficer(ctx, request, reply)) return reply;
      if (!request.isMultipart()) return problem(request, reply, 'Choose a workbook file (.xlsx) to upload.', 400);
      const refuse = (reason: string, message: string, name = ''): FastifyReply => {
        audit(ctx, request, { event: 'upload', user: userName(request), file: '', name, bytes: 0, outcome: 'refused', reason });
        return problem(request, reply, message, 409);
      };
      const full = (held: { count: number; bytes: number }, adding = 0): string | undefined =>
        held.count >= limits.maxUploads
          ? `The console keeps at most ${limits.maxUploads} uploaded workbooks, and it holds ${held.count}. Remove one you no longer need from the list on the Check page, then upload again; nothing was stored.`
          : held.bytes + adding > limits.maxUploadsTotalBytes
            ? `Uploaded workbooks may take up at most ${fileSize(limits.maxUploadsTotalBytes)} together; they take up ${fileSize(held.bytes)}${adding ? ` and this one is ${fileSize(adding)}` : ''}. Remove workbooks you no longer need from the list on the Check page, then upload again; nothing was stored.`
            : undefined;
      const before = full(await uploadsHeld(loaded));
      let file: MultipartFile | 'no file' | undefined;
      let bytes: Buffer;
      try {
        file = await readUpload(app, request, reply);
        if (file === undefined) return reply;
        if (file === 'no file') return problem(request, reply, 'Choose a workbook file (.xlsx) to upload.', 400);
        // Full before this one was read: say so without reading it.
        if (before) return refuse('uploads folder full', before, file.filename);
        bytes = await uploadBytes(file);
      } catch (error) {
        if (!(error instanceof BrokenUpload)) {
          if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
            audit(ctx, request, {
              event: 'upload',
              user: userName(request),
              file: '',
              name: '',
              bytes: 0,
              outcome: 'refused',
              reason: 'larger than the upload limit',
            });
          }
          throw error;
        }
        return problem(
          request,
          reply,
          'The upload did not arrive whole (the connection was cut, or the form was damaged); nothing was stored. Choose the file and upload it again.',
          400,
        );
      }
      const after = full(await uploadsHeld(loaded), bytes.length);
      if (after) return refuse('uploads folder full', after, file.filename);

      const staged = await stageUpload(loaded, file.filename, bytes);
      let check: WorkbookCheck;
      try {
        check = await ctx.checks.check(staged.file);
      } catch (error) {
        await discardUpload(staged);
        throw error;
      }
      const record = { user: userName(request), file: staged.name, name: file.filename.slice(0, 200), bytes: bytes.length };
      if (!check.dataset) {
        // Not a workbook the reader can open (not a workbook, damaged, or too large inside): say what the reader said, and keep nothing.
        await discardUpload(staged);
        audit(ctx, request, { event: 'upload', ...record, outcome: 'refused', reason: check.errors[0]?.message.slice(0, 300) ?? 'unreadable' });
        return page(
          ctx,
          request,
          reply,
          'check-result',
          { ...checkView(ctx, check, { id: staged.name, label: originalName(staged.name) }), unreadable: true },
          422,
        );
      }
      const kept = await keepUpload(loaded, staged);
      await ctx.checks.keep(kept, check);
      audit(ctx, request, { event: 'upload', ...record, outcome: 'kept' });
      return reply.redirect(`/check/workbook?file=${encodeURIComponent(staged.name)}`, 303);
    },
  );

  app.get('/check/workbook', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const query = request.query as Record<string, unknown>;
    const workbook = await chosen(request, reply, query.file);
    if (!workbook) return reply;
    const check = await ctx.checks.check(workbook.file);
    return page(ctx, request, reply, 'check-result', { ...checkView(ctx, check, workbook), applied: query.applied === '1' });
  });

  app.get('/check/findings.csv', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const workbook = await chosen(request, reply, (request.query as Record<string, unknown>).file);
    if (!workbook) return reply;
    const check = await ctx.checks.check(workbook.file);
    const name = `findings-${path.basename(workbook.id === 'configured' ? workbook.file : originalName(workbook.id)).replace(/\.[^.]*$/, '')}.csv`;
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${name}"`).send(findingsCsv(check));
  });

  // The line an error's advice gives, added to the header aliases file: only a line the workbook's check offers now.
  app.post('/check/fix', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const workbook = await chosen(request, reply, body.workbook);
    if (!workbook) return reply;
    const check = await ctx.checks.check(workbook.file);
    const posted = fixFromForm(body);
    const wanted = posted && check.errors.map(fixOf).find((fix) => fix !== undefined && sameFix(fix, posted));
    if (!wanted) {
      return page(
        ctx,
        request,
        reply,
        'error',
        {
          title: 'Nothing was changed',
          message: 'That correction is no longer offered: the workbook or the configuration has changed since the page was shown.',
          backHref: `/check/workbook?file=${encodeURIComponent(workbook.id)}`,
          backLabel: 'Check the workbook again',
        },
        409,
      );
    }
    const file = loaded.paths.headerAliases;
    const change = fixing.then(() => applyFix(file, wanted));
    fixing = change.catch(() => undefined);
    loaded.aliases = await change;
    ctx.checks.clear();
    const rel = path.relative(loaded.paths.root, file).split(path.sep).join('/');
    audit(ctx, request, { event: 'config-change', user: userName(request), file: rel, change: `${wanted.list}: ${fixLine(wanted)}` });
    return reply.redirect(`/check/workbook?file=${encodeURIComponent(workbook.id)}&applied=1`, 303);
  });

  app.post('/check/remove', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const name = (request.body as Record<string, unknown> | undefined)?.file;
    if (typeof name === 'string' && ctx.runs.workbooksInUse().includes(name)) {
      return problem(request, reply, 'This workbook is being read by a run that has not finished; remove it when the run has finished.', 409);
    }
    if (typeof name !== 'string' || !(await removeUpload(loaded, name))) {
      return page(ctx, request, reply, 'error', { title: 'Page not found', message: 'There is no such uploaded workbook.' }, 404);
    }
    audit(ctx, request, { event: 'upload-removed', user: userName(request), file: name });
    return reply.redirect('/check', 303);
  });
}
