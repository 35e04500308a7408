import type { Database, ErasureChange, ErasureSubject } from '../../platform/index.ts';
import { eraseSubjectIn } from '../../platform/index.ts';

/** Replaces a data subject's mentions in timeline events, in place: same rows, same order (an erasure, see incidents/privacy). */
export function eraseSubjectFromTimeline(tx: Database, subject: ErasureSubject): Promise<ErasureChange> {
  return eraseSubjectIn(tx, { table: 'timeline_events', key: 'id', text: ['actor_name'], json: ['data'] }, subject);
}
