import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, gt, isNull, lt, ne } from 'drizzle-orm';
import { parse as parseCookies } from 'hono/utils/cookie';
import { recordAudit } from '../audit/index.ts';
import type { Config } from '../config.ts';
import type { Database } from '../database/index.ts';
import type { Session, SessionStage } from '../schema/sessions.ts';
import { sessions } from '../schema/sessions.ts';
import type { User } from '../schema/users.ts';
import { users } from '../schema/users.ts';
import type { ActionContext, Actor } from './actor.ts';
import { permissionsOf } from './roles.ts';
import type { SecretBox } from './secret-box.ts';
import { secretBoxFrom } from './secret-box.ts';

// lastSeenAt is refreshed at most this often: idle expiry needs minutes, not a write per request.
const LAST_SEEN_RESOLUTION_MS = 60_000;
/** How long the password step stays valid while the code (or enrolment) is owed. */
export const MFA_STEP_TTL_MS = 10 * 60_000;

/** How sessions and logins behave; built from the configuration. */
export interface LoginPolicy {
  idleTimeoutMs: number;
  maxAgeMs: number;
  maxFailures: number;
  lockoutMs: number;
  /** Failed attempts from one address within `rateWindowMs` before it is refused. */
  rateLimit: number;
  rateWindowMs: number;
  /** Cookies carry Secure (and the __Host- prefix) when PUBLIC_URL is https. */
  secureCookies: boolean;
  /** Seals the TOTP seeds stored for users (and pending enrolments). */
  secrets: SecretBox;
  /** Where the audit chain's key comes from (FIREBREAK_SECRET_KEY): logins are audited. */
  keyConfig: Pick<Config, 'FIREBREAK_SECRET_KEY' | 'FIREBREAK_SECRET_KEY_PREVIOUS' | 'dataDirectory'>;
}

export function loginPolicyFrom(config: Config, secrets: SecretBox = secretBoxFrom(config)): LoginPolicy {
  return {
    idleTimeoutMs: config.SESSION_IDLE_MINUTES * 60_000,
    maxAgeMs: config.SESSION_MAX_HOURS * 3_600_000,
    maxFailures: config.LOGIN_MAX_FAILURES,
    lockoutMs: config.LOGIN_LOCKOUT_MINUTES * 60_000,
    rateLimit: config.LOGIN_RATE_LIMIT,
    rateWindowMs: 15 * 60_000,
    secureCookies: config.publicUrl.startsWith('https:'),
    secrets,
    keyConfig: config,
  };
}

/** The session cookie's name: __Host- prefixed (Secure, Path=/, no Domain) behind HTTPS. */
export function sessionCookieName(policy: Pick<LoginPolicy, 'secureCookies'>): string {
  return policy.secureCookies ? '__Host-firebreak_session' : 'firebreak_session';
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(`session:${token}`).digest('hex');
}

/**
 * The per-session CSRF token every dashboard form carries. Derived from the session token, which the
 * page's scripts cannot read (HttpOnly), so only the session's own pages know it.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('firebreak csrf v1').digest('base64url');
}

export function verifyCsrfToken(sessionToken: string, submitted: string | undefined): boolean {
  if (!submitted) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const actual = Buffer.from(submitted);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Inserts a session and answers its token (the only time the token exists outside the cookie). */
export async function createSession(
  tx: Database,
  input: {
    userId: string;
    stage: SessionStage;
    expiresAt: Date;
    now: Date;
    userAgent: string | null;
    sourceAddress: string | null;
    pendingTotpSecret?: string | null;
    /** The first step of the login, when it was not a password (oidc, saml). */
    loginMethod?: string | null;
  },
): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString('base64url');
  const [session] = await tx
    .insert(sessions)
    .values({
      tokenHash: hashSessionToken(token),
      userId: input.userId,
      stage: input.stage,
      pendingTotpSecret: input.pendingTotpSecret ?? null,
      loginMethod: input.loginMethod ?? null,
      createdAt: input.now,
      lastSeenAt: input.now,
      expiresAt: input.expiresAt,
      userAgent: input.userAgent?.slice(0, 500) ?? null,
      sourceAddress: input.sourceAddress,
    })
    .returning();
  if (!session) throw new Error('session insert returned no row');
  return { token, session };
}

/** Whether a session is still usable at `now` under the policy (not revoked, not expired, not idle). */
export function isSessionLive(session: Session, policy: LoginPolicy, now: Date): boolean {
  if (session.revokedAt) return false;
  if (session.expiresAt.getTime() <= now.getTime()) return false;
  if (session.stage === 'active' && now.getTime() - session.lastSeenAt.getTime() > policy.idleTimeoutMs) return false;
  return true;
}

