import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeliverySettings } from '../config/delivery.js';
import type { PlannedDelivery } from '../delivery/plan-delivery.js';
import { B4BError, formatSource } from '../findings/finding.js';
import { sha256 } from '../inputs/run-inputs.js';
import { type RunTarget } from '../model/target.js';
import { monthLongLabel } from '../model/month.js';
import { cutText, type DeliveryRecord, type RunLedger, type RunRecord } from './ledger.js';
import type { Progress } from './progress.js';
import { RunStoppedError } from './stop-signal.js';

/** What one e-mail of a run did, as the run's summary and the scheduler's log say it. */
export interface DeliveryOutcome {
  run: string;
  target: RunTarget;
  list: string;
  variant: DeliveryRecord['variant'];
  status: DeliveryRecord['status'];
  detail?: string;
}

/** How many times the outbox tries an e-mail that failed before it gives up (and says so). */
export const MAX_ATTEMPTS = 5;
/** How old a run's e-mails may be for the outbox to still send them. */
const OUTBOX_DAYS = 14;

/** The steps a run's record holds for its e-mails before anything is sent: the outbox. */
export function queuedDelivery(plans: PlannedDelivery[]): DeliveryRecord[] {
  return plans.map((p) => ({ list: p.list, variant: p.variant, recipients: p.recipients, status: 'queued' }));
}

/**
 * The body of a failure notice: the run's identity and outcome, and for each error its kind and
 * cell, never a cell's value or text (the notice goes to an address with no restricted check, and a
 * failing cell may hold an exempt finance figure). An error with no cell says its first line, with
 * anything quoted in it left out.
 */
export function failureNoticeText(record: RunRecord, label: string, error: unknown): string {
  const lines = [
    `The ${record.trigger === 'schedule' ? 'scheduled' : 'requested'} run ${record.id} of the ${label} failed, so no pack was sent.`,
    '',
    `Run: ${record.id}`,
    `Target: ${record.target.kind} ${record.target.name}, ${monthLongLabel(record.month)}`,
    ...(record.job ? [`Job: ${record.job}, slot ${record.slot ?? '-'}`] : []),
    `Workbook: ${path.basename(record.workbook.path)}${record.workbook.sha256 ? ` (SHA-256 ${record.workbook.sha256})` : ''}`,
    `Outcome: ${record.outcome}`,
  ];
  const findings = error instanceof B4BError ? error.findings.filter((f) => f.severity === 'error') : [];
  if (findings.length > 0) {
    lines.push(`Errors (${findings.length}; run "b4b-reports validate" on the workbook for the details):`);
    for (const f of findings.slice(0, 50)) lines.push(`  ${f.code} at ${formatSource(f.source)}${f.also ? ` and ${formatSource(f.also)}` : ''}`);
    if (findings.length > 50) lines.push(`  … and ${findings.length - 50} more`);
  } else {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    const kind = error instanceof B4BError ? 'error' : error instanceof Error ? error.name : 'error';
    lines.push(`Error (${kind}): ${cutText(first.replace(/"[^"]*"/g, '"…"').replace(/'[^']*'/g, "'…'"), 300)}`);
  }
  lines.push('', 'The figures are not in this notice: see "b4b-reports history" and the run ledger.');
  return lines.join('\n');
}

/** The last step of each list of a record's e-mails, and how many times each was tried. */
function listStates(record: RunRecord): Map<string, { last: DeliveryRecord; attempts: number }> {
  const states = new Map<string, { last: DeliveryRecord; attempts: number }>();
  for (const step of record.delivery ?? []) {
    const key = `${step.variant}|${step.list}`;
    const state = states.get(key) ?? { last: step, attempts: 0 };
    state.last = step;
    if (step.status === 'sending') state.attempts += 1;
    states.set(key, state);
  }
  return states;
}

/** The lists of a record still to be sent: queued, or failed in a way that trying again may mend. */
function stillToSend(record: RunRecord): DeliveryRecord[] {
  return [...listStates(record).values()]
    .filter(
      ({ last, attempts }) =>
        last.variant !== 'failure-notice' && (last.status === 'queued' || (last.status === 'failed' && last.retry === true && attempts < MAX_ATTEMPTS)),
    )
    .map(({ last }) => last);
}

