import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { projectName } from '../config/contained-path.js';
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
  type AssembledPack,
  type ItemRange,
  type PackItemInfo,
  type PackPart,
  type PackPlan,
  type PackVariant,
} from '../pack/assemble.js';
import { describeDisagreements, packDisagreements, type PackFigure } from '../pack/consistency.js';
import type { AgendaEntry } from '../pack/front-sheet.js';
import type { PackDocument, PackSettings } from '../pack/pack-settings.js';
import { documentMonthValues, fillText, packTextValues, plainDocumentMonthValues, type ItemDocuments, type PackTextValues } from '../pack/text-values.js';
import { LOAD_OPTIONS } from '../render/pdf-lib-options.js';
import type { ModelWarning } from '../report/report-figures.js';
import type { ProduceContext } from './context.js';
import { packFiles, type OutputSet } from './output-set.js';
import { clinicTeamMonths, produceReport, readsOfReports, type PlacedFigure } from './report.js';
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

/** The latest month up to `month` with the clinic's own team rows (of the measures it prints): the month a clinic in a pack reports on. */
function latestTeamMonth(inputs: RunInputs, report: string, month: MonthKey): MonthKey {
  const all = clinicTeamMonths(inputs, report);
  const latest = all.filter((m) => m <= month).pop();
  if (!latest) {
    const first = all[0];
    const packs = projectName(inputs.loaded.paths.root, inputs.loaded.paths.packs);
    throw new B4BError(
      `the workbook has no team rows of the measures ${report} prints up to ${monthLongLabel(month)}, so the pack's clinic cannot be produced; ` +
        (first
          ? `its first month with them is ${monthLongLabel(first)}: run the pack for ${monthLongLabel(first)} or later, or take ${report} out of the pack's items (${packs})`
          : `the Team measures sheet has none of its rows: add them, or take ${report} out of the pack's items (${packs})`),
    );
  }
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

/** What a pack's text fills in for a month: its meeting, the month each document reports on, the items' titles. */
interface PackMonth {
  pack: PackSettings;
  values: PackTextValues;
  itemInfo: PackItemInfo[];
  /** The month each document reports on, which its title and its item's summary may name: {{documentMonth}}. */
  docMonthOf: (doc: PackDocument) => MonthKey;
  docValues: (doc: PackDocument) => Record<string, string>;
  /** An item's documents: the month each reports on, and the titles of those that have one (an appendix's), filled in. */
  itemDocuments: (item: PackSettings['items'][number]) => ItemDocuments;
  itemValues: (item: PackSettings['items'][number]) => Record<string, string>;
}

function packMonth(inputs: RunInputs, name: string, pack: PackSettings, month: MonthKey): PackMonth {
  const values = packTextValues(month, meetingDateFor(pack, month));
  // A clinic's month, found once per pack (its titles, its item's summary and its layout all ask).
  const clinicMonths = new Map<string, MonthKey>();
  const clinicMonth = (report: string): MonthKey => {
    let found = clinicMonths.get(report);
    if (found === undefined) clinicMonths.set(report, (found = latestTeamMonth(inputs, report, month)));
    return found;
  };
  const docMonthOf = (doc: PackDocument): MonthKey => ('report' in doc && doc.month === 'latest-with-team-rows' ? clinicMonth(doc.report) : month);
  const docValues = (doc: PackDocument): Record<string, string> => ({ ...values, documentMonth: monthLongLabel(docMonthOf(doc)) });
  const itemDocuments = (item: PackSettings['items'][number]): ItemDocuments => ({
    months: item.documents.map(docMonthOf),
    titles: item.documents.flatMap((d) => ('title' in d ? [fillText(d.title, docValues(d))] : [])),
  });
  return {
    pack,
    values,
    itemInfo: pack.items.map((item) => ({ number: item.number, title: fillText(item.title, values) })),
    docMonthOf,
    docValues,
    itemDocuments,
    itemValues: (item) => documentMonthValues(values, itemDocuments(item), `${inputs.loaded.paths.packs}: packs.${name}, item ${item.number}`),
  };
}

/** The pack's documents laid out in pack order, and what their reports print, warn and twin. */
interface LaidOutParts {
  parts: PackPart[];
  documents: PDFDocument[];
  /** Every value each part's report prints, by part, for the one-figure check. */
  printedByPart: PlacedFigure[][];
  warnings: ModelWarning[];
  html: PackOutput['html'];
  timings: PackOutput['timings'];
}

/** One document of an item laid out: its part, and for a numbered pack what it prints, warns and twins. */
interface LaidOutPart {
  part: PackPart;
  printed?: PlacedFigure[];
  warnings?: ModelWarning[];
  html?: { file: string; html: string };
  timings?: Pick<PackOutput['timings'], 'model' | 'charts' | 'layout'>;
}

/**
 * Every document in pack order, each laid out once with the pack page numbers the plan gives it: a
 * document starts where the one before it (and its blank page) ends. The public and restricted packs
 * share one plan, so one layout serves both. `numbered: false` lays them out without page numbers, for
 * item files that committee systems number themselves.
 */
async function layOutParts(inputs: RunInputs, m: PackMonth, ctx: ProduceContext, numbered: boolean): Promise<LaidOutParts> {
  const out: LaidOutParts = {
    parts: [],
    documents: [],
    printedByPart: [],
    warnings: [],
    html: [],
    timings: { reports: 0, model: 0, charts: 0, layout: 0, assembly: 0 },
  };
  let next = m.pack.firstPage;
  for (const [itemIndex, item] of m.pack.items.entries()) {
    for (const doc of item.documents) {
      const started = performance.now();
      const at = { item: itemIndex, numbered, ...(numbered ? { firstPage: next } : {}) };
      const laidOut = await layOutPart(inputs, m, doc, item, at, ctx);
      const document = await PDFDocument.load(laidOut.part.bytes, LOAD_OPTIONS);
      if (numbered) {
        if (laidOut.printed) out.printedByPart[out.parts.length] = laidOut.printed;
        out.warnings.push(...(laidOut.warnings ?? []));
        if (laidOut.html) out.html.push(laidOut.html);
        out.timings.model += laidOut.timings?.model ?? 0;
        out.timings.charts += laidOut.timings?.charts ?? 0;
        out.timings.layout += laidOut.timings?.layout ?? 0;
      }
      out.parts.push(laidOut.part);
      out.documents.push(document);
      const pages = document.getPageCount();
      next += pages + (pages % 2 === 1 ? 1 : 0);
      if (numbered) out.timings.reports += performance.now() - started;
    }
  }
  return out;
}

/** Where a document goes: its item, and its first pack page when the pack is numbered. */
interface PartPlace {
  item: number;
  numbered: boolean;
  firstPage?: number;
}

/** One of an item's documents laid out: a report, the covering report, the glossary, or a PDF from elsewhere. */
async function layOutPart(
  inputs: RunInputs,
  m: PackMonth,
  doc: PackDocument,
  item: PackSettings['items'][number],
  at: PartPlace,
  ctx: ProduceContext,
): Promise<LaidOutPart> {
  const { loaded } = inputs;
  const firstPage = at.firstPage !== undefined ? { firstPage: at.firstPage } : {};
  const label = appendixLabel(doc);
  if ('report' in doc) {
    const report = Object.hasOwn(loaded.settings.reports, doc.report) ? loaded.settings.reports[doc.report] : undefined;
    const output = await produceReport(
      inputs,
      {
        name: doc.report,
        month: m.docMonthOf(doc),
        format: { agendaItem: item.number, ...(doc.appendix !== undefined ? { appendix: doc.appendix } : {}), ...firstPage },
        inPack: true,
      },
      ctx,
    );
    // A finance report is always exempt, whatever the pack says.
    const exempt = doc.exempt || report?.kind === 'finance';
    return {
      part: {
        item: at.item,
        title: output.title,
        publicTitle: fillText(doc.title, m.docValues(doc)),
        ...(label ? { label } : {}),
        bytes: output.pdf,
        exempt,
        numbered: at.numbered,
      },
      printed: output.printed,
      warnings: output.warnings.map((w) => ({ ...w, message: `${doc.report}: ${w.message}` })),
      ...(!exempt && output.html ? { html: { file: `item-${item.number}-${doc.report}.html`, html: output.html } } : {}),
      timings: output.timings,
    };
  }
  if ('coveringReport' in doc) {
    const report = inputs.coveringReports.get(path.resolve(loaded.paths.root, doc.coveringReport));
    if (!report) throw new B4BError(`the covering report ${doc.coveringReport} was not read with the run's inputs`);
    const input = {
      report,
      appendices: m.itemDocuments(item).titles,
      values: plainDocumentMonthValues(m.values, m.itemDocuments(item)),
      format: { agendaItem: item.number, ...firstPage },
      council: loaded.settings.council,
    };
    const bytes = (await ctx.layOut({ kind: 'covering-report', input })).pdf;
    return {
      part: { item: at.item, title: report.subject, label: 'Covering report', bytes, exempt: false, numbered: at.numbered },
      ...(at.numbered ? { html: { file: `item-${item.number}-covering-report.html`, html: ctx.timer.timed('html', () => coveringReportHtml(input)) } } : {}),
    };
  }
  if ('glossary' in doc) {
    const glossary = inputs.glossaries.get(path.resolve(loaded.paths.root, doc.glossary));
    if (!glossary) throw new B4BError(`the glossary ${doc.glossary} was not read with the run's inputs`);
    const input = {
      glossary,
      format: { agendaItem: item.number, ...(doc.appendix !== undefined ? { appendix: doc.appendix } : {}), ...firstPage },
      council: loaded.settings.council,
    };
    const bytes = (await ctx.layOut({ kind: 'glossary', input })).pdf;
    return {
      part: { item: at.item, title: glossary.title, ...(label ? { label } : {}), bytes, exempt: false, numbered: at.numbered },
      ...(at.numbered ? { html: { file: `item-${item.number}-glossary.html`, html: ctx.timer.timed('html', () => glossaryHtml(input)) } } : {}),
    };
  }
  const bytes = inputs.itemFiles.get(path.resolve(loaded.paths.root, doc.file));
  if (!bytes) throw new B4BError(`the PDF ${doc.file} was not read with the run's inputs`);
  // A PDF from elsewhere is never laid out with page numbers: assembly stamps them.
  return { part: { item: at.item, title: fillText(doc.title, m.docValues(doc)), ...(label ? { label } : {}), bytes, exempt: doc.exempt, numbered: false } };
}

/** The pack's front sheet and agenda for one variant, its page ranges from the plan assembly follows. */
async function frontSheet(inputs: RunInputs, m: PackMonth, parts: PackPart[], plan: PackPlan, variant: PackVariant, ctx: ProduceContext): Promise<PDFDocument> {
  const agenda: AgendaEntry[] = m.pack.items.map((item, index) => {
    const range = plan.ranges.find((r) => r.item === index);
    const itemParts = parts.filter((p) => p.item === index);
    return {
      number: item.number,
      title: fillText(item.title, m.values),
      summary: fillText(item.summary, m.itemValues(item)),
      ...(range ? { pages: { first: range.first, last: range.last } } : {}),
      exemptAppendices: item.documents.flatMap((d, i) => (itemParts[i]?.exempt ? [appendixLabel(d) ?? itemParts[i]?.title ?? ''] : [])),
    };
  });
  const input = {
    meeting: m.pack.meeting,
    when: m.values.meetingDate,
    council: inputs.loaded.settings.council,
    variant,
    agenda,
    exemptionWording: inputs.loaded.finance.exemptionNotice.replace(/^NOT FOR PUBLICATION/, 'not for publication'),
    ...(m.pack.publicNotice ? { publicNotice: m.pack.publicNotice } : {}),
  };
  return PDFDocument.load((await ctx.layOut({ kind: 'front-sheet', input })).pdf, LOAD_OPTIONS);
}

/** The pack's metadata: the meeting and its date, and what the pack holds. */
function packMetadata(inputs: RunInputs, m: PackMonth, variant: PackVariant): { title: string; subject: string; author: string } {
  return {
    title: `${m.pack.meeting}, ${m.values.meetingDate}${variant === 'restricted' ? ' (restricted)' : ''}`,
    subject: `${m.pack.meeting}: agenda pack, data to ${m.values.monthEnd}`,
    author: inputs.loaded.settings.council,
  };
}

/** One variant of the pack assembled from laid-out parts: its front matter, the furniture pages the plan needs, and the parts. */
async function assembleVariant(
  inputs: RunInputs,
  m: PackMonth,
  laidOut: Pick<LaidOutParts, 'parts' | 'documents'>,
  plan: PackPlan,
  how: { variant: PackVariant; numberPages: boolean; frontMatter: PDFDocument | undefined },
  ctx: ProduceContext,
): Promise<AssembledPack & { document: PDFDocument }> {
  const { variant, numberPages, frontMatter } = how;
  const furniture = furniturePages(laidOut.parts, plan, { variant, numberPages, frontMatterPages: frontMatter?.getPageCount() ?? 0, items: m.itemInfo });
  const furnitureDoc = await PDFDocument.load(
    (await ctx.layOut({ kind: 'furniture', pages: furniture, author: inputs.loaded.settings.council })).pdf,
    LOAD_OPTIONS,
  );
  return assemblePack(laidOut.parts, laidOut.documents, furnitureDoc, {
    variant,
    firstPage: m.pack.firstPage,
    numberPages,
    items: m.itemInfo,
    metadata: packMetadata(inputs, m, variant),
    ...(frontMatter ? { frontMatter } : {}),
  });
}

/** Each agenda item of an assembled pack as a PDF of its own, titled as its first page prints it. */
function itemFiles(
  inputs: RunInputs,
  m: PackMonth,
  parts: PackPart[],
  assembled: AssembledPack & { document: PDFDocument },
  variant: PackVariant,
): Promise<PackVariantOutput['items']> {
  const metadata = packMetadata(inputs, m, variant);
  return Promise.all(
    assembled.ranges.map(async (range) => {
      const first = parts.find((p) => p.item === range.item);
      const confidential = first?.exempt === true && variant === 'public';
      // As the first page prints it: the document's cover, or the confidential page's two lines.
      const title = !first
        ? metadata.title
        : confidential
          ? `${CONFIDENTIAL_TEXT}, Agenda Item ${m.pack.items[range.item]?.number ?? ''}, ${first.label ? `${first.label}: ` : ''}${publicPart(first).title}`
          : first.title;
      return {
        number: m.pack.items[range.item]?.number ?? range.item + 1,
        bytes: await extractPages(assembled.document, range.firstIndex, range.lastIndex, { ...metadata, title }, assembled.itemOutlines.get(range.item)),
      };
    }),
  );
}

/**
 * A pack for a month: every document laid out once (in pack order, with its pack page numbers), then
 * assembled twice (public and restricted) with the front sheet and agenda, whose page ranges come from
 * the plan assembly follows; each item as a file of its own; and one figure per indicator and month
 * across the pack's documents.
 */
export async function producePack(
  inputs: RunInputs,
  name: string,
  month: MonthKey,
  ctx: ProduceContext,
  options: { numberItemFiles: boolean },
): Promise<PackOutput> {
  const pack = Object.hasOwn(inputs.packs, name) ? inputs.packs[name] : undefined;
  if (!pack) throw new B4BError(`there is no pack called "${name}" in ${inputs.loaded.paths.packs}`);
  const m = packMonth(inputs, name, pack, month);
  const laidOut = await layOutParts(inputs, m, ctx, true);
  const unnumbered = options.numberItemFiles ? undefined : await layOutParts(inputs, m, ctx, false);

  const assemblyStart = performance.now();
  const endAssembly = ctx.timer.begin('assembly');
  const plan = planPack(
    laidOut.parts.map((p, i) => ({ item: p.item, pages: laidOut.documents[i]?.getPageCount() ?? 0 })),
    pack.firstPage,
  );
  // The two variants at once: one's front sheet and furniture are laid out while the other is assembled.
  const [publicPack, restrictedPack] = await Promise.all(
    (['public', 'restricted'] as const).map(async (variant) => {
      const frontMatter = pack.frontSheet ? await frontSheet(inputs, m, laidOut.parts, plan, variant, ctx) : undefined;
      const final = await assembleVariant(inputs, m, laidOut, plan, { variant, numberPages: true, frontMatter }, ctx);
      const itemSource = unnumbered ? await assembleVariant(inputs, m, unnumbered, plan, { variant, numberPages: false, frontMatter }, ctx) : final;
      const output: PackVariantOutput = {
        pack: final.bytes,
        ranges: final.ranges,
        pageCount: final.pageCount,
        items: await itemFiles(inputs, m, laidOut.parts, itemSource, variant),
      };
      return { output, partStarts: final.partStarts };
    }),
  );
  if (!publicPack || !restrictedPack) throw new Error('a pack variant was not assembled');
  const variants: Record<PackVariant, PackVariantOutput> = { public: publicPack.output, restricted: restrictedPack.output };
  // The restricted pack holds every document: its page numbers are where each printed value is.
  const printed = placeInPack(laidOut.printedByPart, restrictedPack.partStarts);
  // One figure per indicator and month: every disagreement is a warning naming both cells and pages.
  const warnings = [...laidOut.warnings, ...describeDisagreements(packDisagreements(printed))];
  const timings = { ...laidOut.timings, assembly: performance.now() - assemblyStart };
  endAssembly();
  return { name, variants, html: laidOut.html, warnings, printed, timings };
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
    reads: readsOfReports(
      inputs,
      (inputs.packs[name]?.items ?? []).flatMap((item) => item.documents.flatMap((doc) => ('report' in doc ? [doc.report] : []))),
    ),
  };
}
