import { readFile } from 'node:fs/promises';
import path from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { projectArgument, shellWord, withProjectOption } from '../config/project.js';
import { FONT_FILES } from '../render/fonts.js';
import { AuditLog, auditFile } from './audit.js';
import { WorkbookChecks } from './checks.js';
import { page, type ConsoleContext, type ConsoleOptions, type SignedInUser } from './context.js';
import { DEFAULT_LIMITS, limitConnections, serverTimeouts } from './limits.js';
import { registerCheck, UPLOAD_ROUTE } from './routes/check.js';
import { registerOutputs } from './routes/outputs.js';
import { registerProduce } from './routes/produce.js';
import { registerRecords } from './routes/records.js';
import { registerSignIn, SESSION_COOKIE } from './routes/sign-in.js';
import { RunManager } from './runs.js';
import { SessionStore } from './sessions.js';
import { clearIncoming } from './uploads.js';
import { defaultUsersFile } from './users.js';
import { loadViews, VIEWS_DIR } from './views.js';

export { SESSION_COOKIE, SIGN_IN_ATTEMPTS_PER_MINUTE } from './routes/sign-in.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** What anyone may fetch without signing in. */
const PUBLIC_PATHS = new Set(['/sign-in', '/sign-in/link', '/console.css', '/fonts/arimo-400.ttf', '/fonts/arimo-700.ttf']);

/** "127.0.0.1:8080", "localhost:8080", "[::1]:8080": a Host header that names this computer. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === '[::1]' || isLoopbackHost(name);
}

/** The Origin (or, without one, Sec-Fetch-Site) of a POST must be this site: a second line against cross-site requests. */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) return origin === `${request.protocol}://${request.headers.host ?? ''}`;
  const site = request.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

/** The path of a request, never its query (which is not written to any log). */
function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '';
}

/** A refusal that also closes the connection, so a client cannot keep sending a body nobody reads. */
function refuse(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).header('Connection', 'close').type('text/plain; charset=utf-8').send(text);
}

