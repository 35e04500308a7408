import type { Database, ErasureChange, ErasureSubject } from '../platform/index.ts';
import { eraseSubjectIn } from '../platform/index.ts';

/** Replaces a data subject's mentions in the outbox: the delivery records of messages sent, queued or failed (an erasure). */
export function eraseSubjectFromOutbox(tx: Database, subject: ErasureSubject): Promise<ErasureChange> {
  return eraseSubjectIn(tx, { table: 'outbox_messages', key: 'id', text: ['last_error'], json: ['payload', 'result'] }, subject);
}
