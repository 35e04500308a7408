import type { Database, ErasureChange, ErasureSubject } from '../../platform/index.ts';
import { eraseSubjectIn } from '../../platform/index.ts';

/** Replaces a data subject's mentions in notes and every revision of them, in place (an erasure, see incidents/privacy). */
export async function eraseSubjectFromNotes(tx: Database, subject: ErasureSubject): Promise<ErasureChange[]> {
  return [
    await eraseSubjectIn(tx, { table: 'incident_notes', key: 'id', text: ['author_name'] }, subject),
    await eraseSubjectIn(tx, { table: 'note_revisions', key: 'id', text: ['text', 'edited_by_name'] }, subject),
  ];
}
