import { and, asc, desc, eq, gte, isNull, like, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../auth/actor.ts';
import { assertPermission } from '../auth/actor.ts';
import type { Role } from '../auth/roles.ts';
import { queryRows } from '../database/index.ts';
import type { AccessReview } from '../schema/access-reviews.ts';
import { accessReviews } from '../schema/access-reviews.ts';
import { apiTokens } from '../schema/api-tokens.ts';
import { auditEntries } from '../schema/audit-entries.ts';
import type { Elevation } from '../schema/elevations.ts';
import { elevations } from '../schema/elevations.ts';
import { identityProviders } from '../schema/identity-providers.ts';
import { timers } from '../schema/timers.ts';
import { users } from '../schema/users.ts';
import { lastLogins, loginMethodOf, mfaOf } from './last-logins.ts';
import { ACCESS_REVIEW_TIMER } from './review-reminder.ts';

export const AccessReviewQuery = z.object({
  /** Start of the period (elevations and changes since then); default: the last review, or ACCESS_REVIEW_DAYS ago. */
  since: z.iso.datetime({ offset: true }).optional(),
});
export type AccessReviewQuery = z.infer<typeof AccessReviewQuery>;

export interface ReviewedPerson {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: 'active' | 'disabled';
  /** How they log in: "password" (local password), or the SSO provider's name. */
  login: string;
  mfa: 'totp' | 'identity provider' | 'none';
  lastLoginAt: Date | null;
  lastLoginMethod: string | null;
  createdAt: Date;
}

export interface ReviewedToken {
  id: string;
  name: string;
  role: Role;
  kind: 'person' | 'service';
  ownerUserId: string | null;
  ownerName: string | null;
  status: 'active' | 'revoked';
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface ReviewedChange {
  position: number;
  at: Date;
  actorName: string;
  actorType: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

export interface AccessReviewReport {
  since: Date;
  until: Date;
  people: ReviewedPerson[];
  tokens: ReviewedToken[];
  /** Elevations asked for in the period, with how many audited actions were taken under each. */
  elevations: (Elevation & { actionsTaken: number })[];
  /** Audit entries about people, tokens, roles, elevations and reviews in the period, oldest first. */
  changes: ReviewedChange[];
  lastReview: AccessReview | null;
  /** The reviews recorded, newest first (the last 20). */
  reviews: AccessReview[];
  nextReviewDueAt: Date;
}

/** Who has access and how, what changed in the period, and when the next review is due. */
export async function buildAccessReview(ctx: ActionContext, query: AccessReviewQuery): Promise<AccessReviewReport> {
  assertPermission(ctx.actor, 'users:manage');
  const { db } = ctx;
  const until = new Date();
  const reviews = await db.select().from(accessReviews).orderBy(desc(accessReviews.reviewedAt)).limit(20);
  const lastReview = reviews[0] ?? null;
  const since = query.since
    ? new Date(query.since)
    : (lastReview?.reviewedAt ?? new Date(until.getTime() - ctx.config.ACCESS_REVIEW_DAYS * 86_400_000));
  const [people, tokens, logins, elevationRows, changes, reminder, providers] = await Promise.all([
    db.select().from(users).orderBy(asc(users.name), asc(users.email)),
    db
      .select({ token: apiTokens, ownerName: users.name })
      .from(apiTokens)
      .leftJoin(users, eq(users.id, apiTokens.ownerUserId))
      .orderBy(asc(apiTokens.name), asc(apiTokens.createdAt)),
    lastLogins(db),
    db.select().from(elevations).where(gte(elevations.requestedAt, since)).orderBy(desc(elevations.requestedAt)),
    db
      .select()
      .from(auditEntries)
      .where(
        and(
          gte(auditEntries.at, since),
          or(
            like(auditEntries.action, 'users.%'),
            like(auditEntries.action, 'tokens.%'),
            like(auditEntries.action, 'auth.elevation.%'),
            like(auditEntries.action, 'access.%'),
            eq(auditEntries.action, 'auth.totp.enrol'),
          ),
        ),
      )
      .orderBy(asc(auditEntries.position))
      .limit(5000),
    db
      .select({ dueAt: timers.dueAt })
      .from(timers)
      .where(and(eq(timers.kind, ACCESS_REVIEW_TIMER), isNull(timers.firedAt), isNull(timers.cancelledAt)))
      .orderBy(asc(timers.dueAt))
      .limit(1),
    db.select({ id: identityProviders.id, name: identityProviders.name }).from(identityProviders),
  ]);
  const providerNames = new Map(providers.map((provider) => [provider.id, provider.name]));
  const counts = await queryRows<{ id: string; actions: number }>(
    db,
    sql`select details->'elevation'->>'id' as id, count(*)::int as actions from audit_entries
        where at >= ${since} and details->'elevation' is not null group by 1`,
  );
  const actionsUnder = new Map(counts.map((row) => [row.id, Number(row.actions)]));
  const dayMs = 86_400_000;
  return {
    since,
    until,
    people: people.map((person) => ({
      id: person.id,
      name: person.name,
      email: person.email,
      role: person.role,
      status: person.disabledAt ? 'disabled' : 'active',
      login: loginMethodOf(person, providerNames),
      mfa: mfaOf(person),
      lastLoginAt: person.lastLoginAt ?? logins.get(person.id)?.at ?? null,
      lastLoginMethod: person.lastLoginMethod ?? logins.get(person.id)?.method ?? null,
      createdAt: person.createdAt,
    })),
    tokens: tokens.map(({ token, ownerName }) => ({
      id: token.id,
      name: token.name,
      role: token.role,
      kind: token.ownerUserId ? 'person' : 'service',
      ownerUserId: token.ownerUserId,
      ownerName: ownerName ?? null,
      status: token.revokedAt ? 'revoked' : 'active',
      createdAt: token.createdAt,
      lastUsedAt: token.lastUsedAt,
      revokedAt: token.revokedAt,
    })),
    elevations: elevationRows.map((elevation) => ({ ...elevation, actionsTaken: actionsUnder.get(elevation.id) ?? 0 })),
    changes: changes.map((entry) => ({
      position: entry.position,
      at: entry.at,
      actorName: entry.actorName,
      actorType: entry.actorType,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      details: entry.details,
    })),
    lastReview,
    reviews,
    nextReviewDueAt: reminder[0]?.dueAt ?? new Date((lastReview?.reviewedAt ?? until).getTime() + ctx.config.ACCESS_REVIEW_DAYS * dayMs),
  };
}
