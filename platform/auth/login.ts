import { and, count, eq, gt, isNull, lt, max, or, sql } from 'drizzle-orm';
import { generateSecret, generateURI, verify as verifyTotpCode } from 'otplib';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { AuditContext } from '../audit/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Database } from '../database/index.ts';
import { DomainError } from '../errors.ts';
import { loginFailures } from '../schema/login-failures.ts';
import type { Session } from '../schema/sessions.ts';
import { sessions } from '../schema/sessions.ts';
import type { User } from '../schema/users.ts';
import { users } from '../schema/users.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { LoginPolicy } from './sessions.ts';
import { actorForUser, createSession, findSession, MFA_STEP_TTL_MS } from './sessions.ts';
import { providerOwningEmail } from './sso/domain-owner.ts';

/** Why a login step was refused; the message is what the login page shows. */
export class LoginError extends DomainError {
  constructor(
    code: 'invalid_credentials' | 'invalid_code' | 'locked' | 'rate_limited' | 'session_expired' | 'sso_required',
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
  }
}

export const PasswordLoginInput = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().max(256),
});
export type PasswordLoginInput = z.infer<typeof PasswordLoginInput>;

export const TotpCodeInput = z.object({
  code: z
    .string()
    .transform((code) => code.replace(/\s/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'must be the 6-digit code from your authenticator app')),
});

/** Where a login attempt comes from: recorded on the session, in the audit trail and for rate limits. */
export interface LoginOrigin {
  sourceAddress: string | null;
  userAgent: string | null;
  requestId: string | null;
  now?: Date;
}

const TOTP_ISSUER = 'Firebreak';
// A code from the step before or after the current one is accepted (clock drift of phones).
const TOTP_TOLERANCE_SECONDS = 30;

let dummyHash: Promise<string> | null = null;
/** Unknown e-mails cost a scrypt too, so response time does not reveal which accounts exist. */
function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('not a password anyone has');
  return dummyHash;
}

function contextFor(user: Pick<User, 'id' | 'name' | 'role'>, origin: LoginOrigin, policy: LoginPolicy): AuditContext {
  return { actor: actorForUser(user), requestId: origin.requestId, sourceAddress: origin.sourceAddress, config: policy.keyConfig };
}

function minutesUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
}

/**
 * How long an account's next attempt waits after `failures` recent failures: nothing below
 * LOGIN_MAX_FAILURES, then 30 s, doubling with each failure, up to LOGIN_LOCKOUT_MINUTES. A stranger
 * can slow an account down this way, never lock its owner out: the per-address limit bounds how many
 * failures one client can add.
 */
function accountDelayMs(failures: number, policy: LoginPolicy): number {
  if (failures < policy.maxFailures) return 0;
  return Math.min(policy.lockoutMs, 30_000 * 2 ** Math.min(20, failures - policy.maxFailures));
}

function describeWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * Claims a login attempt before the password hash or the code check. Under advisory locks on the
 * client's address and on the e-mail (so that a burst is counted one by one, across replicas), it
 * counts the recent failures of each, refuses with 429 when the address is over LOGIN_RATE_LIMIT or
 * the account must still wait, and otherwise records the attempt as a failure until it succeeds.
 * The e-mail need not belong to an account: the answer is the same either way. Answers the record's id.
 */
export async function claimAttempt(
  db: Database,
  email: string,
  step: 'password' | 'totp',
  user: Pick<User, 'id' | 'name' | 'role' | 'email'> | null,
  origin: LoginOrigin,
  policy: LoginPolicy,
  now: Date,
): Promise<number> {
  const address = origin.sourceAddress ?? 'unknown';
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`firebreak-login-address:${address}`}))`);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`firebreak-login-email:${email}`}))`);
    const [fromAddress] = await tx
      .select({ failures: count() })
      .from(loginFailures)
      .where(and(eq(loginFailures.sourceAddress, address), gt(loginFailures.at, new Date(now.getTime() - policy.rateWindowMs))));
    if ((fromAddress?.failures ?? 0) >= policy.rateLimit) {
      const minutes = Math.ceil(policy.rateWindowMs / 60_000);
      throw new LoginError('rate_limited', `Too many failed logins from your address; try again in ${minutes} minutes.`, minutes * 60);
    }
    const [forAccount] = await tx
      .select({ failures: count(), last: max(loginFailures.at) })
      .from(loginFailures)
      .where(and(eq(loginFailures.email, email), gt(loginFailures.at, new Date(now.getTime() - policy.lockoutMs))));
    const failures = forAccount?.failures ?? 0;
    const last = forAccount?.last ? new Date(forAccount.last).getTime() : 0;
    const wait = last + accountDelayMs(failures, policy) - now.getTime();
    if (wait > 0) {
      throw new LoginError(
        'locked',
        `Too many failed logins for this e-mail address; wait ${describeWait(wait)} and try again.`,
        Math.ceil(wait / 1000),
      );
    }
    const [claimed] = await tx
      .insert(loginFailures)
      .values({ email, sourceAddress: address, step, at: now })
      .returning({ id: loginFailures.id });
    if (user && failures + 1 === policy.maxFailures) {
      await recordAudit(tx, contextFor(user, origin, policy), {
        action: 'auth.user.locked',
        targetType: 'user',
        targetId: user.id,
        details: { email: user.email, failures: failures + 1, step, delaySeconds: accountDelayMs(failures + 1, policy) / 1000 },
      });
    }
    if (!claimed) throw new Error('login attempt not recorded');
    return claimed.id;
  });
}

