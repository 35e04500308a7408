import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { Database } from '../database/index.ts';
import { sqlStateOf } from '../database/index.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { loginFailures } from '../schema/login-failures.ts';
import type { User } from '../schema/users.ts';
import { users } from '../schema/users.ts';
import { type ActionContext, assertPermission } from './actor.ts';
import { endAccess } from './end-access.ts';
import { PERSON_ROLES } from './roles.ts';
import { endAllSessions } from './sessions.ts';
import type { UserSummary } from './users.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const PersonName = z.string().trim().min(1).max(100);
export const PersonEmail = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());
/** A Slack user id, or null to forget it. */
export const SlackUserId = z.string().regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user id such as U024BE7LH');

export const UserUpdateInput = z.object({
  role: z.enum(PERSON_ROLES, { error: `people have one of the roles ${PERSON_ROLES.join(', ')}` }).optional(),
  name: PersonName.optional(),
  email: PersonEmail.optional(),
  slackUserId: SlackUserId.nullable().optional(),
  /** true disables the account, ends its sessions and revokes its tokens; false enables it again. */
  disabled: z.boolean().optional(),
  /** Forgets the authenticator: the user enrols a new one at next login. Ends their sessions. */
  resetAuthenticator: z.boolean().optional(),
  /** Lifts a lockout after failed logins. */
  unlock: z.boolean().optional(),
  /** The version the change was based on (from a read): refused with 409 if the person changed since. */
  version: z.int().min(1).optional(),
});
export type UserUpdateInput = z.infer<typeof UserUpdateInput>;

/** What a person may change about themselves. */
export const ProfileInput = z.object({
  name: PersonName.optional(),
  slackUserId: SlackUserId.nullable().optional(),
  version: z.int().min(1).optional(),
});
export type ProfileInput = z.infer<typeof ProfileInput>;

export function summarizeUser(user: User): UserSummary {
  const { passwordHash: _password, totpSecret: _secret, ...summary } = user;
  return summary;
}

const AUDITED_FIELDS = ['role', 'name', 'email', 'slackUserId'] as const;

/** Inside a transaction: a person's details as they were, and as they are after `changes` (or a 409). */
export async function applyUserChanges(
  tx: Database,
  ctx: ActionContext,
  userId: string,
  change: {
    fields: Partial<Pick<User, 'role' | 'name' | 'email' | 'slackUserId' | 'scimExternalId' | 'scimUserName'>>;
    disabled?: boolean;
    resetAuthenticator?: boolean;
    unlock?: boolean;
    version?: number;
    deleted?: boolean;
    /** The audit action ('users.user.update', 'scim.user.replace', …). */
    action: string;
  },
): Promise<{ before: User; after: User }> {
  const [before] = await tx
    .select()
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .for('update');
  if (!before) throw new NotFoundError(`No user "${userId}".`);
  if (change.version !== undefined && change.version !== before.version)
    throw new ConflictError(
      `${before.email} was changed since you read it (version ${before.version}, not ${change.version}); read it again and retry.`,
      'stale_version',
    );
  const changes: Partial<typeof users.$inferInsert> = {};
  for (const [key, value] of Object.entries(change.fields) as [keyof typeof change.fields, string | null | undefined][]) {
    if (value !== undefined && value !== before[key]) Object.assign(changes, { [key]: value });
  }
  const disable = change.deleted || change.disabled === true;
  if (disable && !before.disabledAt) changes.disabledAt = new Date();
  if (!change.deleted && change.disabled === false && before.disabledAt) changes.disabledAt = null;
  if (change.deleted) changes.deletedAt = new Date();
  if (change.resetAuthenticator) Object.assign(changes, { totpSecret: null, totpEnabled: false, totpLastTimeStep: null });
  if (change.unlock) Object.assign(changes, { lockedUntil: null, failedLoginCount: 0 });
  if (Object.keys(changes).length === 0) return { before, after: before };
  const [after] = await tx
    .update(users)
    .set({ ...changes, version: sql`${users.version} + 1` })
    // The row is locked, and the version guards it too: an update never overwrites one it did not see.
    .where(and(eq(users.id, userId), eq(users.version, before.version)))
    .returning();
  if (!after) throw new ConflictError(`${before.email} was changed at the same time; read it again and retry.`, 'stale_version');
  // The login delay is counted from the account's recent failures: lifting it forgets them.
  if (change.unlock) await tx.delete(loginFailures).where(eq(loginFailures.email, after.email));
  // A new role takes effect at the next request anyway (tokens too); disabling ends sessions and tokens now.
  const ended = 'disabledAt' in changes && changes.disabledAt ? await endAccess(tx, userId) : null;
  const endedSessions = !ended && change.resetAuthenticator ? await endAllSessions(tx, userId) : (ended?.endedSessions ?? 0);
  const fieldChanges: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of [...AUDITED_FIELDS, 'scimExternalId', 'scimUserName'] as const) {
    if (key in changes) fieldChanges[key] = { from: before[key], to: after[key] };
  }
  await recordAudit(tx, ctx, {
    action: change.action,
    targetType: 'user',
    targetId: userId,
    details: {
      email: after.email,
      ...fieldChanges,
      ...('disabledAt' in changes ? { disabled: { from: Boolean(before.disabledAt), to: Boolean(after.disabledAt) } } : {}),
      ...(change.deleted ? { deleted: true } : {}),
      ...(change.resetAuthenticator ? { resetAuthenticator: true } : {}),
      ...(change.unlock ? { unlocked: true } : {}),
      endedSessions,
      ...(ended ? { revokedTokens: ended.revokedTokens } : {}),
      version: { from: before.version, to: after.version },
    },
  });
  return { before, after };
}

