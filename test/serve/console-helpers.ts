import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadSettings } from '../../src/config/settings.js';
import { buildConsole } from '../../src/serve/server.js';
import { defaultUsersFile, UserStore } from '../../src/serve/users.js';
import { tempProject, type TempProject } from '../fixtures/temp-project.js';

export interface RunningConsole {
  project: TempProject;
  app: FastifyInstance;
  base: string;
  users: UserStore;
  loaded: Awaited<ReturnType<typeof loadSettings>>;
  close(): Promise<void>;
}

export const PASSWORDS = { olivia: 'officer-password-1', victor: 'viewer-password-1' } as const;

/** A console on a free loopback port, over a temp project, with an officer (olivia) and a viewer (victor). */
export async function startConsole(options: { users?: boolean } = {}): Promise<RunningConsole> {
  const project = await tempProject();
  const loaded = await loadSettings({ settingsFile: project.settings });
  const users = new UserStore(defaultUsersFile(loaded));
  if (options.users !== false) {
    await users.add('olivia', 'officer', PASSWORDS.olivia);
    await users.add('victor', 'viewer', PASSWORDS.victor);
  }
  const app = await buildConsole({
    loaded,
    users,
    requireSignIn: options.users !== false,
    secret: 'test-secret-0123456789abcdef0123456789',
    uploadLimitBytes: 5 * 1024 * 1024,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { project, app, base: `http://127.0.0.1:${port}`, users, loaded, close: () => app.close() };
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
