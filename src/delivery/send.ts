import nodemailer, { type Transporter } from 'nodemailer';
import type { DeliverySettings } from '../config/delivery.js';
import { B4BError } from '../findings/finding.js';
import type { DeliveryRecord } from '../run/ledger.js';

export interface DeliveryRequest {
  /** List names from config/delivery.yaml, by the pack variant they receive. */
  public: string[];
  restricted: string[];
}

export interface PlannedDelivery {
  list: string;
  variant: 'public' | 'restricted';
  recipients: string[];
}

/**
 * Who gets which variant. A restricted pack goes only to lists marked restricted: any other list
 * refuses the whole delivery here, before anything is sent.
 */
export function planDelivery(request: DeliveryRequest, settings: DeliverySettings, packName: string): PlannedDelivery[] {
  const plans: PlannedDelivery[] = [];
  for (const variant of ['restricted', 'public'] as const) {
    for (const list of request[variant]) {
      const entry = Object.hasOwn(settings.lists, list) ? settings.lists[list] : undefined;
      if (!entry)
        throw new B4BError(`the ${variant} ${packName} pack is addressed to the list "${list}", which config/delivery.yaml does not define; nothing was sent`);
      if (variant === 'restricted' && !entry.restricted) {
        throw new B4BError(
          `the restricted ${packName} pack is addressed to the list "${list}", which is not marked restricted in config/delivery.yaml; ` +
            'a restricted pack goes only to restricted lists, so nothing was sent',
        );
      }
      plans.push({ list, variant, recipients: entry.addresses });
    }
  }
  return plans;
}

/** The SMTP transport, with host, port and credentials overridable from the environment. */
export function createTransport(settings: DeliverySettings, env: NodeJS.ProcessEnv = process.env): Transporter {
  const user = env.B4B_SMTP_USER ?? settings.smtp.user;
  const pass = env.B4B_SMTP_PASSWORD ?? settings.smtp.password;
  return nodemailer.createTransport({
    host: env.B4B_SMTP_HOST ?? settings.smtp.host,
    port: Number(env.B4B_SMTP_PORT ?? settings.smtp.port),
    secure: settings.smtp.secure,
    ...(user ? { auth: { user, pass } } : {}),
    // A local relay without TLS is normal on a council network; do not insist on STARTTLS.
    ignoreTLS: !settings.smtp.secure,
    connectionTimeout: 10_000,
  });
}

export interface PackAttachment {
  filename: string;
  bytes: Uint8Array;
}

/** Sends each planned delivery with its variant attached; records each list's outcome. */
export async function sendPack(
  transport: Transporter,
  settings: DeliverySettings,
  plans: PlannedDelivery[],
  attachments: Record<'public' | 'restricted', PackAttachment>,
  message: { subject: string; text: string },
): Promise<DeliveryRecord[]> {
  const records: DeliveryRecord[] = [];
  for (const plan of plans) {
    const attachment = attachments[plan.variant];
    try {
      await transport.sendMail({
        from: settings.from,
        to: plan.recipients,
        subject: plan.variant === 'restricted' ? `RESTRICTED: ${message.subject}` : message.subject,
        text: message.text,
        attachments: [{ filename: attachment.filename, content: Buffer.from(attachment.bytes), contentType: 'application/pdf' }],
      });
      records.push({ list: plan.list, variant: plan.variant, recipients: plan.recipients, status: 'sent' });
    } catch (cause) {
      records.push({ list: plan.list, variant: plan.variant, recipients: plan.recipients, status: 'failed', detail: (cause as Error).message });
    }
  }
  return records;
}

/** A failed run sends no pack: a notice goes to the configured address instead. */
export async function sendFailureNotice(transport: Transporter, settings: DeliverySettings, subject: string, text: string): Promise<DeliveryRecord> {
  try {
    await transport.sendMail({ from: settings.from, to: settings.failureNotice, subject, text });
    return { list: 'failure-notice', variant: 'failure-notice', recipients: [settings.failureNotice], status: 'sent' };
  } catch (cause) {
    return { list: 'failure-notice', variant: 'failure-notice', recipients: [settings.failureNotice], status: 'failed', detail: (cause as Error).message };
  }
}
