import { z } from 'zod';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, InvalidInputError, invalidInputFromIssues, recordAudit } from '../../platform/index.ts';
import { checkMatcher, formatMatcher, Matcher, matchesLabels, parseMatchers } from './matchers.ts';
import type { Silence } from './schema/silences.ts';
import { silences } from './schema/silences.ts';

const MAX_DURATION_MS = 366 * 24 * 3600 * 1000;

export const SilenceInput = z.object({
  /** Alertmanager matchers: a string (`service="db", severity=~"warn.*"`), strings, or API v2 objects. */
  matchers: z.union([z.string().min(1).max(10_000), z.array(z.unknown()).min(1).max(64)], {
    error:
      'expected matchers as a string (service="db", severity=~"warn.*") or an array of strings and {name, value, isRegex, isEqual} objects',
  }),
  startsAt: z.coerce.date().optional(),
  endsAt: z.coerce.date(),
  /** Defaults to the caller's name. */
  createdBy: z.string().trim().min(1).max(200).optional(),
  comment: z.string().trim().min(1, 'say why (a change ticket, a maintenance window)').max(2000),
});
export type SilenceInput = z.input<typeof SilenceInput>;

function toMatchers(input: z.infer<typeof SilenceInput>['matchers']): Matcher[] {
  const items = typeof input === 'string' ? [input] : input;
  const matchers = items.flatMap((item, index) => {
    if (typeof item === 'string') return parseMatchers(item);
    const parsed = Matcher.safeParse(item);
    if (!parsed.success)
      throw invalidInputFromIssues(
        'matcher',
        parsed.error.issues.map((issue) => ({ ...issue, path: ['matchers', index, ...issue.path] })),
      );
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
  if (input.endsAt.getTime() - startsAt.getTime() > MAX_DURATION_MS)
    throw new InvalidInputError('endsAt: a silence lasts at most 366 days.');
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
      details: {
        matchers: matchers.map(formatMatcher),
        startsAt: startsAt.toISOString(),
        endsAt: input.endsAt.toISOString(),
        comment: input.comment,
      },
    });
    return silence;
  });
}
