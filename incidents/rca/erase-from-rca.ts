import type { Database, ErasureChange, ErasureSubject } from '../../platform/index.ts';
import { eraseSubjectIn } from '../../platform/index.ts';

/** Replaces a data subject's mentions in root-cause analyses (an erasure, see incidents/privacy). */
export function eraseSubjectFromRcas(tx: Database, subject: ErasureSubject): Promise<ErasureChange> {
  return eraseSubjectIn(
    tx,
    {
      table: 'root_cause_analyses',
      key: 'incident_id',
      text: ['summary', 'impact', 'timeline_excerpt', 'lessons_learned', 'author_name', 'approved_by_name'],
      json: ['root_causes', 'contributing_factors', 'five_whys'],
    },
    subject,
  );
}
