import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import type { LoadedSettings } from '../config/settings.js';
import { UsageError } from '../findings/errors.js';
import { B4BError } from '../findings/finding.js';

/** officer: every output, and may check workbooks and run. viewer: public outputs, history, schedule. */
export const ROLES = ['officer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const usersFileSchema = z.object({
  users: z
    .record(
      z.string().regex(USER_NAME, 'a user name is lower-case letters, digits, ".", "_" or "-"'),
      z.object({
        role: z.enum(ROLES),
        /** scrypt$N$r$p$salt$hash (salt and hash in base64), written by `b4b-reports user add`. */
        password: z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'expected a hash written by "b4b-reports user add"'),
      }),
    )
    .default({}),
});

export type UsersFile = z.infer<typeof usersFileSchema>;

/** The default users file: config/users.yaml in the project folder (never committed: see .gitignore). */
export function defaultUsersFile(loaded: LoadedSettings): string {
  return path.join(loaded.paths.root, 'config', 'users.yaml');
}

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 };

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keyLength, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** A password hash with a salt of its own: scrypt from node:crypto. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Compares in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of nothing in particular, checked when the user name is unknown so both cases take as long. */
let dummyHash: Promise<string> | undefined;

export class UserStore {
  private cache: { mtimeMs: number; users: UsersFile['users'] } | undefined;

  constructor(readonly file: string) {}

  /** The users, re-read when the file changes (a user added or removed takes effect without a restart). */
  async users(): Promise<UsersFile['users']> {
    const info = await stat(this.file).catch(() => undefined);
    if (!info) return {};
    if (this.cache?.mtimeMs === info.mtimeMs) return this.cache.users;
    let data: unknown;
    try {
      data = parseYaml(await readFile(this.file, 'utf8')) ?? {};
    } catch (cause) {
      throw new B4BError(`${this.file}: the users file is not valid YAML: ${(cause as Error).message}`);
    }
    const parsed = usersFileSchema.safeParse(data);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(top)'}: ${issue.message}`).join('\n');
      throw new B4BError(`${this.file}: the users file does not match its schema:\n${problems}`);
    }
    this.cache = { mtimeMs: info.mtimeMs, users: parsed.data.users };
    return parsed.data.users;
  }

  async count(): Promise<number> {
    return Object.keys(await this.users()).length;
  }

  async role(name: string): Promise<Role | undefined> {
    return (await this.users())[name]?.role;
  }

  /** The user's role when the password is right, else undefined (the same time either way). */
  async authenticate(name: string, password: string): Promise<Role | undefined> {
    const user = Object.hasOwn(await this.users(), name) ? (await this.users())[name] : undefined;
    if (!user) {
      dummyHash ??= hashPassword('not a password');
      await verifyPassword(password, await dummyHash);
      return undefined;
    }
    return (await verifyPassword(password, user.password)) ? user.role : undefined;
  }

  /** Adds (or, with `replace`, updates) a user; the file is written whole, readable by its owner only. */
  async add(name: string, role: Role, password: string, replace = false): Promise<'added' | 'replaced'> {
    if (!USER_NAME.test(name)) throw new UsageError(`"${name}" is not a user name: use lower-case letters, digits, ".", "_" or "-" (at most 64)`);
    if (password.length < 10) throw new UsageError('the password is too short: use at least 10 characters');
    const users = { ...(await this.users()) };
    const existed = Object.hasOwn(users, name);
    if (existed && !replace) throw new B4BError(`${this.file}: there is already a user "${name}"; use --replace to change their role and password`);
    users[name] = { role, password: await hashPassword(password) };
    await this.write(users);
    return existed ? 'replaced' : 'added';
  }

  async remove(name: string): Promise<boolean> {
    const users = { ...(await this.users()) };
    if (!Object.hasOwn(users, name)) return false;
    delete users[name];
    await this.write(users);
    return true;
  }

  private async write(users: UsersFile['users']): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    const header =
      '# Console users (b4b-reports user add NAME --role officer|viewer). Password hashes: scrypt, a salt each.\n# Keep this file out of version control.\n';
    await writeFile(temp, header + stringifyYaml({ users }), { mode: 0o600 });
    await rename(temp, this.file);
    this.cache = undefined;
  }
}