/** The console: every route, not yet listening. */
export async function buildConsole(options: ConsoleOptions): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const project = projectArgument(options.loaded.paths);
  const usersFile = path.resolve(options.users.file);
  const ctx: ConsoleContext = {
    ...options,
    limits,
    commandOptions: {
      project,
      user: usersFile === defaultUsersFile(options.loaded) ? project : `${project} --users ${shellWord(usersFile)}`,
    },
    advise: (text) => withProjectOption(text, project),
    views: await loadViews(),
    runs: new RunManager(options.loaded),
    sessions: new SessionStore(options.users),
    audit: new AuditLog(auditFile(options.loaded), options.log),
    checks: new WorkbookChecks(options.loaded),
  };
  await clearIncoming(options.loaded);
  const app = Fastify({ logger: false, trustProxy: false, bodyLimit: 64 * 1024, ...serverTimeouts(limits) });
  limitConnections(app.server, limits.connectionsPerAddress);
  // Every audit line is in its file before the console has stopped.
  app.addHook('onClose', () => ctx.audit.flushed());

  await app.register(cookie, { secret: options.secret });
  await app.register(formbody);
  await app.register(multipart, { limits: { fileSize: limits.uploadBytes, files: 1, fields: 2, parts: 3 } });
  await app.register(rateLimit, { global: false });
  await app.register(csrf, {
    cookieKey: 'b4b_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, signed: true, secure: options.secureCookies === true },
    // Tokens are bound to the session, so a token from before signing in (or from an ended session) cannot be replayed.
    getUserInfo: (request: FastifyRequest) => request.user?.sessionId ?? 'anonymous',
    csrfOpts: { hmacKey: options.secret },
    // From the form's fields; an upload's comes from its first field, read by the upload's handler. Never from the address.
    getToken: (request: FastifyRequest) => {
      const token = (request.body as Record<string, unknown> | undefined)?._csrf ?? request.uploadFormToken;
      return typeof token === 'string' ? token : '';
    },
  });

  async function userOf(request: FastifyRequest): Promise<SignedInUser | undefined> {
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return undefined;
    const found = await ctx.sessions.find(unsigned.value);
    if (!found) return undefined;
    if ('ended' in found) {
      ctx.audit.write({ event: 'session-ended', user: found.user.name, reason: found.ended }, request.ip);
      return undefined;
    }
    return { ...found.user, sessionId: unsigned.value };
  }

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Cache-Control', 'no-store');
    const url = pathOf(request);
    // A form's body must follow its headers promptly (an upload has the whole request's time instead).
    const hasBody = (request.headers['content-length'] ?? '0') !== '0' || request.headers['transfer-encoding'] !== undefined;
    if (hasBody && !(request.method === 'POST' && url === UPLOAD_ROUTE && request.isMultipart())) {
      const timer = setTimeout(() => request.raw.destroy(), limits.formBodyMs);
      timer.unref();
      request.raw.once('end', () => clearTimeout(timer));
      reply.raw.once('close', () => clearTimeout(timer));
    }
    // Without users, a page elsewhere could reach the console through a DNS name pointed at 127.0.0.1
    // (DNS rebinding): only requests addressed to this computer by a loopback name are answered.
    if ((await ctx.users.count()) === 0 && !isLoopbackHostHeader(request.headers.host)) {
      return refuse(reply, 403, 'The console answers requests addressed to 127.0.0.1 or localhost only until users are configured.');
    }
    const user = await userOf(request);
    if (user) request.user = user;
    if (!user && !PUBLIC_PATHS.has(url)) {
      if (request.method === 'GET' || request.method === 'HEAD') return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
      return refuse(reply, 401, 'Sign in first.');
    }
  });

  // Every POST: the same origin, and the form's CSRF token (an upload's is checked by its handler, once it has read it).
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method !== 'POST') {
      done();
      return;
    }
    if (!sameOrigin(request)) {
      void refuse(reply, 403, 'Refused: this form was sent from another site.');
      return;
    }
    if (request.routeOptions.url === UPLOAD_ROUTE && request.isMultipart()) {
      done();
      return;
    }
    // Answers a missing or wrong token itself (403, through the error handler) without calling done.
    app.csrfProtection(request, reply, done);
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    const message =
      error.code === 'FST_REQ_FILE_TOO_LARGE'
        ? `The file is larger than the ${Math.round(limits.uploadBytes / 1024 / 1024)} MB limit for uploads; nothing was stored.`
        : error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET'
          ? 'This form has expired or did not come from this console. Go back, reload the page and try again.'
          : status >= 500
            ? `Something went wrong: ${error.message}`
            : error.message;
    if (status >= 500) {
      options.log.error(`${request.method} ${pathOf(request)}: ${options.debug && error.stack ? error.stack : error.message}`);
    }
    if (status === 413 || status === 403) reply.header('Connection', 'close');
    return page(ctx, request, reply, 'error', { title: status === 429 ? 'Too many attempts' : 'There is a problem', message }, status);
  });

  app.setNotFoundHandler((request, reply) =>
    page(ctx, request, reply, 'error', { title: 'Page not found', message: 'There is no such page or file here.' }, 404),
  );

  const asset = (route: string, type: string, file: string, maxAge: number): void => {
    app.get(route, async (_request, reply) =>
      reply
        .type(type)
        .header('Cache-Control', `max-age=${maxAge}`)
        .send(await readFile(file)),
    );
  };
  asset('/console.css', 'text/css; charset=utf-8', path.join(VIEWS_DIR, 'console.css'), 300);
  asset('/fonts/arimo-400.ttf', 'font/ttf', FONT_FILES.normal, 86400);
  asset('/fonts/arimo-700.ttf', 'font/ttf', FONT_FILES.bold, 86400);

  app.get('/', async (request, reply) => reply.redirect(request.user?.role === 'officer' ? '/check' : '/outputs', 303));

  registerSignIn(app, ctx);
  registerCheck(app, ctx);
  registerProduce(app, ctx);
  registerOutputs(app, ctx);
  registerRecords(app, ctx);
  return app;
}
