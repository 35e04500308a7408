import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { loginFailures } from '../schema/login-failures.ts';
import { users } from '../schema/users.ts';
import { type ActionContext, assertPermission } from './actor.ts';
import { ROLES } from './roles.ts';
import { endAllSessions } from './sessions.ts';
import type { UserSummary } from './users.ts';

export const UserUpdateInput = z.object({
  role: z
    .enum(ROLES)
    .refine((role) => role !== 'ingest', 'people cannot have the ingest role')
    .optional(),
  /** true disables the account and ends its sessions; false enables it again. */
  disabled: z.boolean().optional(),
  /** Forgets the authenticator: the user enrols a new one at next login. Ends their sessions. */
  resetAuthenticator: z.boolean().optional(),
  /** Lifts a lockout after failed logins. */
  unlock: z.boolean().optional(),
});
export type UserUpdateInput = z.infer<typeof UserUpdateInput>;

/** An admin changes a user's role, disables or enables them, resets their MFA or lifts a lockout. */
export async function updateUser(ctx: ActionContext, userId: string, input: UserUpdateInput): Promise<UserSummary> {
  assertPermission(ctx.actor, 'users:manage');
  if (!z.uuid().safeParse(userId).success) throw new NotFoundError(`No user "${userId}".`);
  if (ctx.actor.userId === userId && (input.disabled === true || (input.role && input.role !== ctx.actor.role))) {
    throw new InvalidInputError('You cannot disable yourself or change your own role; ask another admin.');
  }
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!before) throw new NotFoundError(`No user "${userId}".`);
    const changes: Partial<typeof users.$inferInsert> = {};
    if (input.role && input.role !== before.role) changes.role = input.role;
    if (input.disabled !== undefined && input.disabled !== Boolean(before.disabledAt))
      changes.disabledAt = input.disabled ? new Date() : null;
    if (input.resetAuthenticator) Object.assign(changes, { totpSecret: null, totpEnabled: false, totpLastTimeStep: null });
    if (input.unlock) Object.assign(changes, { lockedUntil: null, failedLoginCount: 0 });
    if (Object.keys(changes).length === 0) {
      const { passwordHash: _p, totpSecret: _s, ...summary } = before;
      return summary;
    }
    const [after] = await tx.update(users).set(changes).where(eq(users.id, userId)).returning();
    if (!after) throw new NotFoundError(`No user "${userId}".`);
    // The login delay is counted from the account's recent failures: lifting it forgets them.
    if (input.unlock) await tx.delete(loginFailures).where(eq(loginFailures.email, after.email));
    // A new role takes effect at the next request anyway; disabling and resetting MFA must end sessions now.
    const endedSessions = input.disabled || input.resetAuthenticator ? await endAllSessions(tx, userId) : 0;
    await recordAudit(tx, ctx, {
      action: 'users.user.update',
      targetType: 'user',
      targetId: userId,
      details: {
        email: after.email,
        ...(changes.role ? { role: { from: before.role, to: after.role } } : {}),
        ...('disabledAt' in changes ? { disabled: Boolean(after.disabledAt) } : {}),
        ...(input.resetAuthenticator ? { resetAuthenticator: true } : {}),
        ...(input.unlock ? { unlocked: true } : {}),
        endedSessions,
      },
    });
    const { passwordHash: _password, totpSecret: _secret, ...summary } = after;
    return summary;
  });
}
