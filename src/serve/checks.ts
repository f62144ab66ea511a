import { stat } from 'node:fs/promises';
import type { LoadedSettings } from '../config/settings.js';
import { checkWorkbook, type WorkbookCheck } from '../dataset/check-workbook.js';

/**
 * The console's workbook checks, the last few kept while the file (its size and time) and the header
 * aliases are unchanged: Check, Produce and its confirmation each need one, and reading the workbook
 * takes seconds.
 */
export class WorkbookChecks {
  private entries: Array<{ key: string; check: Promise<WorkbookCheck> }> = [];

  constructor(
    private readonly loaded: LoadedSettings,
    private readonly size = 4,
  ) {}

  private async keyOf(file: string): Promise<string | undefined> {
    const info = await stat(file).catch(() => undefined);
    return info ? `${file}\0${info.size}\0${info.mtimeMs}` : undefined;
  }

  async check(file: string): Promise<WorkbookCheck> {
    const key = await this.keyOf(file);
    if (key === undefined) return checkWorkbook(this.loaded, file);
    const found = this.entries.find((e) => e.key === key);
    if (found) return found.check;
    const check = checkWorkbook(this.loaded, file);
    this.remember(key, check);
    check.catch(() => this.forget(key));
    return check;
  }

  /** Keeps a check made of the same bytes under another name (an upload checked before it was moved into place). */
  async keep(file: string, check: WorkbookCheck): Promise<void> {
    const key = await this.keyOf(file);
    if (key !== undefined) this.remember(key, Promise.resolve({ ...check, file }));
  }

  /** Forgets every check: the header aliases changed. */
  clear(): void {
    this.entries = [];
  }

  private remember(key: string, check: Promise<WorkbookCheck>): void {
    this.entries = [{ key, check }, ...this.entries.filter((e) => e.key !== key)].slice(0, this.size);
  }

  private forget(key: string): void {
    this.entries = this.entries.filter((e) => e.key !== key);
  }
}