/**
 * Sends e-mails and records each step in the ledger as it goes, within one time bound for them all.
 * Never twice to a list: `sending` is written before each e-mail goes, so an e-mail whose outcome was
 * never learned (the process stopped, the server went quiet) is `unknown`, never sent again by itself.
 */
export class Postman {
  private readonly deadline: number;
  private readonly outcomes: DeliveryOutcome[] = [];
  private transport: import('nodemailer').Transporter | undefined;

  constructor(
    private readonly settings: DeliverySettings,
    private readonly ledger: RunLedger,
    private readonly progress: Progress,
    private readonly signal?: AbortSignal,
  ) {
    this.deadline = Date.now() + settings.timeouts.total * 1000;
  }

  get done(): DeliveryOutcome[] {
    return this.outcomes;
  }

  private async send(record: RunRecord, step: DeliveryRecord, message: import('../delivery/send.js').Message): Promise<void> {
    const target = record.target;
    const note = async (status: DeliveryRecord['status'], detail?: string, retry?: boolean): Promise<void> => {
      const entry: DeliveryRecord = {
        list: step.list,
        variant: step.variant,
        recipients: step.recipients,
        status,
        at: new Date().toISOString(),
        ...(retry !== undefined ? { retry } : {}),
        ...(detail !== undefined ? { detail } : {}),
      };
      await this.ledger.appendDelivery(record.id, [entry]);
      this.outcomes.push({ run: record.id, target, list: step.list, variant: step.variant, status, ...(detail !== undefined ? { detail } : {}) });
      const what = step.variant === 'failure-notice' ? 'the failure notice' : `the ${step.variant} pack to ${step.list}`;
      if (status === 'sent') this.progress.step(`${target.kind} ${target.name}: e-mailed ${what}`);
      else if (status === 'failed' && retry)
        this.progress.warn(`${target.kind} ${target.name}: ${what} was not sent (${detail ?? 'failed'}); the next scheduled run tries again`);
      else this.progress.warn(`${target.kind} ${target.name}: ${what}: ${status}${detail ? ` (${detail})` : ''}`);
    };
    if (Date.now() >= this.deadline || this.signal?.aborted) {
      // Left queued for the outbox: it was never tried.
      this.progress.warn(`${target.kind} ${target.name}: the e-mail to ${step.list} waits for the next scheduled run (the time for e-mail ran out)`);
      return;
    }
    const mail = await import('../delivery/send.js');
    this.transport ??= mail.createTransport(this.settings);
    const transport = this.transport;
    await this.ledger.appendDelivery(record.id, [
      { list: step.list, variant: step.variant, recipients: step.recipients, status: 'sending', at: new Date().toISOString() },
    ]);
    // Stopped while the e-mail is going: said at once, synchronously (the process exits right after).
    const onStop = (): void => {
      try {
        this.ledger.appendDeliverySync(record.id, [
          {
            list: step.list,
            variant: step.variant,
            recipients: step.recipients,
            status: 'unknown',
            detail: 'stopped while sending: the mail server may have it',
          },
        ]);
      } catch {
        // The 'sending' step already says its outcome is not known.
      }
    };
    this.signal?.addEventListener('abort', onStop, { once: true });
    let timer: NodeJS.Timeout | undefined;
    try {
      const timedOut = new Promise<import('../delivery/send.js').SendOutcome>((resolve) => {
        timer = setTimeout(
          () => {
            transport.close();
            resolve({ status: 'unknown', retry: false, detail: `no answer within the ${this.settings.timeouts.total} s allowed for the run's e-mail` });
          },
          Math.max(0, this.deadline - Date.now()),
        );
      });
      const outcome = await Promise.race([mail.sendMessage(transport, this.settings, message), timedOut]);
      if (this.signal?.aborted) return;
      await note(outcome.status, outcome.detail, outcome.status === 'failed' ? outcome.retry : undefined);
    } finally {
      clearTimeout(timer);
      this.signal?.removeEventListener('abort', onStop);
    }
  }

