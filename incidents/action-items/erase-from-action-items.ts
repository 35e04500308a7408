import type { Database, ErasureChange, ErasureSubject } from '../../platform/index.ts';
import { eraseSubjectIn } from '../../platform/index.ts';

/** Replaces a data subject's mentions in action items, owners included (an erasure, see incidents/privacy). */
export function eraseSubjectFromActionItems(tx: Database, subject: ErasureSubject): Promise<ErasureChange> {
  return eraseSubjectIn(
    tx,
    { table: 'action_items', key: 'id', text: ['title', 'description', 'owner_name', 'created_by_name'], json: [] },
    subject,
  );
}
