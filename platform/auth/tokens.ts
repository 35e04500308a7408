import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { Database } from '../database/index.ts';
import { epochMs, preparedStatement } from '../database/index.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { ApiToken } from '../schema/api-tokens.ts';
import { apiTokens } from '../schema/api-tokens.ts';
import { type ActionContext, type Actor, assertPermission } from './actor.ts';
import type { Role } from './roles.ts';
import { permissionsOf, ROLES } from './roles.ts';

const TOKEN_PREFIX = 'fbk_';
const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;
// last_used_at is a hint for people, not a ledger: writing it on every request would double the writes.
const LAST_USED_RESOLUTION_MS = 60_000;

export const TokenInput = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
});
export type TokenInput = z.infer<typeof TokenInput>;

export interface TokenSummary {
  id: string;
  name: string;
  role: ApiToken['role'];
  prefix: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** The person the token acts for; null for a service token. */
  ownerUserId: string | null;
  /** 'person' acts as its owner (four eyes count it as them); 'service' belongs to nobody and never approves. */
  kind: 'person' | 'service';
}

/** A new random token: 32 bytes of entropy, base64url, with a recognisable prefix. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function summarize(token: ApiToken): TokenSummary {
  const { tokenHash: _hash, ...summary } = token;
  return { ...summary, kind: token.ownerUserId ? 'person' : 'service' };
}

/**
 * Stores a token's hash; answers the summary and the token itself, which is never shown again. The
 * token belongs to the person creating it (a token made with a person's token belongs to that person
 * too); one made by Firebreak itself (the CLI, the bootstrap) is a service token unless `owner` names
 * a user.
 */
export async function createToken(
  ctx: ActionContext,
  input: TokenInput,
  presetToken?: string,
  options: { owner?: string | null } = {},
): Promise<{ token: string; summary: TokenSummary }> {
  assertPermission(ctx.actor, 'tokens:manage');
  const token = presetToken ?? generateToken();
  const ownerUserId = ctx.actor.userId ?? options.owner ?? null;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({
        name: input.name,
        role: input.role,
        tokenHash: hashToken(token),
        prefix: token.slice(0, DISPLAY_PREFIX_LENGTH),
        createdBy: ctx.actor.name,
        ownerUserId,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new ConflictError('That token value is already in use.');
    await recordAudit(tx, ctx, {
      action: 'tokens.token.create',
      targetType: 'api_token',
      targetId: row.id,
      details: { name: row.name, role: row.role, prefix: row.prefix, owner: row.ownerUserId },
    });
    return { token, summary: summarize(row) };
  });
}

export async function listTokens(ctx: ActionContext): Promise<TokenSummary[]> {
  assertPermission(ctx.actor, 'tokens:manage');
  const rows = await ctx.db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt));
  return rows.map(summarize);
}

/** Revokes by id or by name; the next request with that token is refused. */
/**
 * Revokes the live token with this id, or every live token with this name; each one revoked has its
 * own audit entry. Answers the first, with how many were revoked.
 */
export async function revokeToken(ctx: ActionContext, idOrName: string): Promise<TokenSummary & { revokedCount: number }> {
  assertPermission(ctx.actor, 'tokens:manage');
  const isUuid = z.uuid().safeParse(idOrName).success;
  return ctx.db.transaction(async (tx) => {
    const match = isUuid ? eq(apiTokens.id, idOrName) : eq(apiTokens.name, idOrName);
    const rows = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(match, isNull(apiTokens.revokedAt)))
      .returning();
    const [first] = rows;
    if (!first) throw new NotFoundError(`No live token with id or name "${idOrName}".`);
    for (const row of rows) {
      await recordAudit(tx, ctx, {
        action: 'tokens.token.revoke',
        targetType: 'api_token',
        targetId: row.id,
        details: { name: row.name, role: row.role, ...(rows.length > 1 ? { revokedTogether: rows.length } : {}) },
      });
    }
    return { ...summarize(first), revokedCount: rows.length };
  });
}

// Every API request and every ingest delivery looks its token up: a prepared statement, not a query built each time.
// A person's token stops with their account: a disabled owner's tokens are refused.
const selectLiveToken = preparedStatement<
  [tokenHash: string],
  { id: string; name: string; role: Role; last_used_at: number | null; owner_user_id: string | null }
>(`
  select t.id::text as id, t.name, t.role, ${epochMs('t.last_used_at')} as last_used_at, t.owner_user_id::text as owner_user_id
  from api_tokens t left join users u on u.id = t.owner_user_id
  where t.token_hash = $1 and t.revoked_at is null and (t.owner_user_id is null or u.disabled_at is null) limit 1`);

/** The actor a bearer token stands for, or null when it is unknown or revoked. */
export async function authenticateToken(db: Database, token: string): Promise<Actor | null> {
  if (!token.startsWith(TOKEN_PREFIX) && token.length < 32) return null;
  const [row] = await selectLiveToken(db, hashToken(token));
  if (!row) return null;
  const now = Date.now();
  if (row.last_used_at === null || now - row.last_used_at > LAST_USED_RESOLUTION_MS) {
    const stale = new Date(now - LAST_USED_RESOLUTION_MS);
    await db
      .update(apiTokens)
      .set({ lastUsedAt: new Date(now) })
      .where(and(eq(apiTokens.id, row.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, stale))));
  }
  return {
    kind: 'token',
    id: row.id,
    name: row.name,
    role: row.role,
    permissions: permissionsOf(row.role),
    ...(row.owner_user_id ? { userId: row.owner_user_id } : {}),
  };
}

/** True when some live admin token exists. */
export async function hasLiveAdminToken(db: Database): Promise<boolean> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(apiTokens)
    .where(and(eq(apiTokens.role, 'admin'), isNull(apiTokens.revokedAt)));
  return (row?.count ?? 0) > 0;
}
