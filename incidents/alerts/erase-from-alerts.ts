import type { Database, ErasureChange, ErasureSubject } from '../../platform/index.ts';
import { eraseSubjectIn } from '../../platform/index.ts';

/** Replaces a data subject's mentions in alert labels and annotations (an erasure, see incidents/privacy). */
export function eraseSubjectFromAlerts(tx: Database, subject: ErasureSubject): Promise<ErasureChange> {
  return eraseSubjectIn(tx, { table: 'alerts', key: 'id', text: [], json: ['labels', 'annotations'] }, subject);
}