/** A password step that succeeded is not a failure; the account's failures are forgotten only at a full login (activate). */
export async function releaseAttempt(db: Database, attemptId: number): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.id, attemptId));
}

function assertNotLocked(user: User, now: Date): void {
  if (user.lockedUntil && user.lockedUntil.getTime() > now.getTime()) {
    const minutes = minutesUntil(user.lockedUntil, now);
    throw new LoginError(
      'locked',
      `Too many failed logins for this e-mail address; wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`,
      minutes * 60,
    );
  }
}

export interface PasswordStepResult {
  /** The token of a session that still owes its second factor. */
  token: string;
  /** True when the user has no authenticator yet and must enrol one now. */
  mustEnrol: boolean;
}

/** Login step 1: e-mail and password. Answers a session that owes its TOTP code (or enrolment). */
export async function loginWithPassword(
  db: Database,
  input: PasswordLoginInput,
  origin: LoginOrigin,
  policy: LoginPolicy,
): Promise<PasswordStepResult> {
  const now = origin.now ?? new Date();
  const owner = await providerOwningEmail(db, input.email);
  if (owner) {
    throw new LoginError(
      'sso_required',
      `People at ${owner.domain} sign in with ${owner.label}, not with a password: enter your e-mail under "Single sign-on" above.`,
    );
  }
  const [user] = await db.select().from(users).where(eq(users.email, input.email)).limit(1);
  const attempt = await claimAttempt(db, input.email, 'password', user && !user.disabledAt ? user : null, origin, policy, now);
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !passwordOk || user.disabledAt) {
    throw new LoginError('invalid_credentials', 'The e-mail address or password is not right.');
  }
  assertNotLocked(user, now);
  await releaseAttempt(db, attempt);
  return openPendingSession(db, user, origin, now);
}

/**
 * After a first factor (a password, or a single sign-on without asserted MFA): a session that owes
 * Firebreak's TOTP code, or its enrolment when the person has no authenticator yet. It lasts
 * MFA_STEP_TTL_MS and is upgraded to an active one (a new token) when the second factor is given.
 */
export async function openPendingSession(
  db: Database,
  user: User,
  origin: LoginOrigin,
  now: Date,
  loginMethod?: string,
): Promise<PasswordStepResult> {
  const { token } = await createSession(db, {
    userId: user.id,
    stage: 'mfa',
    now,
    expiresAt: new Date(now.getTime() + MFA_STEP_TTL_MS),
    userAgent: origin.userAgent,
    sourceAddress: origin.sourceAddress,
    loginMethod: loginMethod ?? null,
  });
  return { token, mustEnrol: !user.totpEnabled || !user.totpSecret };
}

async function pendingSession(db: Database, token: string, policy: LoginPolicy, now: Date): Promise<{ session: Session; user: User }> {
  const found = await findSession(db, token, policy, now, 'mfa');
  if (!found)
    throw new LoginError('session_expired', 'Your login took too long or was already used; enter your e-mail and password again.');
  return found;
}

/** Upgrades a pending session into a new, active one (a new token: no session fixation). */
async function activate(
  tx: Database,
  pending: Session,
  user: User,
  origin: LoginOrigin,
  policy: LoginPolicy,
  now: Date,
  method: string,
): Promise<string> {
  await tx.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, pending.id));
  // A login whose first step was single sign-on records that, not "password".
  const fullMethod = pending.loginMethod && pending.loginMethod !== 'password' ? method.replace('password', pending.loginMethod) : method;
  return openActiveSession(tx, user, origin, policy, now, fullMethod);
}

/**
 * Opens an active session for a person whose login is complete (both factors, or an SSO login whose
 * provider asserted MFA), records the login on the user and in the audit trail, and answers its token.
 */
export async function openActiveSession(
  tx: Database,
  user: Pick<User, 'id' | 'name' | 'role' | 'email'>,
  origin: LoginOrigin,
  policy: LoginPolicy,
  now: Date,
  method: string,
  details: Record<string, unknown> = {},
): Promise<string> {
  await tx
    .update(users)
    .set({ failedLoginCount: 0, lockedUntil: null, lastLoginAt: now, lastLoginMethod: method })
    .where(eq(users.id, user.id));
  // A full login forgets the account's failures (and so its delay); the attempt that led here included.
  await tx.delete(loginFailures).where(eq(loginFailures.email, user.email));
  const { token, session } = await createSession(tx, {
    userId: user.id,
    stage: 'active',
    now,
    expiresAt: new Date(now.getTime() + policy.maxAgeMs),
    userAgent: origin.userAgent,
    sourceAddress: origin.sourceAddress,
  });
  await recordAudit(tx, contextFor(user, origin, policy), {
    action: 'auth.session.login',
    targetType: 'session',
    targetId: session.id,
    details: { email: user.email, method, userAgent: session.userAgent, ...details },
  });
  return token;
}

