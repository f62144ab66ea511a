import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoadedSettings } from '../config/settings.js';
import type { Progress } from '../run/progress.js';
import type { PackScheduler } from '../schedule/scheduler.js';
import type { AuditEvent, AuditLog } from './audit.js';
import type { WorkbookChecks } from './checks.js';
import type { ConsoleLimits } from './limits.js';
import type { RunManager } from './runs.js';
import type { SessionStore, SessionUser, SignInLink } from './sessions.js';
import type { UserStore } from './users.js';
import type { Views } from './views.js';

export interface SignedInUser extends SessionUser {
  /** The session the request came with (CSRF tokens are bound to it). */
  sessionId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: SignedInUser;
    /** The form token of a multipart upload, read from its first field by the upload's handler. */
    uploadFormToken?: string;
  }
}

export interface ConsoleOptions {
  loaded: LoadedSettings;
  users: UserStore;
  /** Signs the session and CSRF cookies. */
  secret: string;
  /** The one-time sign-in link, the only way in while no users are configured. */
  signInLink: SignInLink;
  /** The console's log: audit lines and faults. */
  log: Progress;
  /** Time and size limits; the defaults (DEFAULT_LIMITS) for any not given. */
  limits?: Partial<ConsoleLimits>;
  /** The scheduler running in this process (serve --schedule), if any. */
  scheduler?: PackScheduler;
  /** Mark cookies Secure (behind an HTTPS proxy). */
  secureCookies?: boolean;
  /** Log the stack trace of an unexpected failure (the global --debug). */
  debug?: boolean;
}

export interface ConsoleContext extends Omit<ConsoleOptions, 'limits'> {
  limits: ConsoleLimits;
  /**
   * What a command the pages advise needs to act on this console's project and users, typed in any
   * folder (the console's own is not the officer's): `--project DIR`, and for `user` also `--users FILE`
   * when the console was started with another users file.
   */
  commandOptions: { project: string; user: string };
  /** Advice naming a command ("b4b-reports validate" lists them), given this console's project. */
  advise: (text: string) => string;
  views: Views;
  runs: RunManager;
  sessions: SessionStore;
  audit: AuditLog;
  checks: WorkbookChecks;
}

/** Records an event of the request's user (see audit.ts). */
export function audit(ctx: ConsoleContext, request: FastifyRequest, event: AuditEvent): void {
  ctx.audit.write(event, request.ip);
}

/** The request's user name for the audit log. */
export function userName(request: FastifyRequest): string {
  return request.user?.name ?? '(not signed in)';
}

/** Renders a page inside the layout, with the user, the navigation and a fresh CSRF token. */
export function page(
  ctx: ConsoleContext,
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  data: Record<string, unknown>,
  status = 200,
): FastifyReply {
  const user = request.user;
  const csrf = (reply as FastifyReply & { generateCsrf(opts?: { userInfo?: string }): string }).generateCsrf({ userInfo: user?.sessionId ?? 'anonymous' });
  const path = request.url.split('?')[0] ?? '';
  const nav = user
    ? [
        ...(user.role === 'officer'
          ? [
              { href: '/check', label: 'Check a workbook' },
              { href: '/produce', label: 'Produce' },
            ]
          : []),
        { href: '/outputs', label: 'Outputs' },
        { href: '/history', label: 'History' },
        { href: '/schedule', label: 'Schedule' },
      ].map((item) => ({ ...item, current: path === item.href || path.startsWith(`${item.href}/`) }))
    : [];
  const html = ctx.views.render(name, {
    ...data,
    user,
    officer: user?.role === 'officer',
    nav,
    csrf,
    council: ctx.loaded.settings.council,
    commandOptions: ctx.commandOptions,
  });
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/** Officers only: a viewer gets 403 and the reason. */
export function requireOfficer(ctx: ConsoleContext, request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.user?.role === 'officer') return true;
  void page(
    ctx,
    request,
    reply,
    'error',
    { title: 'Officers only', message: 'Checking workbooks and producing reports is for officers. Ask whoever runs the console if you need it.' },
    403,
  );
  return false;
}