  /** Sends a published pack to each list still to be sent, from the files its record names (never a file a later run replaced). */
  async sendPack(record: RunRecord, steps: DeliveryRecord[] = stillToSend(record)): Promise<void> {
    for (const step of steps) {
      if (step.variant === 'failure-notice') continue;
      const output = record.outputs.find((o) => o.path.endsWith(`-${record.month}-${step.variant}.pdf`));
      const bytes = output ? await readFile(output.path).catch(() => undefined) : undefined;
      if (!output || !bytes || sha256(bytes) !== output.sha256) {
        const entry: DeliveryRecord = {
          ...step,
          status: 'superseded',
          at: new Date().toISOString(),
          detail: 'the published pack has been replaced or removed since this run',
        };
        await this.ledger.appendDelivery(record.id, [entry]);
        this.outcomes.push({ run: record.id, target: record.target, list: step.list, variant: step.variant, status: 'superseded', detail: entry.detail ?? '' });
        continue;
      }
      const subject = `${record.target.name} pack, ${monthLongLabel(record.month)}`;
      await this.send(record, step, {
        to: step.recipients,
        subject: step.variant === 'restricted' ? `RESTRICTED: ${subject}` : subject,
        text: `The ${record.target.name} pack for ${monthLongLabel(record.month)} is attached.\n\nRun ${record.id}.`,
        attachment: { filename: path.basename(output.path), bytes },
      });
    }
  }

  /** A failed run sends no pack: a notice goes to the configured address instead, with no figures. */
  async sendFailureNotice(record: RunRecord, error: unknown): Promise<void> {
    const label = `${record.target.name} ${record.target.kind}`;
    await this.send(
      record,
      { list: 'failure-notice', variant: 'failure-notice', recipients: [this.settings.failureNotice], status: 'queued' },
      { to: [this.settings.failureNotice], subject: `FAILED: ${label}, ${monthLongLabel(record.month)}`, text: failureNoticeText(record, label, error) },
    );
  }

  close(): void {
    this.transport?.close();
  }
}

/**
 * A run's e-mails, after its sets are published and its lock released: each pack that was published
 * goes to its lists; each pack that failed sends a failure notice instead (not one that was refused,
 * which another run is producing, nor one stopped by the user).
 */
export async function deliverRun(
  settings: DeliverySettings,
  ledger: RunLedger,
  packs: Array<{ record: RunRecord; error?: unknown }>,
  progress: Progress,
  signal?: AbortSignal,
): Promise<DeliveryOutcome[]> {
  const postman = new Postman(settings, ledger, progress, signal);
  try {
    for (const pack of packs) {
      if (pack.record.outcome === 'success') await postman.sendPack(pack.record);
      else if (pack.record.outcome === 'failed' && !(pack.error instanceof RunStoppedError)) await postman.sendFailureNotice(pack.record, pack.error);
    }
  } finally {
    postman.close();
  }
  return postman.done;
}

/**
 * The outbox: e-mails of earlier runs that were queued and never tried (the time ran out, the process
 * stopped before it got to them) or that failed in a way that trying again may mend, for runs of the
 * last 14 days. The scheduler sends them when it starts and after each run.
 */
export async function deliverPending(settings: DeliverySettings, ledger: RunLedger, progress: Progress, now: Date = new Date()): Promise<DeliveryOutcome[]> {
  const since = now.getTime() - OUTBOX_DAYS * 24 * 3600 * 1000;
  const pending = (await ledger.read()).filter(
    (r) => r.outcome === 'success' && r.target.kind === 'pack' && Date.parse(r.finishedAt) >= since && stillToSend(r).length > 0,
  );
  if (pending.length === 0) return [];
  const postman = new Postman(settings, ledger, progress);
  try {
    for (const record of pending) await postman.sendPack(record);
  } finally {
    postman.close();
  }
  return postman.done;
}
