import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { audit, page, type ConsoleContext } from '../context.js';
import { LINK_USER, SESSION_HOURS, type SessionUser } from '../sessions.js';

export const SESSION_COOKIE = 'b4b_session';
/** Sign-in attempts (with a password or a link) allowed per address per minute. */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 10;

/** A path given as ?next= must stay on this site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[A-Za-z0-9/_.?=&%-]*$/.test(next) && !next.startsWith('/sign-in') ? next : '/';
}

const attempts = {
  rateLimit: {
    max: SIGN_IN_ATTEMPTS_PER_MINUTE,
    timeWindow: 60_000,
    errorResponseBuilder: () => ({ statusCode: 429, message: 'Too many sign-in attempts from this address. Wait a minute and try again.' }),
  },
};

export function registerSignIn(app: FastifyInstance, ctx: ConsoleContext): void {
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict' as const, signed: true, secure: ctx.secureCookies === true };

  async function startSession(request: FastifyRequest, reply: FastifyReply, user: SessionUser): Promise<void> {
    const id = await ctx.sessions.create(user);
    reply.setCookie(SESSION_COOKIE, id, { ...cookieOptions, maxAge: SESSION_HOURS * 3600 });
    audit(ctx, request, { event: 'sign-in', user: user.name, method: user.viaLink ? 'link' : 'password' });
  }

  const noUsers = async (): Promise<boolean> => (await ctx.users.count()) === 0;

  app.get('/sign-in', async (request, reply) => {
    if (request.user) return reply.redirect('/', 303);
    if (await noUsers()) {
      // Prints the link where the console runs, if it has not been printed since it was last used.
      ctx.signInLink.show();
      return page(ctx, request, reply, 'sign-in', { title: 'Sign in', linkOnly: true });
    }
    return page(ctx, request, reply, 'sign-in', { title: 'Sign in', next: safeNext((request.query as Record<string, unknown>).next) });
  });

  app.post('/sign-in', { config: attempts }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const name = typeof body.username === 'string' ? body.username.trim().toLowerCase() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);
    if (await noUsers()) return page(ctx, request, reply, 'sign-in', { title: 'Sign in', linkOnly: true }, 401);
    const role = name && password ? await ctx.users.authenticate(name, password) : undefined;
    if (!role) {
      audit(ctx, request, { event: 'sign-in-failed', ...(name ? { user: name.slice(0, 64) } : {}), method: 'password', reason: 'wrong user name or password' });
      return page(ctx, request, reply, 'sign-in', { title: 'Sign in', next, username: name, failed: 'The user name or password is not right.' }, 401);
    }
    await startSession(request, reply, { name, role, viaLink: false });
    return reply.redirect(next, 303);
  });

  // The one-time link printed where the console runs, while no users are configured.
  app.get('/sign-in/link', { config: attempts }, async (request, reply) => {
    const token = (request.query as Record<string, unknown>).token;
    const refused = (reason: string, view: string, data: Record<string, unknown>): FastifyReply => {
      audit(ctx, request, { event: 'sign-in-failed', method: 'link', reason });
      return page(ctx, request, reply, view, data, 401);
    };
    if (!(await noUsers())) {
      return refused('users are configured', 'error', {
        title: 'Sign in with your password',
        message: 'Sign-in links work only while the console has no users. Sign in with your user name and password.',
      });
    }
    if (typeof token !== 'string' || !ctx.signInLink.redeem(token)) {
      return refused('link used already or not right', 'sign-in', {
        title: 'Sign in',
        linkOnly: true,
        failed: 'This sign-in link has been used already or is not right.',
      });
    }
    await startSession(request, reply, { name: LINK_USER, role: 'officer', viaLink: true });
    return reply.redirect('/', 303);
  });

  app.post('/sign-out', async (request, reply) => {
    if (request.user) {
      ctx.sessions.end(request.user.sessionId);
      audit(ctx, request, { event: 'sign-out', user: request.user.name });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/sign-in', 303);
  });
}
