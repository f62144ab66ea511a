import nodemailer, { type Transporter } from 'nodemailer';
import type { DeliverySettings } from '../config/delivery.js';
import type { DeliveryRecord } from '../run/ledger.js';

import type { PlannedDelivery } from './plan-delivery.js';

export { planDelivery, type DeliveryRequest, type PlannedDelivery } from './plan-delivery.js';

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
