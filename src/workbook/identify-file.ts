/**
 * What a file is when it is not a workbook the reader can open, said for an officer: a workbook
 * protected with a password (an encrypted package in an OLE compound file), an old-style .xls, an
 * OpenDocument spreadsheet, a Word document, a damaged part list, two sheets whose names differ only
 * in case. Only the zip's directory is read (yauzl) to tell what an archive holds, and a part is
 * inflated only to explain a failure; the archive has passed its size limits (check-archive.ts) by then.
 */
import yauzl from 'yauzl';

const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** The archive, its entries read one at a time (lazyEntries); undefined when it is no zip. */
export function openZip(bytes: Uint8Array): Promise<yauzl.ZipFile | undefined> {
  return new Promise((resolve) => {
    yauzl.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true }, (error, zip) => resolve(error ? undefined : zip));
  });
}

/** The archive's part names, or undefined when its directory cannot be read (a truncated file). */
async function partNames(bytes: Uint8Array): Promise<string[] | undefined> {
  const zip = await openZip(bytes);
  if (!zip) return undefined;
  return new Promise((resolve) => {
    const names: string[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      names.push(entry.fileName);
      zip.readEntry();
    });
    zip.on('end', () => resolve(names));
    zip.on('error', () => resolve(undefined));
    zip.readEntry();
  });
}

/** The text of some parts of the archive, by name; a part that cannot be inflated is left out. */
export async function readParts(bytes: Uint8Array, wanted: (name: string) => boolean): Promise<Map<string, string>> {
  const parts = new Map<string, string>();
  const zip = await openZip(bytes);
  if (!zip) return parts;
  await new Promise<void>((resolve) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!wanted(entry.fileName)) {
        zip.readEntry();
        return;
      }
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) {
          zip.readEntry();
          return;
        }
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          parts.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        });
        stream.on('error', () => zip.readEntry());
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', () => resolve());
    zip.readEntry();
  });
  zip.close();
  return parts;
}

/** What an OLE compound file (the container of .xls, .doc and of password-protected Office files) holds. */
async function describeCompoundFile(bytes: Uint8Array): Promise<string> {
  const { default: CFB } = await import('cfb');
  let streams: string[];
  try {
    streams = CFB.read(Buffer.from(bytes), { type: 'buffer' }).FullPaths.map((p) => p.replace(/\/$/, '').split('/').pop() ?? '');
  } catch {
    return 'this is an old-style Office file that is damaged or not a workbook; expected an Excel workbook (.xlsx)';
  }
  if (streams.includes('EncryptedPackage') || streams.includes('EncryptionInfo')) {
    return (
      'the workbook is protected with a password (encrypted), so it cannot be read; open it in Excel with its password, ' +
      'remove the password (File › Info › Protect Workbook › Encrypt with Password, and clear it) and save an unprotected copy as an Excel Workbook (.xlsx)'
    );
  }
  if (streams.includes('Workbook') || streams.includes('Book')) {
    return 'this is an old-style Excel file (.xls); open it in Excel and save it as an Excel Workbook (.xlsx)';
  }
  if (streams.includes('WordDocument')) return 'this is a Word document (.doc), not a workbook; expected an Excel workbook (.xlsx)';
  return 'this is an old-style Office file, not an Excel workbook; expected an Excel workbook (.xlsx)';
}

/**
 * Why bytes that are not an Excel workbook cannot be read, before exceljs is given them; undefined
 * for a zip that may be one (exceljs then says whether it is).
 */
export async function notAWorkbook(bytes: Uint8Array): Promise<string | undefined> {
  const head = Buffer.from(bytes.subarray(0, 8));
  if (bytes.length === 0) return 'the file is empty; expected an Excel workbook (.xlsx)';
  if (head.equals(OLE_SIGNATURE)) return describeCompoundFile(bytes);
  if (!head.subarray(0, 2).equals(Buffer.from('PK'))) {
    return 'the file is not an Excel workbook (.xlsx): it is not a zip archive (is it a text or CSV file renamed .xlsx?)';
  }
  const names = await partNames(bytes);
  if (!names || names.some((n) => n.startsWith('xl/'))) return undefined;
  if (names.includes('mimetype') || names.includes('content.xml')) {
    const mimetype = (await readParts(bytes, (n) => n === 'mimetype')).get('mimetype') ?? '';
    if (/opendocument\.spreadsheet/.test(mimetype) || !mimetype) {
      return 'this is an OpenDocument spreadsheet (.ods), not an Excel workbook; open it in LibreOffice Calc (or Excel) and save it as an Excel Workbook (.xlsx)';
    }
    return `this is an OpenDocument file (${mimetype.trim()}), not a spreadsheet; expected an Excel workbook (.xlsx)`;
  }
  if (names.some((n) => n.startsWith('word/'))) return 'this is a Word document (.docx), not a workbook; expected an Excel workbook (.xlsx)';
  if (names.some((n) => n.startsWith('ppt/'))) return 'this is a PowerPoint presentation (.pptx), not a workbook; expected an Excel workbook (.xlsx)';
  return 'the file is a zip archive but not an Excel workbook: it holds no workbook part (xl/workbook.xml); expected an Excel workbook (.xlsx)';
}

