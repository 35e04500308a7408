import { and, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { z } from 'zod';
import { InvalidInputError, NotFoundError, assertPermission, invalidInputFromIssues, recordAudit } from '../../platform/index.ts';
import type { ActionContext, Database } from '../../platform/index.ts';
import { Matcher, checkMatcher, formatMatcher, matchesLabels, parseMatchers } from './matchers.ts';
import { silences } from './schema/silences.ts';
import type { Silence } from './schema/silences.ts';

const MAX_DURATION_MS = 366 * 24 * 3600 * 1000;

export const SilenceInput = z.object({
  /** Alertmanager matchers: a string (`service="db", severity=~"warn.*"`), strings, or API v2 objects. */
  matchers: z.union([z.string().min(1).max(10_000), z.array(z.unknown()).min(1).max(64)], {
    error: 'expected matchers as a string (service="db", severity=~"warn.*") or an array of strings and {name, value, isRegex, isEqual} objects',
  }),
  startsAt: z.coerce.date().optional(),
  endsAt: z.coerce.date(),
  /** Defaults to the caller's name. */
  createdBy: z.string().trim().min(1).max(200).optional(),
  comment: z.string().trim().min(1, 'say why (a change ticket, a maintenance window)').max(2000),
});
export type SilenceInput = z.input<typeof SilenceInput>;

export type SilenceStatus = 'pending' | 'active' | 'expired';

export function silenceStatus(silence: Silence, now: Date = new Date()): SilenceStatus {
  if (silence.endsAt.getTime() <= now.getTime()) return 'expired';
  return silence.startsAt.getTime() > now.getTime() ? 'pending' : 'active';
}

/** The silence as the API shows it: its row, its state, and its matchers in Alertmanager notation. */
export function presentSilence(silence: Silence, now: Date = new Date()) {
  return { ...silence, status: silenceStatus(silence, now), matchersText: silence.matchers.map(formatMatcher).join(', ') };
}

function toMatchers(input: z.infer<typeof SilenceInput>['matchers']): Matcher[] {
  const items = typeof input === 'string' ? [input] : input;
  const matchers = items.flatMap((item, index) => {
    if (typeof item === 'string') return parseMatchers(item);
    const parsed = Matcher.safeParse(item);
    if (!parsed.success) throw invalidInputFromIssues('matcher', parsed.error.issues.map((issue) => ({ ...issue, path: ['matchers', index, ...issue.path] })));
    return [checkMatcher(parsed.data)];
  });
  if (matchers.length === 0) throw new InvalidInputError('matchers: at least one matcher is required.');
  // As Alertmanager insists: a silence whose every matcher matches the empty string would mute everything.
  if (matchers.every((matcher) => matchesLabels(matcher, {}))) {
    throw new InvalidInputError('matchers: at least one matcher must not match the empty string, or the silence would mute every alert.');
  }
  return matchers;
}

/** Creates a silence (maintenance window); audited. Alerts that fire while it is active join and page nothing. */
export async function createSilence(ctx: ActionContext, rawInput: SilenceInput): Promise<Silence> {
  assertPermission(ctx.actor, 'silences:write');
  const input = SilenceInput.parse(rawInput);
  const matchers = toMatchers(input.matchers);
  const now = new Date();
  const startsAt = input.startsAt ?? now;
  if (input.endsAt.getTime() <= startsAt.getTime()) throw new InvalidInputError('endsAt: must be after startsAt.');
  if (input.endsAt.getTime() <= now.getTime()) throw new InvalidInputError('endsAt: must be in the future.');
  if (input.endsAt.getTime() - startsAt.getTime() > MAX_DURATION_MS) throw new InvalidInputError('endsAt: a silence lasts at most 366 days.');
  return ctx.db.transaction(async (tx) => {
    const [silence] = await tx
      .insert(silences)
      .values({ matchers, startsAt, endsAt: input.endsAt, createdBy: input.createdBy ?? ctx.actor.name, comment: input.comment })
      .returning();
    if (!silence) throw new Error('silence insert returned no row');
    await recordAudit(tx, ctx, {
      action: 'alerts.silence.create',
      targetType: 'silence',
      targetId: silence.id,
      details: { matchers: matchers.map(formatMatcher), startsAt: startsAt.toISOString(), endsAt: input.endsAt.toISOString(), comment: input.comment },
    });
    return silence;
  });
}

/** Ends a silence now (Alertmanager's expire); expiring an expired one changes nothing. Audited. */
export async function expireSilence(ctx: ActionContext, id: string): Promise<Silence> {
  assertPermission(ctx.actor, 'silences:write');
  if (!z.uuid().safeParse(id).success) throw new NotFoundError(`No silence "${id}".`);
  return ctx.db.transaction(async (tx) => {
    const now = new Date();
    const [current] = await tx.select().from(silences).where(eq(silences.id, id)).for('update');
    if (!current) throw new NotFoundError(`No silence "${id}".`);
    if (silenceStatus(current, now) === 'expired') return current;
    const [expired] = await tx
      .update(silences)
      .set({ endsAt: now, updatedAt: now, ...(current.startsAt.getTime() > now.getTime() ? { startsAt: now } : {}) })
      .where(eq(silences.id, id))
      .returning();
    if (!expired) throw new NotFoundError(`No silence "${id}".`);
    await recordAudit(tx, ctx, { action: 'alerts.silence.expire', targetType: 'silence', targetId: id, details: { matchers: current.matchers.map(formatMatcher) } });
    return expired;
  });
}

export const SilenceListQuery = z.object({
  status: z.enum(['pending', 'active', 'expired', 'all']).default('all'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type SilenceListQuery = z.input<typeof SilenceListQuery>;

/** Silences, latest ending first. */
export async function listSilences(db: Database, rawQuery: SilenceListQuery): Promise<Silence[]> {
  const query = SilenceListQuery.parse(rawQuery);
  const now = new Date();
  const conditions: Record<SilenceListQuery['status'] & string, SQL | undefined> = {
    all: undefined,
    pending: gt(silences.startsAt, now),
    active: and(lte(silences.startsAt, now), gt(silences.endsAt, now)),
    expired: lte(silences.endsAt, now),
  };
  return db
    .select()
    .from(silences)
    .where(conditions[query.status])
    .orderBy(desc(silences.endsAt), desc(sql`${silences.createdAt}`))
    .limit(query.limit);
}

export async function getSilence(db: Database, id: string): Promise<Silence> {
  const [silence] = z.uuid().safeParse(id).success ? await db.select().from(silences).where(eq(silences.id, id)) : [];
  if (!silence) throw new NotFoundError(`No silence "${id}".`);
  return silence;
}
