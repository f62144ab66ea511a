import http from 'node:http';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import type { ConsoleLimits } from '../../src/serve/limits.js';
import { buildConsole } from '../../src/serve/server.js';
import { SignInLink } from '../../src/serve/sessions.js';
import { defaultUsersFile, UserStore } from '../../src/serve/users.js';
import { tempProject, type TempProject } from '../fixtures/temp-project.js';
import { ROOT } from '../fixtures/workbooks.js';

export interface RunningConsole {
  project: TempProject;
  app: FastifyInstance;
  base: string;
  users: UserStore;
  loaded: Awaited<ReturnType<typeof loadSettings>>;
  /** What the console wrote to its log, a line each. */
  log: string[];
  /** The one-time sign-in links the console printed (paths), oldest first. */
  signInLinks: string[];
  close(): Promise<void>;
}

export const PASSWORDS = { olivia: 'officer-password-1', victor: 'viewer-password-1' } as const;

/** A console on a free loopback port, over a temp project (or `project`), with an officer (olivia) and a viewer (victor), or no users. */
export async function startConsole(options: { users?: boolean; limits?: Partial<ConsoleLimits>; project?: TempProject } = {}): Promise<RunningConsole> {
  const project = options.project ?? (await tempProject());
  const loaded = await loadSettings({ settingsFile: project.settings });
  const users = new UserStore(defaultUsersFile(loaded));
  if (options.users !== false) {
    await users.add('olivia', 'officer', PASSWORDS.olivia);
    await users.add('victor', 'viewer', PASSWORDS.victor);
  }
  const log: string[] = [];
  const signInLinks: string[] = [];
  const line = (message: string, fields?: Record<string, unknown>): void => {
    log.push(JSON.stringify({ message, ...fields }));
  };
  const signInLink = new SignInLink((link) => signInLinks.push(link));
  const app = await buildConsole({
    loaded,
    users,
    secret: 'test-secret-0123456789abcdef0123456789',
    signInLink,
    log: { step: line, warn: line, error: line },
    limits: { uploadBytes: 5 * 1024 * 1024, ...options.limits },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  // As `serve` does at start when there are no users.
  if (options.users === false) signInLink.show();
  const { port } = app.server.address() as AddressInfo;
  return { project, app, base: `http://127.0.0.1:${port}`, users, loaded, log, signInLinks, close: () => app.close() };
}

/** The cookies a response sets, merged over earlier ones. */
export function cookies(response: LightMyRequestResponse, jar: Record<string, string> = {}): Record<string, string> {
  for (const c of response.cookies) jar[c.name] = c.value;
  return jar;
}

/** A jar as a Cookie header. */
export const headerOf = (jar: Record<string, string>): string =>
  Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');

/** The form token of a page. */
export const token = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Signs in with the user's password: the cookie jar, and a form token for it. */
export async function signedIn(app: FastifyInstance, user: keyof typeof PASSWORDS): Promise<{ jar: Record<string, string>; csrf: string }> {
  const form = await app.inject({ method: 'GET', url: '/sign-in' });
  const jar = cookies(form);
  const answer = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { cookie: headerOf(jar), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token(form.body), username: user, password: PASSWORDS[user], next: '/' }).toString(),
  });
  expect(answer.statusCode).toBe(303);
  cookies(answer, jar);
  const page = await app.inject({ method: 'GET', url: '/outputs', headers: { cookie: headerOf(jar) } });
  return { jar: cookies(page, jar), csrf: token(page.body) };
}

/** A GET with the path sent exactly as written (no URL normalisation of "..", encoded or not). */
export function rawGet(base: string, rawPath: string, cookie: string): Promise<{ status: number; body: Buffer; type: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: url.hostname, port: url.port, path: rawPath, method: 'GET', headers: { cookie } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks), type: String(response.headers['content-type'] ?? '') }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

/** The sample workbook with some cells changed: `{ 'B4B data set': { AA2: 'Sep-32' } }`. */
export async function sampleWith(changes: Record<string, Record<string, ExcelJS.CellValue>>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(ROOT, 'data', 'b4b-sample.xlsx'));
  for (const [sheet, cells] of Object.entries(changes)) {
    const worksheet = workbook.getWorksheet(sheet);
    if (!worksheet) throw new Error(`the sample has no sheet "${sheet}"`);
    for (const [cell, value] of Object.entries(cells)) worksheet.getCell(cell).value = value;
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A multipart body as a browser sends the Check page's upload form: the form token first, then the file. */
export function uploadBody(csrf: string, file: { name: string; bytes: Buffer }, boundary = 'b4bboundary'): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="workbook"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}
