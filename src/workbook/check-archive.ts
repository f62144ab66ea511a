/**
 * The .xlsx archive checked before exceljs sees it: exceljs inflates every part whole in memory, so
 * a small file whose sheet XML unpacks to hundreds of megabytes would exhaust the heap. The check
 * reads the zip's central directory (yauzl) and refuses, without inflating anything, an archive
 * with too many parts, a part too large, or one that expands too far. Only an archive that passes
 * is then streamed through once, each part's bytes counted and thrown away, so a part that holds
 * more than its directory entry declares (a forged size) is refused too, at the declared size.
 */
import yauzl from 'yauzl';
import { B4BError, type Finding } from '../findings/finding.js';
import type { InputLimits } from '../config/limits.js';
import { formatBytes } from '../config/regular-file.js';

const MB = 1024 * 1024;
/**
 * Below this size a part's compression ratio says nothing: repeated XML or text compresses hundreds
 * of times, and a part this small costs little even so.
 */
const RATIO_FLOOR = 16 * MB;

function describePart(name: string): string {
  if (/^xl\/worksheets\/[^/]+\.xml$/i.test(name)) return `the sheet part ${name}`;
  if (/^xl\/sharedStrings\.xml$/i.test(name)) return `the shared strings part ${name}`;
  return `the part ${name}`;
}

function refused(file: string, message: string): B4BError {
  const finding: Finding = { severity: 'error', code: 'input-too-large', source: { file }, message };
  return new B4BError(`${file.split(/[\\/]/).pop()}: ${message}`, [finding]);
}

interface Entry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

function openZip(bytes: Uint8Array): Promise<yauzl.ZipFile | undefined> {
  return new Promise((resolve) => {
    yauzl.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true, validateEntrySizes: true }, (error, zip) =>
      resolve(error ? undefined : zip),
    );
  });
}

/** The central directory's entries, read without inflating anything; stops at `maxEntries + 1`. */
function readEntries(zip: yauzl.ZipFile, max: number): Promise<{ entries: yauzl.Entry[]; error?: Error }> {
  return new Promise((resolve) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      if (entries.length > max) {
        zip.close();
        resolve({ entries });
      } else zip.readEntry();
    });
    zip.on('end', () => resolve({ entries }));
    zip.on('error', (error: Error) => resolve({ entries, error }));
    zip.readEntry();
  });
}

/** Streams one part through, counting its bytes and keeping none; fails where it passes its declared size. */
function drainEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Error | undefined> {
  return new Promise((resolve) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) {
        resolve(error ?? new Error('cannot read the part'));
        return;
      }
      stream.on('data', () => undefined);
      stream.on('end', () => resolve(undefined));
      stream.on('error', (e: Error) => resolve(e));
    });
  });
}

/**
 * Refuses an archive that would cost more than `limits` allow, naming the file and the part. An
 * archive yauzl cannot read at all is left for exceljs, whose failure says why (not a zip, truncated).
 */
export async function checkArchive(bytes: Uint8Array, file: string, limits: InputLimits): Promise<void> {
  const zip = await openZip(bytes);
  if (!zip) return;
  const advice = 'limits in config/b4b.yaml';
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw refused(
      file,
      `the archive holds ${zip.entryCount.toLocaleString('en-GB')} parts; a workbook has at most ${limits.maxEntries.toLocaleString('en-GB')} (maxEntries, ${advice}), so it is not read`,
    );
  }
  const { entries, error } = await readEntries(zip, limits.maxEntries);
  if (error) {
    zip.close();
    return; // damaged: exceljs reports it in its own words
  }
  const parts: Entry[] = entries.map((e) => ({ name: e.fileName, compressedSize: e.compressedSize, uncompressedSize: e.uncompressedSize }));
  let total = 0;
  for (const part of parts) {
    total += part.uncompressedSize;
    if (part.uncompressedSize > limits.maxPartBytes) {
      zip.close();
      throw refused(
        file,
        `${describePart(part.name)} unpacks to ${formatBytes(part.uncompressedSize)} (from ${formatBytes(part.compressedSize)}); ` +
          `a part may unpack to at most ${formatBytes(limits.maxPartBytes)} (maxPartBytes, ${advice}), so the workbook is not read`,
      );
    }
    const ratio = part.uncompressedSize / Math.max(1, part.compressedSize);
    if (part.uncompressedSize >= RATIO_FLOOR && ratio > limits.maxCompressionRatio) {
      zip.close();
      throw refused(
        file,
        `${describePart(part.name)} unpacks to ${formatBytes(part.uncompressedSize)} from ${formatBytes(part.compressedSize)}, ` +
          `${Math.round(ratio).toLocaleString('en-GB')} times its packed size; a workbook's parts expand at most ${limits.maxCompressionRatio} times ` +
          `(maxCompressionRatio, ${advice}), so the workbook is not read`,
      );
    }
  }
  if (total > limits.maxTotalBytes) {
    zip.close();
    throw refused(
      file,
      `the workbook's parts unpack to ${formatBytes(total)} together; at most ${formatBytes(limits.maxTotalBytes)} is read (maxTotalBytes, ${advice}), so it is not read`,
    );
  }
  // The directory may lie about a part's size: stream each through once, bounded by what it declares.
  for (const entry of entries) {
    if (/\/$/.test(entry.fileName)) continue;
    const failure = await drainEntry(zip, entry);
    if (failure && /too many bytes|uncompressed size/i.test(failure.message)) {
      zip.close();
      throw refused(
        file,
        `${describePart(entry.fileName)} holds more than the ${formatBytes(entry.uncompressedSize)} its directory entry declares (a forged or damaged archive), so the workbook is not read`,
      );
    }
    if (failure) break; // damaged in some other way: exceljs says how
  }
  zip.close();
}
