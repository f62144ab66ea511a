import { z } from 'zod';
import { cronRefusal, refusalMessage } from '../schedule/cron-dialect.js';
import { RESERVED_NAMES } from './read-config.js';

/** E-mail delivery (config/delivery.yaml). */
export const deliverySettingsSchema = z.strictObject({
  smtp: z.strictObject({
    host: z.string().min(1),
    port: z.number().int().positive(),
    secure: z.boolean().default(false),
    user: z.string().optional(),
    password: z.string().optional(),
  }),
  from: z.string().min(1),
  failureNotice: z.string().email(),
  lists: z.record(z.string(), z.strictObject({ restricted: z.boolean(), addresses: z.array(z.string().email()).min(1) })),
  /**
   * How long delivery may wait on the mail server, in seconds: to connect, for its greeting, for any
   * answer once connected, and for the whole of one run's e-mails. A server that stalls fails the
   * e-mail (retried later where it cannot have been sent) instead of holding the run.
   */
  timeouts: z
    .strictObject({
      connect: z.number().positive().default(10),
      greeting: z.number().positive().default(10),
      socket: z.number().positive().default(60),
      total: z.number().positive().default(300),
    })
    .default({ connect: 10, greeting: 10, socket: 60, total: 300 }),
});

/** Whether the time zone is one the clock (Intl, and node-cron with it) knows. */
function knownTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Scheduled packs (config/schedule.yaml). Each job's cron expression is node-cron's, in the schedule's
 * time zone; one that cron dialects read differently is refused with what to write instead (see
 * src/schedule/cron-dialect.ts), and so are two jobs with one name (the ledger tells slots apart by it).
 */
export const scheduleSettingsSchema = z
  .strictObject({
    timezone: z
      .string()
      .default('Europe/London')
      .refine(knownTimeZone, { error: (issue) => `"${String(issue.input)}" is not a time zone the scheduler knows; expected an IANA name such as Europe/London` }),
    jobs: z.array(
      z
        .strictObject({
          name: z
            .string()
            .regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and hyphens')
            .refine((name) => !RESERVED_NAMES.has(name), 'JavaScript reserves this name for every object; choose another'),
          pack: z.string().min(1),
          cron: z.string().min(1),
          deliver: z
            .strictObject({ public: z.array(z.string()).default([]), restricted: z.array(z.string()).default([]) })
            .default({ public: [], restricted: [] }),
        })
        .superRefine((job, ctx) => {
          const refusal = cronRefusal(job.cron);
          if (refusal) ctx.addIssue({ code: 'custom', path: ['cron'], message: refusalMessage(job.name, job.cron, refusal) });
        }),
    ),
  })
  .superRefine((schedule, ctx) => {
    const byName = new Map<string, number[]>();
    schedule.jobs.forEach((job, i) => byName.set(job.name, [...(byName.get(job.name) ?? []), i]));
    for (const [name, indexes] of byName) {
      if (indexes.length < 2) continue;
      for (const i of indexes) {
        ctx.addIssue({
          code: 'custom',
          path: ['jobs', i, 'name'],
          message:
            `${indexes.length} jobs are named "${name}" (${indexes.map((j) => `jobs[${j}]`).join(', ')}); ` +
            'each job needs a name of its own, since the run ledger records each slot under its job\'s name: rename all but one',
        });
      }
    }
  });

/** The delivery settings as read: the file's settings, and the file as messages name it. */
export type DeliverySettings = z.infer<typeof deliverySettingsSchema> & { file?: string };

/** The delivery settings file as messages name it: the project's own, else the default. */
export function deliveryFile(settings: Pick<DeliverySettings, 'file'>): string {
  return settings.file ?? 'config/delivery.yaml';
}
export type ScheduleSettings = z.infer<typeof scheduleSettingsSchema>;
export type ScheduleJob = ScheduleSettings['jobs'][number];
