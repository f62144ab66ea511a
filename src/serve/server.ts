import { readFile } from 'node:fs/promises';
import path from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { FONT_FILES } from '../render/fonts.js';
import { page, type ConsoleContext, type ConsoleOptions, type SignedInUser } from './context.js';
import { registerCheck } from './routes/check.js';
import { registerOutputs } from './routes/outputs.js';
import { registerProduce } from './routes/produce.js';
import { registerRecords } from './routes/records.js';
import { RunManager } from './runs.js';
import { loadViews, VIEWS_DIR } from './views.js';

export const SESSION_COOKIE = 'b4b_session';
/** A sign-in lasts a working day. */
const SESSION_HOURS = 10;
/** Sign-in attempts allowed per address per minute. */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 10;

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const PUBLIC_PATHS = new Set(['/sign-in', '/console.css', '/fonts/arimo-400.ttf', '/fonts/arimo-700.ttf']);

/** "127.0.0.1:8080", "localhost:8080", "[::1]:8080": a Host header that names this computer. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === '[::1]' || isLoopbackHost(name);
}

/** A path given as ?next= must stay on this site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[A-Za-z0-9/_.?=&%-]*$/.test(next) && next !== '/sign-in' ? next : '/';
}

/** The Origin (or, without one, Sec-Fetch-Site) of a POST must be this site: a second line against cross-site requests. */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) return origin === `${request.protocol}://${request.headers.host ?? ''}`;
  const site = request.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

/** The console: every route, not yet listening. */
export async function buildConsole(options: ConsoleOptions): Promise<FastifyInstance> {
  const ctx: ConsoleContext = { ...options, views: await loadViews(), runs: new RunManager(options.loaded) };
  const app = Fastify({ logger: false, trustProxy: false, bodyLimit: 64 * 1024 });

  await app.register(cookie, { secret: options.secret });
  await app.register(formbody);
  await app.register(multipart, { limits: { fileSize: options.uploadLimitBytes, files: 1, fields: 4, parts: 6 } });
  await app.register(rateLimit, { global: false });
  await app.register(csrf, {
    cookieKey: 'b4b_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, signed: true, secure: options.secureCookies === true },
    // Tokens are bound to the signed-in user, so a token from before signing in cannot be replayed after.
    getUserInfo: (request: FastifyRequest) => request.user?.name ?? 'anonymous',
    csrfOpts: { hmacKey: options.secret },
    getToken: (request: FastifyRequest) => {
      const body = request.body as Record<string, unknown> | undefined;
      const query = request.query as Record<string, unknown> | undefined;
      const token = body?._csrf ?? query?._csrf ?? request.headers['x-csrf-token'];
      return typeof token === 'string' ? token : '';
    },
  });

  const sessionCookie = {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    signed: true,
    secure: options.secureCookies === true,
  };

  async function userOf(request: FastifyRequest): Promise<SignedInUser | undefined> {
    if (!options.requireSignIn) return LOOPBACK.has(request.ip) ? { name: 'this computer', role: 'officer', local: true } : undefined;
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return undefined;
    const [name, issued] = unsigned.value.split('|');
    if (!name || !issued || Date.now() - Number(issued) > SESSION_HOURS * 3_600_000) return undefined;
    const role = await options.users.role(name);
    return role ? { name, role, local: false } : undefined;
  }

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Cache-Control', 'no-store');
    // Without users, a page elsewhere could reach the console through a DNS name pointed at 127.0.0.1
    // (DNS rebinding): only requests addressed to this computer by a loopback name are answered.
    if (!options.requireSignIn && !isLoopbackHostHeader(request.headers.host)) {
      return reply
        .code(403)
        .type('text/plain; charset=utf-8')
        .send('The console answers requests addressed to 127.0.0.1 or localhost only until users are configured.');
    }
    const user = await userOf(request);
    if (user) request.user = user;
    const url = request.url.split('?')[0] ?? '';
    if (!user && !PUBLIC_PATHS.has(url)) {
      if (!options.requireSignIn)
        return reply.code(403).type('text/plain; charset=utf-8').send('The console answers this computer only until users are configured.');
      if (request.method === 'GET') return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
      return reply.code(401).type('text/plain; charset=utf-8').send('Sign in first.');
    }
  });

  // Every POST: the same origin, and the form's CSRF token (for uploads, in the form's address).
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method !== 'POST') {
      done();
      return;
    }
    if (!sameOrigin(request)) {
      void reply.code(403).type('text/plain; charset=utf-8').send('Refused: this form was sent from another site.');
      return;
    }
    // Answers a missing or wrong token itself (403, through the error handler) without calling done.
    app.csrfProtection(request, reply, done);
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    const message =
      error.code === 'FST_REQ_FILE_TOO_LARGE'
        ? `The file is larger than the ${Math.round(options.uploadLimitBytes / 1024 / 1024)} MB limit for uploads; nothing was stored.`
        : error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET'
          ? 'This form has expired or did not come from this console. Go back, reload the page and try again.'
          : status === 429
            ? 'Too many sign-in attempts from this address. Wait a minute and try again.'
            : status >= 500
              ? `Something went wrong: ${error.message}`
              : error.message;
    if (status >= 500) process.stderr.write(`b4b-reports serve: ${request.method} ${request.url}: ${error.stack ?? error.message}\n`);
    return page(ctx, request, reply, 'error', { title: status === 429 ? 'Too many attempts' : 'There is a problem', message }, status);
  });

  app.setNotFoundHandler((request, reply) =>
    page(ctx, request, reply, 'error', { title: 'Page not found', message: 'There is no such page or file here.' }, 404),
  );

  app.get('/console.css', async (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('Cache-Control', 'max-age=300')
      .send(await readFile(path.join(VIEWS_DIR, 'console.css'))),
  );
  app.get('/fonts/arimo-400.ttf', async (_request, reply) =>
    reply
      .type('font/ttf')
      .header('Cache-Control', 'max-age=86400')
      .send(await readFile(FONT_FILES.normal)),
  );
  app.get('/fonts/arimo-700.ttf', async (_request, reply) =>
    reply
      .type('font/ttf')
      .header('Cache-Control', 'max-age=86400')
      .send(await readFile(FONT_FILES.bold)),
  );

  app.get('/', async (request, reply) => reply.redirect(request.user?.role === 'officer' ? '/check' : '/outputs', 303));

  app.get('/sign-in', async (request, reply) => {
    if (!options.requireSignIn) return reply.redirect('/', 303);
    return page(ctx, request, reply, 'sign-in', { title: 'Sign in', next: safeNext((request.query as Record<string, unknown>).next) });
  });

  app.post('/sign-in', { config: { rateLimit: { max: SIGN_IN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const name = typeof body.username === 'string' ? body.username.trim().toLowerCase() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);
    const role = name && password ? await options.users.authenticate(name, password) : undefined;
    if (!role) {
      return page(ctx, request, reply, 'sign-in', { title: 'Sign in', next, username: name, failed: 'The user name or password is not right.' }, 401);
    }
    reply.setCookie(SESSION_COOKIE, `${name}|${Date.now()}`, { ...sessionCookie, maxAge: SESSION_HOURS * 3600 });
    return reply.redirect(next, 303);
  });

  app.post('/sign-out', async (_request, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/sign-in', 303);
  });

  registerCheck(app, ctx);
  registerProduce(app, ctx);
  registerOutputs(app, ctx);
  registerRecords(app, ctx);
  return app;
}
