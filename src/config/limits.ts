import { z } from 'zod';

/**
 * What the reader accepts before it refuses or cuts (config/b4b.yaml `limits:`). A workbook made by
 * Excel for the B4B data set is far inside every one of them; they are there so that a damaged or
 * hostile file costs seconds and bounded memory, never the process.
 */
export const inputLimitsSchema = z.strictObject({
  /** The largest workbook file read at all, in bytes (default 100 MB). */
  maxFileBytes: z.number().int().positive().default(100 * 1024 * 1024),
  /** The most entries (parts) the .xlsx archive may hold (a B4B workbook has about 20). */
  maxEntries: z.number().int().positive().default(2000),
  /**
   * The largest uncompressed size of one part (a sheet's XML, the shared strings), in bytes (default
   * 32 MB, about 90,000 rows of 10 figures; exceljs holds such a sheet in about 600 MB).
   */
  maxPartBytes: z.number().int().positive().default(32 * 1024 * 1024),
  /** The largest uncompressed size of all parts together, in bytes (default 128 MB). */
  maxTotalBytes: z.number().int().positive().default(128 * 1024 * 1024),
  /**
   * The most a part of at least 16 MB may expand (uncompressed size / compressed size). Sheet XML
   * compresses 5 to 30 times; a zip bomb hundreds or a thousand times.
   */
  maxCompressionRatio: z.number().positive().default(200),
  /** The longest text read from one cell, in characters; longer text is cut, with a warning (Excel itself holds 32,767). */
  maxCellText: z.number().int().positive().default(32767),
  /** The most indicator rows read from one table; a table that runs on is an error naming its cell. */
  maxRowsPerTable: z.number().int().positive().default(5000),
  /** The most findings of one kind printed by `validate` and `run` (the rest are counted: "… and 1,204 more"). */
  maxFindingsPerKind: z.number().int().positive().default(50),
});

export type InputLimits = z.infer<typeof inputLimitsSchema>;

export const DEFAULT_LIMITS: InputLimits = inputLimitsSchema.parse({});
