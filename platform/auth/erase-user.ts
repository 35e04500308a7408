import { sql } from 'drizzle-orm';
import type { Database } from '../database/index.ts';
import type { ErasureChange, ErasureSubject } from '../text/index.ts';
import { eraseSubjectIn } from '../text/index.ts';

/**
 * Replaces a data subject's name and e-mail in user accounts and disables the accounts they matched,
 * ending their sessions: an erased person can no longer log in as themselves (an erasure).
 */
export async function eraseSubjectFromUsers(tx: Database, subject: ErasureSubject): Promise<ErasureChange> {
  const change = await eraseSubjectIn(tx, { table: 'users', key: 'id', text: ['name', 'email', 'slack_user_id'] }, subject);
  if (!subject.dryRun && change.ids.length) {
    const ids = sql.join(
      change.ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    );
    await tx.execute(sql`update users set disabled_at = coalesce(disabled_at, now()) where id in (${ids})`);
    await tx.execute(sql`delete from sessions where user_id in (${ids})`);
  }
  return change;
}
