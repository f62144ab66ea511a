import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadPacks } from '../../pack/load-packs.js';
import { monthLongLabel, type MonthKey } from '../../model/month.js';
import { audit, page, userName, type ConsoleContext } from '../context.js';
import { RunLedger } from '../../run/ledger.js';
import { fileSha256, knownOutputs, outputFile, type KnownOutput } from '../outputs.js';
import { fileSize, londonTime } from '../views.js';

const TYPES: Record<string, string> = { '.pdf': 'application/pdf', '.html': 'text/html; charset=utf-8' };

/** What a file is, in words: "Board pack (restricted)", "Item 2 (public)", "HTML version". */
function describe(output: KnownOutput): string {
  const parts = output.rel.split('/');
  const base = parts[parts.length - 1] ?? '';
  const { kind, name } = output.target;
  if (kind === 'report') return base.endsWith('.html') ? `${name} report, accessible HTML version` : `${name} report`;
  if (parts[1] === `${name}-items`) return `${name} pack, ${base.replace(/^item-/, 'item ').replace(/\.pdf$/, '')} on its own (${parts[2]})`;
  if (parts[1] === `${name}-html`)
    return `${name} pack, accessible HTML version of ${base
      .replace(/^item-/, 'item ')
      .replace(/\.html$/, '')
      .replace(/-/g, ' ')}`;
  return `${name} pack (${base.endsWith('-public.pdf') ? 'public' : 'restricted'})`;
}

export function registerOutputs(app: FastifyInstance, ctx: ConsoleContext): void {
  const { loaded } = ctx;

  app.get('/outputs', async (request, reply) => {
    const officer = request.user?.role === 'officer';
    const known = await knownOutputs(loaded, await loadPacks(loaded));
    const months = new Map<MonthKey, Array<Record<string, unknown>>>();
    for (const output of [...known.values()].sort((a, b) => (a.rel < b.rel ? -1 : 1))) {
      if (output.restricted && !officer) continue;
      const file = await outputFile(loaded, output);
      if (!file) continue;
      const list = months.get(output.month) ?? [];
      list.push({
        href: `/files/${output.rel}`,
        name: output.rel.slice(output.month.length + 1),
        what: describe(output),
        type: output.rel.endsWith('.pdf') ? 'PDF' : 'HTML',
        size: fileSize(file.size),
        modified: londonTime(file.modified),
        restricted: output.restricted,
      });
      months.set(output.month, list);
    }
    return page(ctx, request, reply, 'outputs', {
      title: 'Outputs',
      months: [...months].sort(([a], [b]) => (a < b ? 1 : -1)).map(([month, files]) => ({ month, label: monthLongLabel(month), files, count: files.length })),
      officer,
    });
  });

  // A file is served only if the ledger says a run wrote it there, and restricted ones only to officers.
  // The requested path is looked up, never joined onto a folder: "..", encoded or not, finds nothing.
  app.get('/files/*', async (request, reply) => {
    const rel = (request.params as { '*': string })['*'];
    const known = (await knownOutputs(loaded, await loadPacks(loaded))).get(rel);
    const notFound = (): unknown => page(ctx, request, reply, 'error', { title: 'Page not found', message: 'There is no such file here.' }, 404);
    if (!known || (known.restricted && request.user?.role !== 'officer')) return notFound();
    const file = await outputFile(loaded, known);
    const type = TYPES[path.extname(rel)];
    if (!file || !type) return notFound();
    // A run's page links its file with the run (?run=ID): a later run may have replaced it since the page
    // was shown, and the file there now prints that run's figures, not the run the officer chose.
    const runId = (request.query as Record<string, unknown>).run;
    if (typeof runId === 'string') {
      const record = (await new RunLedger(loaded.paths.ledger, { outputDir: loaded.paths.outputDir }).read()).find((r) => r.id === runId);
      const output = record?.outputs.find((o) => path.relative(loaded.paths.outputDir, o.path).split(path.sep).join('/') === rel);
      if (!record || !output) return notFound();
      if ((await fileSha256(file.file)) !== output.sha256) {
        const later = known.runId === record.id ? undefined : known.runId;
        return page(
          ctx,
          request,
          reply,
          'replaced',
          {
            title: 'Replaced by a later run',
            rel,
            run: `/runs/${encodeURIComponent(record.id)}`,
            runId: record.id,
            later: later && `/runs/${encodeURIComponent(later)}`,
            laterId: later,
          },
          410,
        );
      }
    }
    reply
      .type(type)
      .header('Content-Length', file.size)
      .header('Content-Disposition', `inline; filename="${path.basename(rel)}"`)
      .header('Cache-Control', 'private, no-store');
    // An HTML twin is a document, not part of the console: no script, nothing fetched from elsewhere.
    if (rel.endsWith('.html')) reply.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:");
    if (known.restricted) audit(ctx, request, { event: 'download', user: userName(request), file: rel, run: known.runId });
    return reply.send(createReadStream(file.file));
  });
}
