import type { Database, ErasureChange, ErasureSubject } from '../../platform/index.ts';
import { eraseSubjectIn } from '../../platform/index.ts';

/** Replaces a data subject's name where they held or handed over an incident role (an erasure, see incidents/privacy). */
export function eraseSubjectFromRoles(tx: Database, subject: ErasureSubject): Promise<ErasureChange> {
  return eraseSubjectIn(
    tx,
    { table: 'incident_roles', key: 'id', text: ['name', 'assigned_by_name', 'released_by_name'], json: [] },
    subject,
  );
}