/** The session and its user behind a token, if both are live; `stage` narrows to one stage. */
export async function findSession(
  db: Database,
  token: string,
  policy: LoginPolicy,
  now: Date,
  stage: SessionStage,
): Promise<{ session: Session; user: User } | null> {
  if (!token || token.length > 200) return null;
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.tokenHash, hashSessionToken(token)))
    .limit(1);
  if (!row || row.session.stage !== stage || row.user.disabledAt) return null;
  if (!isSessionLive(row.session, policy, now)) return null;
  return row;
}

export function actorForUser(user: Pick<User, 'id' | 'name' | 'role'> & { mustChangePassword?: boolean }): Actor {
  return {
    kind: 'user',
    id: user.id,
    name: user.name,
    role: user.role,
    permissions: permissionsOf(user.role),
    userId: user.id,
    ...(user.mustChangePassword ? { mustChangePassword: true } : {}),
  };
}

/** The session token in a Cookie header, if there is one. */
export function sessionTokenFromCookies(cookieHeader: string | undefined, policy: Pick<LoginPolicy, 'secureCookies'>): string | null {
  if (!cookieHeader) return null;
  const name = sessionCookieName(policy);
  return parseCookies(cookieHeader, name)[name] ?? null;
}

/**
 * Resolves a logged-in session to its user's actor and keeps it alive (idle expiry counts from the
 * last request). Sessions still owing their second factor resolve to nothing.
 */
export async function resolveActiveSession(
  db: Database,
  token: string,
  policy: LoginPolicy,
  now: Date = new Date(),
  options: { touch?: boolean } = {},
): Promise<Actor | null> {
  const found = await findSession(db, token, policy, now, 'active');
  if (!found) return null;
  // Checks that are not the person's doing (the live stream's heartbeat) pass touch: false.
  if (options.touch !== false && now.getTime() - found.session.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: now })
      .where(and(eq(sessions.id, found.session.id), lt(sessions.lastSeenAt, now)));
  }
  return actorForUser(found.user);
}

/** The `deps.resolveSession` hook: Cookie header to actor. */
export function createSessionResolver(policy: LoginPolicy) {
  return async (cookieHeader: string | undefined, db: Database, options: { touch?: boolean } = {}): Promise<Actor | null> => {
    const token = sessionTokenFromCookies(cookieHeader, policy);
    return token ? resolveActiveSession(db, token, policy, new Date(), options) : null;
  };
}

/** Ends the session behind a token (logging out); nothing happens for an unknown token. */
export async function endSession(ctx: ActionContext, token: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [ended] = await tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.tokenHash, hashSessionToken(token)), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id, userId: sessions.userId, stage: sessions.stage });
    if (!ended || ended.stage !== 'active') return;
    await recordAudit(tx, ctx, { action: 'auth.session.logout', targetType: 'session', targetId: ended.id, details: {} });
  });
}

/** Ends every session of a user (log out everywhere, a disabled user, a reset authenticator). */
export async function endAllSessions(tx: Database, userId: string, now: Date = new Date()): Promise<number> {
  const ended = await tx
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return ended.length;
}

/** Ends every session of a user but the one behind `keepToken` (after a password change). */
export async function endOtherSessions(tx: Database, userId: string, keepToken: string | null, now: Date = new Date()): Promise<number> {
  const keep = keepToken ? ne(sessions.tokenHash, hashSessionToken(keepToken)) : undefined;
  const ended = await tx
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keep))
    .returning({ id: sessions.id });
  return ended.length;
}

/** "Log out everywhere": ends all of the acting user's sessions, this one included. */
export async function logoutEverywhere(ctx: ActionContext): Promise<number> {
  const userId = ctx.actor.userId;
  if (!userId) return 0;
  return ctx.db.transaction(async (tx) => {
    const count = await endAllSessions(tx, userId);
    await recordAudit(tx, ctx, {
      action: 'auth.session.logout_everywhere',
      targetType: 'user',
      targetId: userId,
      details: { sessions: count },
    });
    return count;
  });
}

export interface SessionSummary {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  sourceAddress: string | null;
  current: boolean;
}

/** The acting user's live sessions, newest first, marking the one behind `currentToken`. */
export async function listOwnSessions(
  ctx: ActionContext,
  currentToken: string | null,
  policy: LoginPolicy,
  now: Date = new Date(),
): Promise<SessionSummary[]> {
  const userId = ctx.actor.userId;
  if (!userId) return [];
  const currentHash = currentToken ? hashSessionToken(currentToken) : null;
  const rows = await ctx.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.stage, 'active'), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.createdAt))
    .limit(50);
  return rows
    .filter((session) => isSessionLive(session, policy, now))
    .map((session) => ({
      id: session.id,
      createdAt: session.createdAt,
      lastSeenAt: session.lastSeenAt,
      expiresAt: session.expiresAt,
      userAgent: session.userAgent,
      sourceAddress: session.sourceAddress,
      current: session.tokenHash === currentHash,
    }));
}
