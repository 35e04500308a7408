import type { Database } from '../../../platform/index.ts';
import { cancelTimers, scheduleTimer } from '../../../platform/index.ts';
import type { Heartbeat } from './schema/heartbeats.ts';

export const HEARTBEAT_TIMER = 'alerts.heartbeat';

/** When the heartbeat counts as missed: interval plus grace after it was last heard (or created). */
export function silentAfter(heartbeat: Pick<Heartbeat, 'lastHeardAt' | 'createdAt' | 'intervalSeconds' | 'graceSeconds'>): Date {
  const from = heartbeat.lastHeardAt ?? heartbeat.createdAt;
  return new Date(from.getTime() + (heartbeat.intervalSeconds + heartbeat.graceSeconds) * 1000);
}

/**
 * Arms the heartbeat's timer at `dueAt`. A timer that fired stays fired, so each arming is a timer of
 * its own (keyed by its due time); hearing a heartbeat does not move it: the timer, when due, looks at
 * when it was last heard and arms the next one (see checkHeartbeat), so a heard batch writes one row.
 */
export async function armHeartbeat(tx: Database, heartbeatId: string, dueAt: Date): Promise<void> {
  await scheduleTimer(tx, { kind: HEARTBEAT_TIMER, key: `${heartbeatId}:${dueAt.getTime()}`, dueAt, payload: { heartbeatId } });
}

/** Cancels the heartbeat's pending timers (it was changed or removed). */
export async function disarmHeartbeat(tx: Database, heartbeatId: string): Promise<void> {
  await cancelTimers(tx, HEARTBEAT_TIMER, `${heartbeatId}:`);
}
