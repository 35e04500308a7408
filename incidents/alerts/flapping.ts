/** What an alert row keeps to tell whether it flaps (see docs/alerts.md, "Flapping"). */
export interface FlapState {
  flapCount: number;
  flapWindowStart: Date | null;
  lastChangeAt: Date | null;
  flappingSince: Date | null;
  flapNotifiedAt: Date | null;
}

export const NOT_FLAPPING: FlapState = {
  flapCount: 0,
  flapWindowStart: null,
  lastChangeAt: null,
  flappingSince: null,
  flapNotifiedAt: null,
};

export interface FlapSettings {
  /** More state changes than this within the window: flapping. */
  threshold: number;
  windowMs: number;
}

/**
 * One state change of an alert (fired, resolved, re-fired), counted within a window that starts at
 * the first change after the previous window ended. A flapping alert stays flapping until it settles
 * (no change for a whole window, see settleFlappingAlerts); while it flaps, one change per window is
 * told (`flapping`) and the others are `held`.
 */
export function countStateChange(
  previous: FlapState,
  now: Date,
  settings: FlapSettings,
): { next: FlapState; flap: 'held' | 'flapping' | null } {
  const at = now.getTime();
  const windowOver = previous.flapWindowStart === null || at - previous.flapWindowStart.getTime() >= settings.windowMs;
  const flapCount = windowOver ? 1 : previous.flapCount + 1;
  const flapWindowStart = windowOver ? now : previous.flapWindowStart;
  const flappingSince = previous.flappingSince ?? (flapCount > settings.threshold ? now : null);
  if (flappingSince === null)
    return { next: { flapCount, flapWindowStart, lastChangeAt: now, flappingSince, flapNotifiedAt: null }, flap: null };
  const held = previous.flapNotifiedAt !== null && at - previous.flapNotifiedAt.getTime() < settings.windowMs;
  return {
    next: { flapCount, flapWindowStart, lastChangeAt: now, flappingSince, flapNotifiedAt: held ? previous.flapNotifiedAt : now },
    flap: held ? 'held' : 'flapping',
  };
}
