import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { Database } from '../database/index.ts';
import { ConflictError } from '../errors.ts';
import type { User } from '../schema/users.ts';
import { users } from '../schema/users.ts';
import { type ActionContext, assertPermission } from './actor.ts';
import { hashPassword } from './passwords.ts';
import { PERSON_ROLES } from './roles.ts';

/** What a password must be, wherever one is set (a new user, a change, an admin's reset). */
export const NewPassword = z.string().min(12, 'must be at least 12 characters').max(256);

export const UserInput = z.object({
  email: z
    .email()
    .max(254)
    .transform((email) => email.toLowerCase()),
  name: z.string().trim().min(1).max(100),
  role: z.enum(PERSON_ROLES, { error: `people have one of the roles ${PERSON_ROLES.join(', ')}` }),
  password: NewPassword,
  slackUserId: z
    .string()
    .regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user id such as U024BE7LH')
    .optional(),
});
export type UserInput = z.infer<typeof UserInput>;

export type UserSummary = Omit<User, 'passwordHash' | 'totpSecret'>;

function summarize(user: User): UserSummary {
  const { passwordHash: _password, totpSecret: _secret, ...summary } = user;
  return summary;
}

/** Creates a dashboard user; they enrol a TOTP authenticator at first login. */
export async function createUser(ctx: ActionContext, input: UserInput): Promise<UserSummary> {
  assertPermission(ctx.actor, 'users:manage');
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ email: input.email, name: input.name, role: input.role, passwordHash, slackUserId: input.slackUserId })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new ConflictError(`A user with e-mail ${input.email} or that Slack id already exists.`);
    await recordAudit(tx, ctx, {
      action: 'users.user.create',
      targetType: 'user',
      targetId: row.id,
      details: { email: row.email, role: row.role },
    });
    return summarize(row);
  });
}

export async function listUsers(ctx: ActionContext): Promise<UserSummary[]> {
  assertPermission(ctx.actor, 'users:manage');
  // People the identity provider removed are kept for the audit trail, not listed.
  const rows = await ctx.db.select().from(users).where(isNull(users.deletedAt)).orderBy(asc(users.email));
  return rows.map(summarize);
}

export async function findUserBySlackId(ctx: ActionContext, slackUserId: string): Promise<User | null> {
  const [row] = await ctx.db.select().from(users).where(eq(users.slackUserId, slackUserId)).limit(1);
  return row ?? null;
}

/** The Slack user ids of the users given (those without one are absent), for invitations to incident channels. */
export async function findSlackUserIds(db: Database, userIds: string[]): Promise<Map<string, string>> {
  const ids = userIds.filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: users.id, slackUserId: users.slackUserId }).from(users).where(inArray(users.id, ids));
  return new Map(rows.flatMap((row) => (row.slackUserId ? [[row.id, row.slackUserId] as const] : [])));
}

/** Whom work can be given to: a person with an account, and how to reach them directly. */
export interface Person {
  id: string;
  name: string;
  email: string;
  slackUserId: string | null;
}

const personColumns = { id: users.id, name: users.name, email: users.email, slackUserId: users.slackUserId };

/** The people with an enabled account, by name (to pick an owner of work from; any reader may see them). */
export async function listPeople(db: Database): Promise<Person[]> {
  return db.select(personColumns).from(users).where(isNull(users.disabledAt)).orderBy(asc(users.name), asc(users.email));
}

/** One person with an enabled account by user id, or null (an unknown id, a disabled account). */
export async function findPerson(db: Database, userId: string): Promise<Person | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(userId)) return null;
  const [row] = await db
    .select(personColumns)
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)))
    .limit(1);
  return row ?? null;
}
