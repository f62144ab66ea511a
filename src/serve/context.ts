import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoadedSettings } from '../config/settings.js';
import type { PackScheduler } from '../schedule/scheduler.js';
import type { RunManager } from './runs.js';
import type { Role, UserStore } from './users.js';
import type { Views } from './views.js';

export interface SignedInUser {
  name: string;
  role: Role;
  /** True when no users are configured and the console gives officer rights to this computer only. */
  local: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: SignedInUser;
  }
}

export interface ConsoleOptions {
  loaded: LoadedSettings;
  users: UserStore;
  /** Whether sign-in is required: always when users are configured (or the host is not loopback). */
  requireSignIn: boolean;
  /** Signs the session and CSRF cookies. */
  secret: string;
  uploadLimitBytes: number;
  /** The scheduler running in this process (serve --schedule), if any. */
  scheduler?: PackScheduler;
  /** Mark cookies Secure (behind an HTTPS proxy). */
  secureCookies?: boolean;
}

export interface ConsoleContext extends ConsoleOptions {
  views: Views;
  runs: RunManager;
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
  const csrf = (reply as FastifyReply & { generateCsrf(opts?: { userInfo?: string }): string }).generateCsrf({ userInfo: user?.name ?? 'anonymous' });
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
      ].map((item) => ({ ...item, current: request.url === item.href || request.url.startsWith(`${item.href}?`) || request.url.startsWith(`${item.href}/`) }))
    : [];
  const html = ctx.views.render(name, {
    ...data,
    user,
    officer: user?.role === 'officer',
    nav,
    csrf,
    council: ctx.loaded.settings.council,
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
