import { PDFArray, PDFDict, PDFDocument, PDFName, PDFObjectCopier, PDFRawStream, type PDFRef } from 'pdf-lib';
import { drawChartPages, type ChartToDraw } from './chart-canvas.js';
import type { ChartSlot } from './chart-slot.js';
import { LOAD_OPTIONS, SAVE_OPTIONS } from './pdf-lib-options.js';

/**
 * Charts go into a laid-out document in two steps. pdfmake lays the document out with an empty box
 * of each chart's size where the chart goes (chartBox); as it writes the pages, each box records
 * where it landed and draws, in its place in the page's drawing order, a form XObject by the name
 * its chart will have (pdf-bytes.ts). Then each chart's page of the document's chart PDF becomes that
 * form XObject (placeCharts): vectors and real text, one set of font subsets for all of the
 * document's charts, read in the order the page shows them.
 */

/**
 * Page `index` of the chart PDF as a form XObject of `doc`: its content stream as cairo compressed it
 * and its resources, copied once for all the charts (fonts are shared). pdf-lib's own embedding
 * (embedPdf) inflates each page's stream and deflates it again in JavaScript: about a tenth of a
 * second of a month's main thread for the same drawing. A page whose content is not one deflated
 * stream is embedded by pdf-lib.
 */
async function chartForm(doc: PDFDocument, charts: PDFDocument, copier: PDFObjectCopier, index: number): Promise<PDFRef> {
  const page = charts.getPage(index);
  const contents = page.node.Contents();
  const resources = page.node.Resources();
  const stream = contents instanceof PDFArray ? (contents.size() === 1 ? contents.lookup(0) : undefined) : contents;
  if (
    !(stream instanceof PDFRawStream) ||
    !resources ||
    stream.dict.get(PDFName.of('Filter')) !== PDFName.of('FlateDecode') ||
    stream.dict.has(PDFName.of('DecodeParms'))
  ) {
    return (await doc.embedPage(page)).ref;
  }
  const { width, height } = page.getSize();
  const form = doc.context.obj({
    Type: 'XObject',
    Subtype: 'Form',
    FormType: 1,
    BBox: [0, 0, width, height],
    Matrix: [1, 0, 0, 1, 0, 0],
    Resources: copier.copy(resources),
    Filter: 'FlateDecode',
  });
  return doc.context.register(PDFRawStream.of(form, stream.contents));
}

/**
 * Each drawing of charts (drawChartPages keeps it) read by pdf-lib once: begun as soon as it is drawn,
 * while the layout thread still writes the pages, and read by every copy of the report placed after.
 * Placing only reads it (the forms and their resources are copied into the document).
 */
const parsedDrawings = new WeakMap<Uint8Array, Promise<PDFDocument>>();

/** `chartPdf` as pdf-lib reads it, read once for every placing of it. */
export function parsedChartPdf(chartPdf: Uint8Array): Promise<PDFDocument> {
  let parsed = parsedDrawings.get(chartPdf);
  if (!parsed) {
    parsed = PDFDocument.load(chartPdf, { ...LOAD_OPTIONS, updateMetadata: false });
    parsedDrawings.set(chartPdf, parsed);
    // A drawing that cannot be read is read again (and fails) where it is placed.
    parsed.catch(() => parsedDrawings.delete(chartPdf));
  }
  return parsed;
}

/** Makes page i of `chartPdf` the form XObject `slots[i].name` of each page its box landed on; the document's metadata is kept as it is. */
export async function placeCharts(pdf: Uint8Array, chartPdf: Uint8Array, slots: ChartSlot[]): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { ...LOAD_OPTIONS, updateMetadata: false });
  const chartDoc = await parsedChartPdf(chartPdf);
  if (chartDoc.getPageCount() < slots.length) throw new Error(`the chart PDF has ${chartDoc.getPageCount()} pages for ${slots.length} charts`);
  const copier = PDFObjectCopier.for(chartDoc.context, doc.context);
  const charts: PDFRef[] = [];
  for (const i of slots.keys()) charts.push(await chartForm(doc, chartDoc, copier, i));
  slots.forEach((slot, i) => {
    const chart = charts[i];
    if (!chart) throw new Error(`the chart PDF has no page ${i + 1}`);
    if (slot.placed.length === 0) throw new Error(`chart ${i + 1} of the document was not placed on any page`);
    for (const at of slot.placed) {
      const page = doc.getPage(at.page).node;
      let resources = page.Resources();
      if (!resources) {
        resources = doc.context.obj({});
        page.set(PDFName.of('Resources'), resources);
      }
      let forms = resources.lookupMaybe(PDFName.of('XObject'), PDFDict);
      if (!forms) {
        forms = doc.context.obj({});
        resources.set(PDFName.of('XObject'), forms);
      }
      forms.set(PDFName.of(slot.name), chart);
    }
  });
  return doc.save(SAVE_OPTIONS);
}

/** A document's charts to draw (their models and sizes) and the boxes its layout left for them. */
export interface ChartsToPlace {
  toDraw: ChartToDraw[];
  slots: ChartSlot[];
}

/**
 * A laid-out document with its charts drawn (as the pages of one PDF) and placed in their boxes, and
 * the time that took added to its chart time. A drawing is kept (drawChartPages), so charts drawn as
 * soon as they were known are not drawn again here.
 */
export async function chartsPlaced<T extends { pdf: Uint8Array; chartMs: number; charts?: ChartsToPlace }>(laidOut: T): Promise<Omit<T, 'charts'>> {
  const { charts, ...document } = laidOut;
  if (!charts) return document;
  const begun = performance.now();
  const pdf = await placeCharts(laidOut.pdf, drawChartPages(charts.toDraw), charts.slots);
  return { ...document, pdf, chartMs: document.chartMs + performance.now() - begun };
}
