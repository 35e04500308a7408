import type { Database, ErasureChange, ErasureSubject } from '../../../platform/index.ts';
import { eraseSubjectIn } from '../../../platform/index.ts';

/** Replaces a data subject's mentions in breach notices and their recipients, names and addresses (an erasure, see incidents/privacy). */
export async function eraseSubjectFromNotices(tx: Database, subject: ErasureSubject): Promise<ErasureChange[]> {
  return [
    await eraseSubjectIn(
      tx,
      { table: 'breach_notices', key: 'id', text: ['subject', 'greeting', 'drafted_by', 'approved_by', 'sent_by'], json: ['sections'] },
      subject,
    ),
    await eraseSubjectIn(tx, { table: 'breach_notice_recipients', key: 'id', text: ['name', 'email'] }, subject),
  ];
}
