import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role, UserStore } from './users.js';

/** Who a session belongs to. */
export interface SessionUser {
  name: string;
  role: Role;
  /** Signed in with the console's one-time link, while no users are configured. */
  viaLink: boolean;
}

interface Session {
  user: SessionUser;
  /** What the user's entry was at sign-in (role and password hash); a change ends the session. */
  stamp: string;
  expires: number;
}

/** Why a session no longer opens anything. */
export type SessionEnd = 'expired' | 'changed';

/** The name a sign-in with the one-time link goes by (no user name can have brackets). */
export const LINK_USER = '(sign-in link)';

/** A sign-in lasts a working day. */
export const SESSION_HOURS = 10;

/**
 * Sign-ins kept by the console itself: the cookie holds only a random id. Signing out removes the
 * session, and every request compares the user's entry in the users file with what it was at sign-in,
 * so a password change (`user add --replace`), a role change or a removal ends the user's sessions
 * at their next request, whichever browser holds them. A restart ends every session.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly users: UserStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The user's entry as it stands: a link sign-in holds while no users are configured. */
  private async stampOf(user: SessionUser): Promise<string | undefined> {
    const all = await this.users.users();
    if (user.viaLink) return Object.keys(all).length === 0 ? 'no users' : undefined;
    const entry = Object.hasOwn(all, user.name) ? all[user.name] : undefined;
    return entry ? createHash('sha256').update(`${entry.role}\0${entry.password}`).digest('hex') : undefined;
  }

  /** A new session for the user; its id goes in the cookie. */
  async create(user: SessionUser): Promise<string> {
    const stamp = await this.stampOf(user);
    if (stamp === undefined) throw new Error(`${user.name} cannot be signed in: not in the users file`);
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expires <= now) this.sessions.delete(id);
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { user, stamp, expires: now + SESSION_HOURS * 3_600_000 });
    return id;
  }

  /** The session's user, or why it has ended (and it is then gone), or undefined for an id never issued. */
  async find(id: string): Promise<{ user: SessionUser } | { ended: SessionEnd; user: SessionUser } | undefined> {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expires <= this.now()) {
      this.sessions.delete(id);
      return { ended: 'expired', user: session.user };
    }
    if ((await this.stampOf(session.user)) !== session.stamp) {
      this.sessions.delete(id);
      return { ended: 'changed', user: session.user };
    }
    return { user: session.user };
  }

  end(id: string): void {
    this.sessions.delete(id);
  }
}

/**
 * The one-time sign-in link of a console with no users (as Jupyter's token): a random token, printed
 * where the console was started, exchanged once for a session. Using it makes and prints the next
 * one, for the next browser.
 */
export class SignInLink {
  private token = randomBytes(32).toString('base64url');
  private announced = false;

  /** `announce` is given the link's path and query, to print with the console's address. */
  constructor(private readonly announce: (path: string) => void) {}

  /** Prints the current link, once. */
  show(): void {
    if (this.announced) return;
    this.announced = true;
    this.announce(`/sign-in/link?token=${this.token}`);
  }

  /** True once for the current token (compared in constant time); a new link is then printed. */
  redeem(candidate: string): boolean {
    const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
    if (!timingSafeEqual(digest(candidate), digest(this.token))) return false;
    this.token = randomBytes(32).toString('base64url');
    this.announced = false;
    this.show();
    return true;
  }
}
