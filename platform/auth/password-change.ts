import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { users } from '../schema/users.ts';
import { type ActionContext, assertPermission } from './actor.ts';
import { checkCode, claimAttempt, releaseAttempt, TotpCodeInput } from './login.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { LoginPolicy } from './sessions.ts';
import { endAllSessions, endOtherSessions } from './sessions.ts';
import { NewPassword } from './users.ts';

export const PasswordChangeInput = z.object({
  currentPassword: z.string().min(1).max(256),
  code: TotpCodeInput.shape.code,
  newPassword: NewPassword,
});
export type PasswordChangeInput = z.infer<typeof PasswordChangeInput>;

export const PasswordResetInput = z.object({
  /** The temporary password; left out, Firebreak generates one (shown once). */
  password: NewPassword.optional(),
});
export type PasswordResetInput = z.infer<typeof PasswordResetInput>;

function refuse(field: keyof PasswordChangeInput, message: string, reason: string): never {
  throw new InvalidInputError(message, { fields: { [field]: reason } });
}

/**
 * A person changes their own password: the current one and a code from their authenticator prove it
 * is them (a session left open is not enough). Failures count like failed logins. Every other session
 * of theirs ends; the one behind `keepSessionToken` (the browser that changed it) stays.
 */
export async function changePassword(
  ctx: ActionContext,
  input: PasswordChangeInput,
  policy: LoginPolicy,
  keepSessionToken: string | null,
): Promise<{ endedSessions: number }> {
  const userId = ctx.actor.userId;
  if (!userId) throw new InvalidInputError('Only a person can change their password; a service token has none.');
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user || user.disabledAt) throw new NotFoundError('Your account is gone or disabled.');
  const now = new Date();
  const origin = { sourceAddress: ctx.sourceAddress, userAgent: null, requestId: ctx.requestId, now };
  const attempt = await claimAttempt(ctx.db, user.email, 'password', user, origin, policy, now);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash)))
    refuse('currentPassword', 'Your current password is not right; nothing was changed.', 'is not right');
  if (input.newPassword === input.currentPassword)
    refuse('newPassword', 'The new password must differ from the current one.', 'must differ from the current one');
  if (!user.totpEnabled || !user.totpSecret) refuse('code', 'Enrol an authenticator first (log out and in again).', 'no authenticator');
  const secret = policy.secrets.open(user.totpSecret, user.id);
  const passwordHash = await hashPassword(input.newPassword);
  const endedSessions = await ctx.db.transaction(async (tx) => {
    if (!(await checkCode(tx, user, secret, input.code, now))) return null;
    await tx.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, user.id));
    const ended = await endOtherSessions(tx, user.id, keepSessionToken, now);
    await recordAudit(tx, ctx, {
      action: 'auth.password.change',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email, forced: user.mustChangePassword, endedSessions: ended },
    });
    return ended;
  });
  if (endedSessions === null)
    refuse('code', 'That code is not right (or was already used); enter the current code from your authenticator app.', 'is not right');
  await releaseAttempt(ctx.db, attempt);
  return { endedSessions };
}

/**
 * An admin sets a temporary password for another user (or has one generated): their sessions end,
 * and they must choose a new one at their next login before any page opens. Answers the temporary
 * password, which is not stored and not shown again.
 */
export async function resetPassword(
  ctx: ActionContext,
  userId: string,
  input: PasswordResetInput,
): Promise<{ temporaryPassword: string; generated: boolean; email: string }> {
  assertPermission(ctx.actor, 'users:manage');
  if (!z.uuid().safeParse(userId).success) throw new NotFoundError(`No user "${userId}".`);
  if (ctx.actor.userId === userId) throw new InvalidInputError('Change your own password on your account page, not by a reset.');
  const generated = input.password === undefined;
  const temporaryPassword = input.password ?? randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(temporaryPassword);
  return ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: true })
      .where(eq(users.id, userId))
      .returning({ id: users.id, email: users.email });
    if (!user) throw new NotFoundError(`No user "${userId}".`);
    const endedSessions = await endAllSessions(tx, userId);
    await recordAudit(tx, ctx, {
      action: 'users.user.password_reset',
      targetType: 'user',
      targetId: userId,
      details: { email: user.email, generated, endedSessions },
    });
    return { temporaryPassword, generated, email: user.email };
  });
}