/** The sheets' names by their part ("xl/worksheets/sheet1.xml" → "Commentary"), from the workbook part and its relationships. */
export function sheetNamesByPart(parts: Map<string, string>): Map<string, string> {
  const targets = new Map<string, string>();
  for (const m of (parts.get('xl/_rels/workbook.xml.rels') ?? '').matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]+)"/.exec(m[0])?.[1];
    const target = /\bTarget="([^"]+)"/.exec(m[0])?.[1];
    if (id && target) targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  const names = new Map<string, string>();
  for (const m of (parts.get('xl/workbook.xml') ?? '').matchAll(/<sheet\b[^>]*>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[0])?.[1];
    const id = /\br:id="([^"]+)"/.exec(m[0])?.[1];
    const part = id ? targets.get(id) : undefined;
    if (name !== undefined && part) names.set(part, unescapeXml(name));
  }
  return names;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Two sheet names that differ only in case, from the workbook part. */
async function caseTwins(bytes: Uint8Array): Promise<[string, string] | undefined> {
  const workbook = (await readParts(bytes, (n) => n === 'xl/workbook.xml')).get('xl/workbook.xml') ?? '';
  const seen = new Map<string, string>();
  for (const m of workbook.matchAll(/<sheet\b[^>]*\bname="([^"]*)"/g)) {
    const name = unescapeXml(m[1] ?? '');
    const twin = seen.get(name.toLowerCase());
    if (twin !== undefined) return [twin, name];
    seen.set(name.toLowerCase(), name);
  }
  return undefined;
}

/** A cell that refers to a shared text the workbook does not hold. */
async function badSharedString(bytes: Uint8Array): Promise<string | undefined> {
  const parts = await readParts(bytes, (n) => /^xl\/(workbook\.xml|_rels\/workbook\.xml\.rels|sharedStrings\.xml|worksheets\/[^/]+\.xml)$/.test(n));
  const shared = parts.get('xl/sharedStrings.xml') ?? '';
  const count = (shared.match(/<si\b/g) ?? []).length;
  const names = sheetNamesByPart(parts);
  for (const [part, xml] of parts) {
    if (!part.startsWith('xl/worksheets/')) continue;
    for (const m of xml.matchAll(/<c\b([^>]*)>\s*<v>(\d+)<\/v>/g)) {
      const attributes = m[1] ?? '';
      if (!/\bt="s"/.test(attributes) || Number(m[2]) < count) continue;
      const cell = /\br="([A-Z]+\d+)"/.exec(attributes)?.[1] ?? 'a cell';
      const sheet = names.get(part);
      return (
        `the workbook is damaged: cell ${cell} of ${sheet !== undefined ? `the sheet '${sheet}'` : `the part ${part}`} refers to shared text number ${m[2]}, ` +
        `but the workbook holds ${count} (numbered from 0), so the file was changed or written wrongly after Excel saved it; ` +
        'open a good copy, or open it in Excel and let Excel repair it, then save it as .xlsx'
      );
    }
  }
  return undefined;
}

/** Why exceljs failed to open a zip, said for an officer: two sheets with one name, a bad shared text, or a damaged or cut file. */
export async function describeLoadFailure(bytes: Uint8Array, cause: unknown): Promise<string> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (/Worksheet name already exists/i.test(reason)) {
    const twins = await caseTwins(bytes);
    if (twins) {
      return (
        `the workbook has two sheets named "${twins[0]}" and "${twins[1]}": Excel does not allow sheet names that differ only in case, so the file was not saved by Excel; ` +
        'rename one of them (LibreOffice Calc opens such a file) and save it as an Excel Workbook (.xlsx)'
      );
    }
  }
  if ((await partNames(bytes)) !== undefined) {
    // The archive's directory (at its end) is whole, so the file is not cut short: its parts are wrong.
    const shared = await badSharedString(bytes);
    if (shared) return shared;
    return (
      'the workbook is damaged: its archive is whole, but its parts do not fit together, so it was changed or written wrongly after it was saved; ' +
      `open a good copy, or open it in Excel and let Excel repair it, then save it as .xlsx. The reader said: ${reason}`
    );
  }
  return `the file is damaged or incomplete (perhaps truncated while copying); expected a complete Excel workbook (.xlsx). The reader said: ${reason}`;
}