/** Runs a change of people in a transaction; a taken e-mail or Slack id is a 409, not a 500. */
export async function withUniquePeople<T>(ctx: ActionContext, run: (tx: Database) => Promise<T>): Promise<T> {
  try {
    return await ctx.db.transaction(run);
  } catch (error) {
    if (sqlStateOf(error) === '23505') throw new ConflictError('Another person already has that e-mail address or Slack id.');
    throw error;
  }
}

/** An admin changes a person's role, name, e-mail, Slack id or state, resets their MFA or lifts a lockout. */
export async function updateUser(ctx: ActionContext, userId: string, input: UserUpdateInput): Promise<UserSummary> {
  assertPermission(ctx.actor, 'users:manage');
  if (!UUID.test(userId)) throw new NotFoundError(`No user "${userId}".`);
  if (ctx.actor.userId === userId && (input.disabled === true || (input.role && input.role !== ctx.actor.role))) {
    throw new InvalidInputError('You cannot disable yourself or change your own role; ask another admin.');
  }
  return withUniquePeople(ctx, async (tx) => {
    const { after } = await applyUserChanges(tx, ctx, userId, {
      fields: { role: input.role, name: input.name, email: input.email, slackUserId: input.slackUserId },
      disabled: input.disabled,
      resetAuthenticator: input.resetAuthenticator,
      unlock: input.unlock,
      version: input.version,
      action: 'users.user.update',
    });
    return summarizeUser(after);
  });
}

/** A person changes their own name or Slack id (the e-mail and role are an admin's to change). */
export async function updateOwnProfile(ctx: ActionContext, input: ProfileInput): Promise<UserSummary> {
  const userId = ctx.actor.userId;
  if (!userId) throw new InvalidInputError('Only a person has a profile; this caller is a service.');
  return withUniquePeople(ctx, async (tx) => {
    const { after } = await applyUserChanges(tx, ctx, userId, {
      fields: { name: input.name, slackUserId: input.slackUserId },
      version: input.version,
      action: 'users.profile.update',
    });
    return summarizeUser(after);
  });
}

/** One person by id (deleted ones are gone). */
export async function getUser(ctx: ActionContext, userId: string): Promise<UserSummary> {
  assertPermission(ctx.actor, 'users:manage');
  if (!UUID.test(userId)) throw new NotFoundError(`No user "${userId}".`);
  const [row] = await ctx.db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .limit(1);
  if (!row) throw new NotFoundError(`No user "${userId}".`);
  return summarizeUser(row);
}

/** The acting person's own account. */
export async function getOwnProfile(ctx: ActionContext): Promise<UserSummary | null> {
  if (!ctx.actor.userId) return null;
  const [row] = await ctx.db.select().from(users).where(eq(users.id, ctx.actor.userId)).limit(1);
  return row ? summarizeUser(row) : null;
}
