import { createRequire } from 'node:module';
import { FONT_FAMILY, FONT_FILES } from './fonts.js';

const require = createRequire(import.meta.url);

interface PdfMake {
  setFonts(fonts: Record<string, Record<string, string>>): void;
  setUrlAccessPolicy(callback: (url: string) => boolean): void;
  setLocalAccessPolicy(callback: (path: string) => boolean): void;
  createPdf(doc: Record<string, unknown>): { getBuffer(): Promise<Buffer> };
}

let instance: PdfMake | undefined;

/** pdfmake 0.3 on the server: fonts from the package's files only, no URL fetching at all. */
function pdfmake(): PdfMake {
  if (!instance) {
    instance = require('pdfmake') as PdfMake;
    instance.setFonts({ [FONT_FAMILY]: FONT_FILES });
    const allowed = new Set(Object.values(FONT_FILES));
    instance.setLocalAccessPolicy((path) => allowed.has(path));
    instance.setUrlAccessPolicy(() => false);
  }
  return instance;
}

export async function renderPdf(doc: Record<string, unknown>): Promise<Buffer> {
  return pdfmake().createPdf(doc).getBuffer();
}
