import type { Database } from '../platform/index.ts';
import type { IncidentChange } from './incident-change.ts';

/**
 * Records, in the caller's transaction, the messages an incident change owes (Slack, pages, e-mail).
 * Delivery happens later through the outbox worker.
 */
export async function notifyIncidentChange(_tx: Database, _change: IncidentChange): Promise<void> {
  // The outbox and its routing rules arrive with the notifier (issue 6); until then nothing is owed.
}
