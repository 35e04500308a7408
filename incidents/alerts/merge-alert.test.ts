import { describe, expect, it } from 'vitest';
import type { AlertState, Delivery } from './merge-alert.ts';
import { mergeAlert } from './merge-alert.ts';

const at = (iso: string) => new Date(`2030-01-01T${iso}Z`);
const now = at('10:00:00');

function delivery(startsAt: string, endsAt: string | null, extra: Partial<Delivery> = {}): Delivery {
  return {
    startsAt: at(startsAt),
    endsAt: endsAt === null ? null : at(endsAt),
    endsAtIsTimeout: false,
    annotations: { summary: 's' },
    generatorUrl: null,
    severity: 'sev1',
    ...extra,
  };
}

function stored(status: AlertState['status'], startsAt: string, endsAt: string | null, extra: Partial<AlertState> = {}): AlertState {
  return { status, ...delivery(startsAt, endsAt), ...extra };
}

describe('mergeAlert (Alertmanager merge rules)', () => {
  it('a new firing alert fires; a new resolved one is only recorded', () => {
    expect(mergeAlert(undefined, delivery('09:50:00', '10:04:00'), now)).toMatchObject({
      change: 'transition',
      events: [{ type: 'fired' }],
      next: { status: 'firing' },
    });
    expect(mergeAlert(undefined, delivery('09:50:00', '09:55:00'), now)).toMatchObject({
      change: 'transition',
      events: [],
      next: { status: 'resolved' },
    });
  });

  it('the same heartbeat again is unchanged; a later endsAt is a refresh; the earliest startsAt stays', () => {
    const current = stored('firing', '09:50:00', '10:04:00');
    expect(mergeAlert(current, delivery('09:50:00', '10:04:00'), now).change).toBe('unchanged');
    const later = mergeAlert(current, delivery('09:50:05', '10:05:00'), now);
    expect(later).toMatchObject({ change: 'refresh', events: [] });
    expect(later.next.startsAt).toEqual(at('09:50:00'));
    expect(later.next.endsAt).toEqual(at('10:05:00'));
    // An HA twin with an older endsAt does not pull it back.
    expect(mergeAlert(current, delivery('09:50:00', '10:03:00'), now).change).toBe('unchanged');
  });

  it("an endsAt from the resolve timeout yields to the sender's own", () => {
    const current = stored('firing', '09:50:00', '10:05:00', { endsAtIsTimeout: true });
    const merged = mergeAlert(current, delivery('09:50:00', '10:03:00'), now);
    expect(merged.next).toMatchObject({ endsAt: at('10:03:00'), endsAtIsTimeout: false });
  });

  it('a resolution ends the episode; a stale one from an earlier episode is ignored', () => {
    const current = stored('firing', '09:50:00', '10:04:00');
    expect(mergeAlert(current, delivery('09:50:00', '09:59:00'), now)).toMatchObject({
      change: 'transition',
      events: [{ type: 'resolved', at: at('09:59:00') }],
      next: { status: 'resolved' },
    });
    expect(mergeAlert(current, delivery('09:30:00', '09:40:00'), now).change).toBe('unchanged');
  });

  it('a firing delivery after the episode ended re-fires with its own startsAt', () => {
    const resolved = stored('resolved', '09:30:00', '09:40:00');
    const refired = mergeAlert(resolved, delivery('09:55:00', '10:04:00'), now);
    expect(refired).toMatchObject({
      change: 'transition',
      events: [{ type: 'refired', previousEnd: at('09:40:00') }],
      next: { status: 'firing', startsAt: at('09:55:00') },
    });
    // A firing row whose endsAt passed unseen by the expiry job: expired (nobody resolved it), then re-fired.
    const lapsed = stored('firing', '09:30:00', '09:40:00');
    expect(mergeAlert(lapsed, delivery('09:55:00', '10:04:00'), now).events.map((event) => event.type)).toEqual(['expired', 'refired']);
  });

  it('an expired alert is not resolved: its sender coming back re-fires it, a resolution recovers it', () => {
    const expired = stored('expired', '09:30:00', '09:40:00');
    // The same episode again (an Alertmanager restarted re-sends what it holds, same startsAt).
    expect(mergeAlert(expired, delivery('09:30:00', null), now)).toMatchObject({
      change: 'transition',
      events: [{ type: 'refired', previousEnd: at('09:40:00') }],
      next: { status: 'firing', endsAt: null },
    });
    expect(mergeAlert(expired, delivery('09:30:00', '09:58:00'), now)).toMatchObject({
      change: 'transition',
      events: [{ type: 'resolved', at: at('09:58:00') }],
      next: { status: 'resolved', endsAt: at('09:58:00') },
    });
    // A stale resolution of an earlier episode leaves it expired.
    expect(mergeAlert(expired, delivery('09:00:00', '09:10:00'), now).change).toBe('unchanged');
  });

  it('webhook alerts fire with no endsAt until a resolution arrives', () => {
    const firing = mergeAlert(undefined, delivery('09:50:00', null), now);
    expect(firing.next).toMatchObject({ status: 'firing', endsAt: null });
    expect(mergeAlert(firing.next, delivery('09:50:00', null), now).change).toBe('unchanged');
  });
});
