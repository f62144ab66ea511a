import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import type { Dataset } from '../dataset/types.js';
import { B4BError } from '../findings/finding.js';
import { coveringReportHtml } from '../html/covering-report-html.js';
import { glossaryHtml } from '../html/glossary-html.js';
import type { RunInputs } from '../inputs/run-inputs.js';
import { addMonths, monthLongLabel, type MonthKey } from '../model/month.js';
import {
  assemblePack,
  CONFIDENTIAL_TEXT,
  extractPages,
  furniturePages,
  planPack,
  publicPart,
  type ItemRange,
  type PackPart,
  type PackVariant,
} from '../pack/assemble.js';
import { describeDisagreements, packDisagreements, type PackFigure } from '../pack/consistency.js';
import type { AgendaEntry } from '../pack/front-sheet.js';
import type { PackDocument, PackSettings } from '../pack/pack-settings.js';
import { documentMonthValues, fillText, packTextValues, plainDocumentMonthValues } from '../pack/text-values.js';
import type { ModelWarning } from '../report/report-figures.js';
import type { ProduceContext } from './context.js';
import { packFiles, type OutputSet } from './output-set.js';
import { produceReport, type PlacedFigure } from './report.js';
import { describeWarnings } from './warnings.js';

export interface PackVariantOutput {
  pack: Uint8Array;
  ranges: ItemRange[];
  pageCount: number;
  /** Each agenda item as a PDF of its own. */
  items: Array<{ number: number | string; bytes: Uint8Array }>;
}

export interface PackOutput {
  name: string;
  variants: Record<PackVariant, PackVariantOutput>;
  warnings: ModelWarning[];
  /** The accessible HTML twin of each public document ("item-10-performance.html"); exempt documents have none. */
  html: Array<{ file: string; html: string }>;
  /** Every indicator value the pack's reports print, with cell and "Page N" (of the restricted pack, which holds every document). */
  printed: PackFigure[];
  /** Milliseconds: reports (read excluded: model, charts and layout together), covering report, assembly. */
  timings: { reports: number; model: number; charts: number; layout: number; assembly: number };
}

/**
 * The meeting a month's pack goes to: the first of the pack's `meetingDates` after the month ends
 * (else its `meetingDate`); without one, packs name the month after the data month.
 */
export function meetingDateFor(pack: PackSettings, month: MonthKey): string | undefined {
  const after = `${addMonths(month, 1)}-01`;
  return [...(pack.meetingDates ?? [])].sort().find((d) => d >= after) ?? pack.meetingDate;
}

/** The latest month up to `month` with team rows: the month a clinic in a pack reports on. */
function latestTeamMonth(dataset: Dataset, month: MonthKey): MonthKey {
  const months = [...new Set(dataset.teamMeasures.map((r) => r.month))].filter((m) => m <= month).sort();
  const latest = months.pop();
  if (!latest) throw new B4BError(`the workbook has no team rows up to ${monthLongLabel(month)}, so the pack's clinics cannot be produced`);
  return latest;
}

/** Pack page numbers for each part's printed values, from where assembly started each part. */
function placeInPack(printedByPart: PlacedFigure[][], partStarts: number[]): PackFigure[] {
  return printedByPart.flatMap((list, part) =>
    (list ?? []).map((f): PackFigure => {
      const start = partStarts[part];
      return f.page !== undefined && start !== undefined ? { ...f, packPage: start + f.page - 1 } : f;
    }),
  );
}

function appendixLabel(doc: PackDocument): string | undefined {
  return 'appendix' in doc && doc.appendix !== undefined ? `Appendix ${doc.appendix}` : undefined;
}

/**
 * A pack for a month: every document rendered once, then assembled twice (public and restricted)
 * with the front sheet and agenda, whose page ranges come from the assembled items.
 */
