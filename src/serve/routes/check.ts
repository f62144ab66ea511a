import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { groupFindings } from '../../cli/print-findings.js';
import { formatSource, type Finding } from '../../findings/finding.js';
import { checkWorkbook, type WorkbookCheck } from '../../dataset/check-workbook.js';
import { monthLabel, monthLongLabel, type MonthKey } from '../../model/month.js';
import { page, requireOfficer, type ConsoleContext } from '../context.js';
import { listUploads, originalName, removeUpload, resolveWorkbook, storeUpload } from '../uploads.js';

function findingView(finding: Finding): Record<string, unknown> {
  return {
    sheet: finding.source.sheet ?? '',
    cell: finding.source.cell ?? '',
    message: finding.message,
    also: finding.also ? formatSource(finding.also).replace(/^[^›]*› /, '') : '',
  };
}

function groupsView(findings: Finding[]): Array<Record<string, unknown>> {
  return groupFindings(findings).map((g) => ({ heading: g.heading, count: g.findings.length, findings: g.findings.map(findingView) }));
}

/** The months a workbook covers, newest first, with how many of its tables have each. */
export function workbookMonths(check: WorkbookCheck): Array<{ month: MonthKey; label: string; tables: number }> {
  const counts = new Map<MonthKey, number>();
  for (const table of check.dataset?.tables ?? []) for (const m of table.months) counts.set(m, (counts.get(m) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? 1 : -1)).map(([month, tables]) => ({ month, label: monthLongLabel(month), tables }));
}

function checkView(check: WorkbookCheck, id: string, label: string): Record<string, unknown> {
  const tables = (check.dataset?.tables ?? []).map((t) => ({
    sheet: t.sheet,
    title: t.section ?? '(untitled table)',
    header: formatSource(t.headerSource).replace(/^[^›]*› /, ''),
    rows: t.rows.length,
    months: t.months.length > 0 ? `${monthLabel(t.months[0] as MonthKey)} to ${monthLabel(t.months[t.months.length - 1] as MonthKey)}` : 'none',
    indicators: t.rows.map((r) => r.name),
  }));
  return {
    title: `Check: ${label}`,
    id,
    label,
    summary: check.summary,
    tables,
    months: workbookMonths(check),
    errors: groupsView(check.errors),
    warnings: groupsView(check.warnings),
    errorCount: check.errors.length,
    warningCount: check.warnings.length,
    decisions: check.decisions.map((d) => ({ place: formatSource(d.source), message: d.message })),
    csvHref: `/check/findings.csv?file=${encodeURIComponent(id)}`,
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

export function registerCheck(app: FastifyInstance, ctx: ConsoleContext): void {
  const { loaded } = ctx;

  async function chosen(request: FastifyRequest, reply: FastifyReply): Promise<{ file: string; id: string; label: string } | undefined> {
    const workbook = await resolveWorkbook(loaded, (request.query as Record<string, unknown>).file);
    if (!workbook) void page(ctx, request, reply, 'error', { title: 'Page not found', message: 'There is no such uploaded workbook.' }, 404);
    return workbook;
  }

  app.get('/check', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const uploads = (await listUploads(loaded)).slice(0, 10).map((name) => ({
      id: name,
      name: originalName(name),
      when: `${name.slice(0, 4)}-${name.slice(4, 6)}-${name.slice(6, 8)} ${name.slice(9, 11)}:${name.slice(11, 13)} UTC`,
    }));
    return page(ctx, request, reply, 'check', {
      title: 'Check a workbook',
      configured: (await resolveWorkbook(loaded, 'configured'))?.label,
      uploads,
      limitMb: Math.round(ctx.uploadLimitBytes / 1024 / 1024),
    });
  });

  app.post('/check', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const data = request.isMultipart() ? await request.file() : undefined;
    if (!data || !data.filename) {
      return page(ctx, request, reply, 'error', { title: 'There is a problem', message: 'Choose a workbook file (.xlsx) to upload.' }, 400);
    }
    const bytes = await data.toBuffer();
    const name = await storeUpload(loaded, data.filename, bytes);
    const workbook = await resolveWorkbook(loaded, name);
    if (!workbook) throw new Error(`the upload ${name} was stored but cannot be found`);
    const check = await checkWorkbook(loaded, workbook.file);
    if (check.errors.some((f) => f.code === 'unreadable-file')) {
      // Not a workbook at all: say what the reader said, and keep nothing.
      await removeUpload(loaded, name);
      return page(ctx, request, reply, 'check-result', { ...checkView(check, name, originalName(name)), unreadable: true }, 422);
    }
    return reply.redirect(`/check/workbook?file=${encodeURIComponent(name)}`, 303);
  });

  app.get('/check/workbook', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const workbook = await chosen(request, reply);
    if (!workbook) return reply;
    const check = await checkWorkbook(loaded, workbook.file);
    return page(ctx, request, reply, 'check-result', checkView(check, workbook.id, workbook.label));
  });

  app.get('/check/findings.csv', async (request, reply) => {
    if (!requireOfficer(ctx, request, reply)) return reply;
    const workbook = await chosen(request, reply);
    if (!workbook) return reply;
    const check = await checkWorkbook(loaded, workbook.file);
    const name = `findings-${originalName(workbook.id === 'configured' ? (workbook.file.split(/[\\/]/).pop() ?? 'workbook') : workbook.id).replace(/\.[^.]*$/, '')}.csv`;
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${name}"`).send(findingsCsv(check));
  });
}
