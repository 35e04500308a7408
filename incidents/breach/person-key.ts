import type { Actor } from '../../platform/index.ts';

/** Who a person is across tokens and sessions: the user id when known, else the token or Slack identity. */
export function personKey(actor: Actor): string {
  return actor.userId ? `user:${actor.userId}` : `${actor.kind}:${actor.id}`;
}
