import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { eraseSubjectFromOutbox } from '../../notifier/index.ts';
import type { ActionContext, ErasureChange, ErasureSubject } from '../../platform/index.ts';
import { allowErasure, assertPermission, eraseSubjectFromUsers, queryRows, recordAudit } from '../../platform/index.ts';
import { eraseSubjectFromActionItems } from '../action-items/index.ts';
import { eraseSubjectFromAlerts } from '../alerts/index.ts';
import { eraseSubjectFromNotices } from '../breach/index.ts';
import { eraseSubjectFromIncidents } from '../incident-writes.ts';
import { eraseSubjectFromNotes } from '../notes/index.ts';
import { eraseSubjectFromRcas } from '../rca/index.ts';
import { eraseSubjectFromRoles } from '../roles/index.ts';
import { eraseSubjectFromTimeline } from '../timeline/index.ts';

export const ErasureInput = z
  .object({
    email: z.email().max(320).optional().meta({ description: 'The person’s e-mail address' }),
    name: z
      .string()
      .trim()
      .min(3, 'a name of at least 3 characters (a shorter one would match too much)')
      .max(200)
      .optional()
      .meta({ description: 'The person’s name, matched as whole words, case-insensitively' }),
    dryRun: z.boolean().default(true).meta({ description: 'Only report where the person appears (the default); false erases' }),
  })
  .refine((input) => input.email || input.name, { message: 'give the person’s email or name (or both)', path: ['email'] });
export type ErasureInput = z.input<typeof ErasureInput>;

export interface ErasureReport {
  /** E<n>: the n-th erasure applied on this install (what the tombstone names). */
  erasure: string;
  dryRun: boolean;
  tombstone: string;
  /** Per table: rows that named the person (a dry run: would be changed), and their ids. */
  changes: ErasureChange[];
  total: number;
}

// Serializes erasures so that each gets the next number.
const ERASURE_LOCK = 4_201_118;

/**
 * A data-subject erasure: finds where the person appears (incidents, timeline text, notes and every
 * revision, RCAs, action items and their owners, incident roles, breach notices and recipients, the
 * outbox's delivery records, alert labels and annotations, user accounts) and replaces each mention
 * with a tombstone, in one transaction, keeping every row and its order. The audit trail is not
 * rewritten (its hash chain is evidence); the erasure records itself there, without the person's
 * identifiers. A dry run only reports.
 */
export async function erasePerson(ctx: ActionContext, input: ErasureInput, now: Date = new Date()): Promise<ErasureReport> {
  assertPermission(ctx.actor, 'privacy:erase');
  const parsed = ErasureInput.parse(input);
  const identifiers = [parsed.email, parsed.name].filter((value): value is string => Boolean(value));
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ERASURE_LOCK})`);
    const [done] = await queryRows<{ count: number }>(
      tx,
      sql`select count(*)::int as count from audit_entries where action = 'privacy.erasure.apply'`,
    );
    const erasure = `E${Number(done?.count ?? 0) + 1}`;
    const tombstone = `[erased ${now.toISOString().slice(0, 10)} #${erasure}]`;
    const subject: ErasureSubject = { identifiers, tombstone, dryRun: parsed.dryRun };
    if (!parsed.dryRun) await allowErasure(tx);
    const changes = [
      await eraseSubjectFromIncidents(tx, subject),
      await eraseSubjectFromTimeline(tx, subject),
      ...(await eraseSubjectFromNotes(tx, subject)),
      await eraseSubjectFromRcas(tx, subject),
      await eraseSubjectFromActionItems(tx, subject),
      await eraseSubjectFromRoles(tx, subject),
      ...(await eraseSubjectFromNotices(tx, subject)),
      await eraseSubjectFromOutbox(tx, subject),
      await eraseSubjectFromAlerts(tx, subject),
      await eraseSubjectFromUsers(tx, subject),
    ];
    const report: ErasureReport = {
      erasure,
      dryRun: parsed.dryRun,
      tombstone,
      changes,
      total: changes.reduce((sum, change) => sum + change.count, 0),
    };
    if (!parsed.dryRun) {
      await recordAudit(tx, ctx, {
        action: 'privacy.erasure.apply',
        targetType: 'data_subject',
        targetId: erasure,
        details: { tombstone, total: report.total, changes: changes.filter((change) => change.count > 0) },
      });
    }
    return report;
  });
}
