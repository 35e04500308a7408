import { SYSTEM_ACTOR } from '../../platform/index.ts';
import type { Database } from '../../platform/index.ts';
import { receiveAlerts } from '../alerts/receive-alerts.ts';
import type { SloBurnAlert } from './evaluate-slos.ts';

/**
 * SLO burns take the alert path (receiveAlerts) so that they get the same correlation into incidents,
 * silences and notifications as any alert; the alert's source says they came from an SLO.
 */
export async function raiseSloAlerts(tx: Database, alerts: SloBurnAlert[], now: Date): Promise<void> {
  await receiveAlerts(tx, SYSTEM_ACTOR, alerts, { source: 'slo', now });
}
