import { and, asc, eq, isNull, or, type SQL, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/index.ts';
import { type ActionContext, assertPermission } from '../auth/actor.ts';
import { applyUserChanges, withUniquePeople } from '../auth/update-user.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { User } from '../schema/users.ts';
import { users } from '../schema/users.ts';
import { parseScimFilter } from './scim-filter.ts';
import type { ScimPatchBody } from './scim-patch.ts';
import { applyScimPatch } from './scim-patch.ts';
import type { ScimPerson } from './scim-user.ts';
import { parseScimUser } from './scim-user.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// People provisioned by SCIM log in through single sign-on, or with a password an admin resets for them.
const NO_PASSWORD = 'none: provisioned by SCIM';

function personOf(user: User): ScimPerson {
  return {
    userName: user.scimUserName ?? user.email,
    email: user.email,
    name: user.name,
    externalId: user.scimExternalId,
    active: !user.disabledAt,
    role: user.role === 'ingest' || user.role === 'scim' ? undefined : user.role,
  };
}

/** The version an If-Match header (`W/"3"`) names, if any. */
export function versionFromEtag(ifMatch: string | undefined): number | undefined {
  const match = ifMatch ? /^(?:W\/)?"(\d+)"$/.exec(ifMatch.trim()) : null;
  return match?.[1] ? Number(match[1]) : undefined;
}

const notFound = (id: string) => new NotFoundError(`No User "${id}".`);

/**
 * POST /Users: a new person, with the provider's role or SCIM_DEFAULT_ROLE. One the provider deleted
 * before comes back (same id, same audit trail); one that exists is a 409 uniqueness.
 */
export async function createScimUser(ctx: ActionContext, body: unknown): Promise<User> {
  assertPermission(ctx.actor, 'scim:provision');
  const person = parseScimUser(body);
  return withUniquePeople(ctx, async (tx) => {
    const [existing] = await tx
      .select()
      .from(users)
      .where(
        or(eq(users.email, person.email), sql`lower(coalesce(${users.scimUserName}, ${users.email})) = ${person.userName.toLowerCase()}`),
      )
      .limit(1)
      .for('update');
    if (existing && !existing.deletedAt)
      throw new ConflictError(`A User with userName or e-mail "${existing.scimUserName ?? existing.email}" exists (id ${existing.id}).`);
    const fields = {
      email: person.email,
      name: person.name,
      role: person.role ?? ctx.config.SCIM_DEFAULT_ROLE,
      scimUserName: person.userName,
      scimExternalId: person.externalId,
      disabledAt: person.active ? null : new Date(),
    };
    const [row] = existing
      ? await tx
          .update(users)
          .set({ ...fields, deletedAt: null, version: sql`${users.version} + 1` })
          .where(and(eq(users.id, existing.id), eq(users.version, existing.version)))
          .returning()
      : await tx
          .insert(users)
          .values({ ...fields, passwordHash: NO_PASSWORD })
          .returning();
    if (!row) throw new ConflictError(`${person.email} was changed at the same time; retry.`, 'stale_version');
    await recordAudit(tx, ctx, {
      action: 'scim.user.create',
      targetType: 'user',
      targetId: row.id,
      details: {
        email: row.email,
        userName: person.userName,
        externalId: row.scimExternalId,
        role: row.role,
        active: !row.disabledAt,
        ...(existing ? { restored: true } : {}),
      },
    });
    return row;
  });
}

async function findUser(ctx: ActionContext, id: string): Promise<User> {
  if (!UUID.test(id)) throw notFound(id);
  const [row] = await ctx.db
    .select()
    .from(users)
    .where(and(eq(users.id, id), isNull(users.deletedAt)))
    .limit(1);
  if (!row) throw notFound(id);
  return row;
}

/** GET /Users/{id}. */
export async function getScimUser(ctx: ActionContext, id: string): Promise<User> {
  assertPermission(ctx.actor, 'scim:provision');
  return findUser(ctx, id);
}

/** GET /Users: a page of people (1-based startIndex), optionally filtered. */
export async function listScimUsers(
  ctx: ActionContext,
  query: { filter?: string; startIndex: number; count: number },
): Promise<{ totalResults: number; users: User[] }> {
  assertPermission(ctx.actor, 'scim:provision');
  const conditions: SQL[] = [isNull(users.deletedAt)];
  if (query.filter?.trim()) conditions.push(parseScimFilter(query.filter));
  const where = and(...conditions);
  const [counted] = await ctx.db.select({ total: sql<number>`count(*)::int` }).from(users).where(where);
  const rows =
    query.count === 0
      ? []
      : await ctx.db
          .select()
          .from(users)
          .where(where)
          .orderBy(asc(users.createdAt), asc(users.id))
          .offset(query.startIndex - 1)
          .limit(query.count);
  return { totalResults: counted?.total ?? 0, users: rows };
}

async function changePerson(
  ctx: ActionContext,
  id: string,
  next: (current: ScimPerson) => ScimPerson,
  action: string,
  version: number | undefined,
): Promise<User> {
  assertPermission(ctx.actor, 'scim:provision');
  if (!UUID.test(id)) throw notFound(id);
  return withUniquePeople(ctx, async (tx) => {
    const [current] = await tx
      .select()
      .from(users)
      .where(and(eq(users.id, id), isNull(users.deletedAt)))
      .limit(1);
    if (!current) throw notFound(id);
    const person = next(personOf(current));
    const { after } = await applyUserChanges(tx, ctx, id, {
      fields: {
        email: person.email,
        name: person.name,
        scimUserName: person.userName,
        scimExternalId: person.externalId,
        role: person.role,
      },
      disabled: !person.active,
      version,
      action,
    });
    return after;
  });
}

/** PUT /Users/{id}: the person as the provider has them now (a role left out is kept). Inactive ends their access. */
export async function replaceScimUser(ctx: ActionContext, id: string, body: unknown, version?: number): Promise<User> {
  const person = parseScimUser(body);
  return changePerson(ctx, id, (current) => ({ ...person, role: person.role ?? current.role }), 'scim.user.replace', version);
}

/** PATCH /Users/{id}: add, replace and remove operations; `active: false` ends their access at once. */
export async function patchScimUser(ctx: ActionContext, id: string, body: ScimPatchBody, version?: number): Promise<User> {
  return changePerson(ctx, id, (current) => applyScimPatch(current, body), 'scim.user.patch', version);
}

/**
 * DELETE /Users/{id}: the person is gone for SCIM (404 after), their access ends at once; the row stays
 * for the audit trail and the incidents they worked on.
 */
export async function deleteScimUser(ctx: ActionContext, id: string): Promise<void> {
  assertPermission(ctx.actor, 'scim:provision');
  if (!UUID.test(id)) throw notFound(id);
  await withUniquePeople(ctx, async (tx) => {
    await applyUserChanges(tx, ctx, id, { fields: {}, deleted: true, action: 'scim.user.delete' });
  });
}