export async function producePack(
  inputs: RunInputs,
  name: string,
  month: MonthKey,
  ctx: ProduceContext,
  options: { numberItemFiles: boolean },
): Promise<PackOutput> {
  const { loaded } = inputs;
  const { dataset } = inputs.workbook;
  const pack = Object.hasOwn(inputs.packs, name) ? inputs.packs[name] : undefined;
  if (!pack) throw new B4BError(`there is no pack called "${name}" in ${loaded.paths.packs}`);
  const meetingDate = meetingDateFor(pack, month);
  const values = packTextValues(month, meetingDate);
  const warnings: ModelWarning[] = [];
  const timings = { reports: 0, model: 0, charts: 0, layout: 0, assembly: 0 };
  const html: PackOutput['html'] = [];
  const itemInfo = pack.items.map((item) => ({ number: item.number, title: fillText(item.title, values) }));
  // The month each document reports on, which its title and its item's summary may name: {{documentMonth}}.
  const docMonthOf = (doc: PackDocument): MonthKey => ('report' in doc && doc.month === 'latest-with-team-rows' ? latestTeamMonth(dataset, month) : month);
  const docValues = (doc: PackDocument): Record<string, string> => ({ ...values, documentMonth: monthLongLabel(docMonthOf(doc)) });
  const itemValues = (item: PackSettings['items'][number]): Record<string, string> =>
    documentMonthValues(values, item.documents.map(docMonthOf), `${loaded.paths.packs}: packs.${name}, item ${item.number}`);
  // Every value each document prints, by part, for the one-figure check below.
  const printedByPart: PlacedFigure[][] = [];

  /**
   * Every document in pack order, each laid out once with the pack page numbers the plan gives it: a
   * document starts where the one before it (and its blank page) ends. The public and restricted
   * packs share one plan, so one layout serves both. `numbered: false` lays them out without page
   * numbers, for item files that committee systems number themselves.
   */
  const renderParts = async (numbered: boolean): Promise<{ parts: PackPart[]; documents: PDFDocument[] }> => {
    const parts: PackPart[] = [];
    const documents: PDFDocument[] = [];
    let next = pack.firstPage;
    const firstPage = (): { firstPage?: number } => (numbered ? { firstPage: next } : {});
    for (const [itemIndex, item] of pack.items.entries()) {
      for (const doc of item.documents) {
        const started = performance.now();
        let part: PackPart;
        if ('report' in doc) {
          const report = Object.hasOwn(loaded.settings.reports, doc.report) ? loaded.settings.reports[doc.report] : undefined;
          const docMonth = docMonthOf(doc);
          const output = await produceReport(
            inputs,
            {
              name: doc.report,
              month: docMonth,
              format: { agendaItem: item.number, ...(doc.appendix !== undefined ? { appendix: doc.appendix } : {}), ...firstPage() },
              inPack: true,
            },
            ctx,
          );
          // A finance report is always exempt, whatever the pack says.
          const exempt = doc.exempt || report?.kind === 'finance';
          const label = appendixLabel(doc);
          part = {
            item: itemIndex,
            title: output.title,
            publicTitle: fillText(doc.title, docValues(doc)),
            ...(label ? { label } : {}),
            bytes: output.pdf,
            exempt,
            numbered,
          };
          if (numbered) {
            printedByPart[parts.length] = output.printed;
            warnings.push(...output.warnings.map((w) => ({ ...w, message: `${doc.report}: ${w.message}` })));
            timings.model += output.timings.model;
            timings.charts += output.timings.charts;
            timings.layout += output.timings.layout;
            if (!exempt && output.html) html.push({ file: `item-${item.number}-${doc.report}.html`, html: output.html });
          }
        } else if ('coveringReport' in doc) {
          const report = inputs.coveringReports.get(path.resolve(loaded.paths.root, doc.coveringReport));
          if (!report) throw new B4BError(`the covering report ${doc.coveringReport} was not read with the run's inputs`);
          const appendices = item.documents.flatMap((d) => ('title' in d ? [fillText(d.title, docValues(d))] : []));
          const input = {
            report,
            appendices,
            values: plainDocumentMonthValues(values, item.documents.map(docMonthOf)),
            format: { agendaItem: item.number, ...firstPage() },
            council: loaded.settings.council,
          };
          const bytes = (await ctx.layOut({ kind: 'covering-report', input })).pdf;
          part = { item: itemIndex, title: report.subject, label: 'Covering report', bytes, exempt: false, numbered };
          if (numbered) html.push({ file: `item-${item.number}-covering-report.html`, html: ctx.timer.timed('html', () => coveringReportHtml(input)) });
        } else if ('glossary' in doc) {
          const glossary = inputs.glossaries.get(path.resolve(loaded.paths.root, doc.glossary));
          if (!glossary) throw new B4BError(`the glossary ${doc.glossary} was not read with the run's inputs`);
          const input = {
            glossary,
            format: { agendaItem: item.number, ...(doc.appendix !== undefined ? { appendix: doc.appendix } : {}), ...firstPage() },
            council: loaded.settings.council,
          };
          const bytes = (await ctx.layOut({ kind: 'glossary', input })).pdf;
          const label = appendixLabel(doc);
          part = { item: itemIndex, title: glossary.title, ...(label ? { label } : {}), bytes, exempt: false, numbered };
          if (numbered) html.push({ file: `item-${item.number}-glossary.html`, html: ctx.timer.timed('html', () => glossaryHtml(input)) });
        } else {
          const bytes = inputs.itemFiles.get(path.resolve(loaded.paths.root, doc.file));
          if (!bytes) throw new B4BError(`the PDF ${doc.file} was not read with the run's inputs`);
          const label = appendixLabel(doc);
          part = { item: itemIndex, title: fillText(doc.title, docValues(doc)), ...(label ? { label } : {}), bytes, exempt: doc.exempt, numbered: false };
        }
        const document = await PDFDocument.load(part.bytes);
        parts.push(part);
        documents.push(document);
        const pages = document.getPageCount();
        next += pages + (pages % 2 === 1 ? 1 : 0);
        if (numbered) timings.reports += performance.now() - started;
      }
    }
    return { parts, documents };
  };

  const { parts, documents } = await renderParts(true);
  const unnumbered = options.numberItemFiles ? undefined : await renderParts(false);

  const assemblyStart = performance.now();
  const endAssembly = ctx.timer.begin('assembly');
  const metadata = (variant: PackVariant) => ({
    title: `${pack.meeting}, ${values.meetingDate}${variant === 'restricted' ? ' (restricted)' : ''}`,
    subject: `${pack.meeting}: agenda pack, data to ${values.monthEnd}`,
    author: loaded.settings.council,
  });
  const pageCounts = parts.map((p, i) => ({ item: p.item, pages: documents[i]?.getPageCount() ?? 0 }));
  // The agenda's page ranges come from the plan that assembly then follows, the same in both packs.
  const plan = planPack(pageCounts, pack.firstPage);
  const variants = {} as Record<PackVariant, PackVariantOutput>;
  let printed: PackFigure[] = [];
  for (const variant of ['public', 'restricted'] as const) {
    let frontMatter: PDFDocument | undefined;
    if (pack.frontSheet) {
      const agenda: AgendaEntry[] = pack.items.map((item, index) => {
        const range = plan.ranges.find((r) => r.item === index);
        const itemParts = parts.filter((p) => p.item === index);
        return {
          number: item.number,
          title: fillText(item.title, values),
          summary: fillText(item.summary, itemValues(item)),
          ...(range ? { pages: { first: range.first, last: range.last } } : {}),
          exemptAppendices: item.documents.flatMap((d, i) => (itemParts[i]?.exempt ? [appendixLabel(d) ?? itemParts[i]?.title ?? ''] : [])),
        };
      });
      const frontSheet = {
        meeting: pack.meeting,
        when: values.meetingDate,
        council: loaded.settings.council,
        variant,
        agenda,
        exemptionWording: loaded.finance.exemptionNotice.replace(/^NOT FOR PUBLICATION/, 'not for publication'),
        ...(pack.publicNotice ? { publicNotice: pack.publicNotice } : {}),
      };
      frontMatter = await PDFDocument.load((await ctx.layOut({ kind: 'front-sheet', input: frontSheet })).pdf);
    }
    const assemble = async (set: { parts: PackPart[]; documents: PDFDocument[] }, numberPages: boolean) => {
      const furniture = furniturePages(set.parts, plan, { variant, numberPages, frontMatterPages: frontMatter?.getPageCount() ?? 0, items: itemInfo });
      const furnitureDoc = await PDFDocument.load((await ctx.layOut({ kind: 'furniture', pages: furniture, author: loaded.settings.council })).pdf);
      return assemblePack(set.parts, set.documents, furnitureDoc, {
        variant,
        firstPage: pack.firstPage,
        numberPages,
        items: itemInfo,
        metadata: metadata(variant),
        ...(frontMatter ? { frontMatter } : {}),
      });
    };
    const final = await assemble({ parts, documents }, true);
    const itemSource = unnumbered ? await assemble(unnumbered, false) : final;
    const itemFiles = await Promise.all(
      itemSource.ranges.map(async (range) => {
        const first = parts.find((p) => p.item === range.item);
        const confidential = first?.exempt === true && variant === 'public';
        // As the first page prints it: the document's cover, or the confidential page's two lines.
        const title = !first
          ? metadata(variant).title
          : confidential
            ? `${CONFIDENTIAL_TEXT}, Agenda Item ${pack.items[range.item]?.number ?? ''}, ${first.label ? `${first.label}: ` : ''}${publicPart(first).title}`
            : first.title;
        return {
          number: pack.items[range.item]?.number ?? range.item + 1,
          bytes: await extractPages(
            itemSource.document,
            range.firstIndex,
            range.lastIndex,
            { ...metadata(variant), title },
            itemSource.itemOutlines.get(range.item),
          ),
        };
      }),
    );
    variants[variant] = { pack: final.bytes, ranges: final.ranges, pageCount: final.pageCount, items: itemFiles };
    if (variant === 'restricted') printed = placeInPack(printedByPart, final.partStarts);
  }
  // One figure per indicator and month: every disagreement is a warning naming both cells and pages.
  warnings.push(...describeDisagreements(packDisagreements(printed)));
  timings.assembly = performance.now() - assemblyStart;
  endAssembly();
  return { name, variants, html, warnings, printed, timings };
}

/**
 * A pack's output set: its public and restricted variants, each item on its own in both, and the HTML
 * twin of each public document. `numberItemFiles: false` leaves pack page numbers off the item files.
 */
export async function producePackSet(
  inputs: RunInputs,
  name: string,
  month: MonthKey,
  ctx: ProduceContext,
  options: { numberItemFiles: boolean },
): Promise<OutputSet> {
  ctx.step(`pack ${name}: laying out its documents and assembling the public and restricted packs`);
  const output = await producePack(inputs, name, month, ctx, options);
  const variants = ['public', 'restricted'] as const;
  const shown = variants.map((variant) => packFiles.variant(name, month, variant));
  return {
    target: { kind: 'pack', name },
    month,
    files: [
      ...variants.map((variant, i) => ({ path: shown[i] ?? '', bytes: output.variants[variant].pack })),
      ...variants.flatMap((variant) =>
        output.variants[variant].items.map((item) => ({ path: packFiles.item(name, month, variant, item.number), bytes: item.bytes })),
      ),
      ...output.html.map((twin) => ({ path: packFiles.html(name, month, twin.file), bytes: Buffer.from(twin.html) })),
    ],
    shown,
    warnings: describeWarnings(output.warnings),
    printed: output.printed,
  };
}
