import nodemailer, { type Transporter } from 'nodemailer';
import type { DeliverySettings } from '../config/delivery.js';

export { planDelivery, type DeliveryRequest, type PlannedDelivery } from './plan-delivery.js';

/** The SMTP transport, with host, port and credentials overridable from the environment, and every wait bounded. */
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
    // nodemailer waits 30 s for a greeting and 10 minutes for any answer by default: a stalled server
    // would hold a run that long per message.
    connectionTimeout: settings.timeouts.connect * 1000,
    greetingTimeout: settings.timeouts.greeting * 1000,
    // Longer than the greeting's, so that a server that never greets is told by its greeting time limit
    // (nothing was sent: tried again later), not by the socket's (the outcome would be unknown).
    socketTimeout: Math.max(settings.timeouts.socket, settings.timeouts.greeting + 1) * 1000,
  });
}

/**
 * How one e-mail went: `sent` (the server took it), `failed` (it cannot have been taken: no connection,
 * no greeting, or a refusal), or `unknown` (the server stopped answering after the message may have
 * reached it: it is not sent again automatically, since the list may already have it).
 */
export interface SendOutcome {
  status: 'sent' | 'failed' | 'unknown';
  /** For a failure: whether trying again later may work (a 4xx answer, no connection) rather than not (a 5xx refusal). */
  retry: boolean;
  detail?: string;
}

type MailError = Error & { code?: string; responseCode?: number; timeoutType?: string; originalCode?: string };

/** What a nodemailer error says about whether the message reached the server. */
export function classifySendError(error: unknown): SendOutcome {
  const e = error as MailError;
  const detail = e instanceof Error ? e.message : String(error);
  if (typeof e.responseCode === 'number') return { status: 'failed', retry: e.responseCode < 500, detail };
  if (e.timeoutType === 'CONNECT_TIMEOUT' || e.timeoutType === 'GREETING_TIMEOUT') return { status: 'failed', retry: true, detail };
  const code = e.originalCode ?? e.code;
  if (code === 'ECONNREFUSED' || code === 'EDNS' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return { status: 'failed', retry: true, detail };
  if (code === 'EENVELOPE') return { status: 'failed', retry: false, detail };
  return { status: 'unknown', retry: false, detail };
}

export interface Message {
  to: string[];
  subject: string;
  text: string;
  attachment?: { filename: string; bytes: Uint8Array };
}

/** Sends one message; never throws: the outcome says what happened. */
export async function sendMessage(transport: Transporter, settings: DeliverySettings, message: Message): Promise<SendOutcome> {
  try {
    await transport.sendMail({
      from: settings.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.attachment
        ? { attachments: [{ filename: message.attachment.filename, content: Buffer.from(message.attachment.bytes), contentType: 'application/pdf' }] }
        : {}),
    });
    return { status: 'sent', retry: false };
  } catch (error) {
    return classifySendError(error);
  }
}
