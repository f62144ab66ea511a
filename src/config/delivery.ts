import { z } from 'zod';
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

/** Scheduled packs (config/schedule.yaml). */
export const scheduleSettingsSchema = z.strictObject({
  timezone: z.string().default('Europe/London'),
  jobs: z.array(
    z.strictObject({
      name: z
        .string()
        .regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and hyphens')
        .refine((name) => !RESERVED_NAMES.has(name), 'JavaScript reserves this name for every object; choose another'),
      pack: z.string().min(1),
      cron: z.string().min(1),
      deliver: z
        .strictObject({ public: z.array(z.string()).default([]), restricted: z.array(z.string()).default([]) })
        .default({ public: [], restricted: [] }),
    }),
  ),
});

export type DeliverySettings = z.infer<typeof deliverySettingsSchema>;
export type ScheduleSettings = z.infer<typeof scheduleSettingsSchema>;
export type ScheduleJob = ScheduleSettings['jobs'][number];