/** Accepts a code once: the time step must be later than the last one this user used. */
export async function checkCode(tx: Database, user: User, secret: string, code: string, now: Date): Promise<boolean> {
  const result = await verifyTotpCode({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: TOTP_TOLERANCE_SECONDS,
    afterTimeStep: user.totpLastTimeStep ?? undefined,
  });
  if (!result.valid || !('timeStep' in result)) return false;
  const { timeStep } = result;
  // The guard in the WHERE clause makes two concurrent uses of one code succeed only once.
  const [claimed] = await tx
    .update(users)
    .set({ totpLastTimeStep: timeStep })
    .where(and(eq(users.id, user.id), or(isNull(users.totpLastTimeStep), lt(users.totpLastTimeStep, timeStep))))
    .returning({ id: users.id });
  return Boolean(claimed);
}

/** Login step 2: the code from the user's authenticator. Answers the token of the active session. */
export async function loginWithTotp(
  db: Database,
  pendingToken: string,
  code: string,
  origin: LoginOrigin,
  policy: LoginPolicy,
): Promise<string> {
  const now = origin.now ?? new Date();
  const { session, user } = await pendingSession(db, pendingToken, policy, now);
  assertNotLocked(user, now);
  await claimAttempt(db, user.email, 'totp', user, origin, policy, now);
  if (!user.totpEnabled || !user.totpSecret)
    throw new LoginError('invalid_code', 'This account has no authenticator yet: enrol one first.');
  const secret = policy.secrets.open(user.totpSecret, user.id);
  const token = await db.transaction(async (tx) =>
    (await checkCode(tx, user, secret, code, now)) ? activate(tx, session, user, origin, policy, now, 'password+totp') : null,
  );
  if (token) return token;
  throw new LoginError('invalid_code', 'That code is not right (or was already used); enter the current code from your authenticator app.');
}

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  /** The otpauth URI as a QR code, a PNG data URL for an <img>. */
  qrCodeDataUrl: string;
}

/** Enrolment, first half: a new secret for the pending session (the same one on reload). */
export async function startTotpEnrolment(
  db: Database,
  pendingToken: string,
  policy: LoginPolicy,
  now: Date = new Date(),
): Promise<TotpEnrolment> {
  const { session, user } = await pendingSession(db, pendingToken, policy, now);
  if (user.totpEnabled) throw new LoginError('invalid_code', 'An authenticator is already enrolled for this account; enter its code.');
  let secret = session.pendingTotpSecret ? policy.secrets.open(session.pendingTotpSecret, user.id) : null;
  if (!secret) {
    secret = generateSecret();
    await db
      .update(sessions)
      .set({ pendingTotpSecret: policy.secrets.seal(secret, user.id) })
      .where(eq(sessions.id, session.id));
  }
  const otpauthUri = generateURI({ issuer: TOTP_ISSUER, label: user.email, secret });
  const qrCodeDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
  return { secret, otpauthUri, qrCodeDataUrl };
}

/** Enrolment, second half: a code proves the app holds the secret; the account's MFA is then on. */
export async function confirmTotpEnrolment(
  db: Database,
  pendingToken: string,
  code: string,
  origin: LoginOrigin,
  policy: LoginPolicy,
): Promise<string> {
  const now = origin.now ?? new Date();
  const { session, user } = await pendingSession(db, pendingToken, policy, now);
  assertNotLocked(user, now);
  await claimAttempt(db, user.email, 'totp', user, origin, policy, now);
  if (user.totpEnabled || !session.pendingTotpSecret)
    throw new LoginError('session_expired', 'Start the enrolment again from the login page.');
  const secret = policy.secrets.open(session.pendingTotpSecret, user.id);
  const token = await db.transaction(async (tx) => {
    if (!(await checkCode(tx, user, secret, code, now))) return null;
    const [enrolled] = await tx
      .update(users)
      .set({ totpSecret: policy.secrets.seal(secret, user.id), totpEnabled: true })
      .where(and(eq(users.id, user.id), eq(users.totpEnabled, false)))
      .returning({ id: users.id });
    if (!enrolled) return null;
    await recordAudit(tx, contextFor(user, origin, policy), {
      action: 'auth.totp.enrol',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email },
    });
    return activate(tx, session, user, origin, policy, now, 'password+totp-enrolment');
  });
  if (token) return token;
  throw new LoginError('invalid_code', 'That code is not right; scan the QR code again and enter the current 6-digit code.');
}
