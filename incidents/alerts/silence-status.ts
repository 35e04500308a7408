import { formatMatcher } from './matchers.ts';
import type { Silence } from './schema/silences.ts';

export type SilenceStatus = 'pending' | 'active' | 'expired';

export function silenceStatus(silence: Silence, now: Date = new Date()): SilenceStatus {
  if (silence.endsAt.getTime() <= now.getTime()) return 'expired';
  return silence.startsAt.getTime() > now.getTime() ? 'pending' : 'active';
}

/** The silence as the API shows it: its row, its state, and its matchers in Alertmanager notation. */
export function presentSilence(silence: Silence, now: Date = new Date()) {
  return { ...silence, status: silenceStatus(silence, now), matchersText: silence.matchers.map(formatMatcher).join(', ') };
}
