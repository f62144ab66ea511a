import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFRawStream,
  PDFRef,
  concatTransformationMatrix,
  decodePDFRawStream,
  drawObject,
  popGraphicsState,
  pushGraphicsState,
} from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { drawChartPages } from '../../src/render/chart-canvas.js';
import type { ChartSlot } from '../../src/render/chart-slot.js';
import { placeCharts } from '../../src/render/place-charts.js';
import { chartOfEachType } from '../fixtures/chart-types.js';
import { pdfText } from '../fixtures/pdf-text.js';

/** A one-page document whose page draws the form XObjects it names (as a laid-out report's boxes do). */
async function pageDrawing(names: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([600, 800]);
  names.forEach((name, i) =>
    page.pushOperators(pushGraphicsState(), concatTransformationMatrix(1, 0, 0, 1, 20, 450 - i * 300), drawObject(name), popGraphicsState()),
  );
  return doc.save();
}

/** The form XObject a page of `pdf` draws by `name`. */
async function formOf(pdf: Uint8Array, name: string): Promise<PDFRawStream> {
  const doc = await PDFDocument.load(pdf);
  const forms = doc.getPage(0).node.Resources()?.lookup(PDFName.of('XObject'), PDFDict);
  const form = forms?.lookup(PDFName.of(name));
  if (!(form instanceof PDFRawStream)) throw new Error(`no form XObject ${name}`);
  return form;
}

/** The raw (still compressed) content stream of each page of a chart PDF. */
async function pageStreams(pdf: Uint8Array): Promise<Uint8Array[]> {
  return (await PDFDocument.load(pdf)).getPages().map((page) => {
    const contents = page.node.Contents();
    const stream = contents instanceof PDFArray ? contents.lookup(0) : contents;
    if (!(stream instanceof PDFRawStream)) throw new Error('not a raw stream');
    return stream.contents;
  });
}

describe('charts placed in a laid-out document', () => {
  it("carry each chart page's content stream as cairo compressed it, and draw its text", async () => {
    const models = chartOfEachType().slice(0, 2);
    const charts = drawChartPages(models.map((model) => ({ model, size: { width: 400, height: 250 } })));
    const slots: ChartSlot[] = ['B4BChart1', 'B4BChart2'].map((name) => ({ name, size: { width: 400, height: 250 }, placed: [{ page: 0, x: 20, y: 20 }] }));
    const placed = await placeCharts(await pageDrawing(['B4BChart1', 'B4BChart2']), charts, slots);
    const streams = await pageStreams(charts);
    for (const [i, name] of ['B4BChart1', 'B4BChart2'].entries()) {
      const form = await formOf(placed, name);
      expect(form.dict.get(PDFName.of('Subtype'))).toBe(PDFName.of('Form'));
      expect(form.dict.lookup(PDFName.of('BBox'), PDFArray).asRectangle()).toEqual({ x: 0, y: 0, width: 400, height: 250 });
      // Not inflated and deflated again: the very bytes cairo wrote.
      expect(Buffer.from(form.contents).equals(Buffer.from(streams[i] ?? []))).toBe(true);
    }
    // The text of both charts (titles, axis labels) is in the page, drawn with the fonts copied once.
    const text = pdfText(Buffer.from(placed)).replace(/\s+/g, ' ');
    for (const model of models) expect(text).toContain(model.title.split(' ').slice(0, 3).join(' '));
    const fonts = new Set(
      (await Promise.all(['B4BChart1', 'B4BChart2'].map((name) => formOf(placed, name)))).flatMap((form) => {
        const fontDict = form.dict.lookup(PDFName.of('Resources'), PDFDict).lookupMaybe(PDFName.of('Font'), PDFDict);
        return fontDict ? fontDict.values().map((ref) => (ref instanceof PDFRef ? ref.toString() : '')) : [];
      }),
    );
    expect(fonts.size).toBeGreaterThan(0);
    expect(fonts.size).toBeLessThanOrEqual(3); // one object per Arimo face for every chart, not one per chart
  });

  it('embeds a chart page whose content is not one deflated stream through pdf-lib, drawing the same', async () => {
    // Two content streams on one page: pdf-lib joins them into one form.
    const doc = await PDFDocument.create();
    const page = doc.addPage([200, 100]);
    const first = doc.context.register(doc.context.flateStream('0 0 1 rg 0 0 50 50 re f'));
    const second = doc.context.register(doc.context.flateStream('1 0 0 rg 60 0 50 50 re f'));
    page.node.set(PDFName.of('Contents'), doc.context.obj([first, second]));
    const chartPdf = await doc.save();
    const placed = await placeCharts(await pageDrawing(['B4BChart1']), chartPdf, [
      { name: 'B4BChart1', size: { width: 200, height: 100 }, placed: [{ page: 0, x: 0, y: 0 }] },
    ]);
    const drawn = Buffer.from(decodePDFRawStream(await formOf(placed, 'B4BChart1')).decode()).toString('latin1');
    expect(drawn).toContain('0 0 1 rg 0 0 50 50 re f');
    expect(drawn).toContain('1 0 0 rg 60 0 50 50 re f');
  });
});
