import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedSettings } from '../config/settings.js';
import type { Progress } from '../run/progress.js';

/** What the console records about who did what (never a password, a token or a session id). */
export type AuditEvent =
  | { event: 'sign-in'; user: string; method: 'password' | 'link' }
  | { event: 'sign-in-failed'; user?: string; method: 'password' | 'link'; reason: string }
  | { event: 'sign-out'; user: string }
  | { event: 'session-ended'; user: string; reason: 'expired' | 'changed' }
  | { event: 'upload'; user: string; file: string; name: string; bytes: number; outcome: 'kept' | 'refused'; reason?: string }
  | { event: 'upload-removed'; user: string; file: string }
  | { event: 'run'; user: string; job: string; month: string; targets: string[]; workbook: string; replace: boolean }
  | { event: 'download'; user: string; file: string; run: string }
  | { event: 'config-change'; user: string; file: string; change: string };

export type AuditEntry = AuditEvent & { time: string; address: string };

/** The audit file: console-audit.jsonl beside the run ledger. */
export function auditFile(loaded: LoadedSettings): string {
  return path.join(path.dirname(loaded.paths.ledger), 'console-audit.jsonl');
}

/**
 * Writes each event as one JSON line to the audit file (readable by its owner only) and to the
 * console's log. Lines are appended in the order of the events; a failure to write the file is said
 * in the log once, and the console carries on.
 */
export class AuditLog {
  private queue: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(
    readonly file: string,
    private readonly log: Progress,
    private readonly now: () => Date = () => new Date(),
  ) {}

  write(event: AuditEvent, address: string): void {
    const entry: AuditEntry = { time: this.now().toISOString(), ...event, address };
    this.log.step(`audit: ${event.event}${'user' in event && event.user ? ` by ${event.user}` : ''} from ${address}`, { audit: entry });
    const line = `${JSON.stringify(entry)}\n`;
    this.queue = this.queue
      .then(async () => {
        await mkdir(path.dirname(this.file), { recursive: true });
        await appendFile(this.file, line, { mode: 0o600 });
      })
      .catch((error: unknown) => {
        if (this.failed) return;
        this.failed = true;
        this.log.error(`the audit file ${this.file} cannot be written: ${(error as Error).message}`);
      });
  }

  /** Resolves when every line so far is in the file. */
  flushed(): Promise<void> {
    return this.queue;
  }
}
