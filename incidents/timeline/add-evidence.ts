import { z } from 'zod';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, recordAudit } from '../../platform/index.ts';
import { getIncident } from '../get-incident.ts';
import { incidentReference } from '../incident-reference.ts';
import { appendTimelineEvent } from './append-timeline-event.ts';
import type { TimelineEvent } from './schema/timeline-events.ts';

export const EvidenceInput = z
  .object({
    title: z.string().trim().min(1).max(300),
    description: z.string().trim().max(20_000).default(''),
    /** Where it is kept (object store, ticket, dashboard snapshot). */
    url: z.url().max(2000).optional(),
    /** The SHA-256 of the file, so that it can later be shown unchanged. */
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
      .transform((value) => value.toLowerCase())
      .optional(),
    /** When it was collected, if not now. */
    collectedAt: z.coerce.date().optional(),
  })
  .strict();
export type EvidenceInput = z.input<typeof EvidenceInput>;

/** Records a piece of evidence (a log export, a disk image, a screenshot) on the timeline, with its hash. */
export async function addEvidence(ctx: ActionContext, idOrReference: string, rawInput: EvidenceInput): Promise<TimelineEvent> {
  assertPermission(ctx.actor, 'incidents:note');
  const input = EvidenceInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const incident = await getIncident(tx, idOrReference);
    const data = { title: input.title, description: input.description, url: input.url ?? null, sha256: input.sha256 ?? null };
    const event = await appendTimelineEvent(tx, ctx.actor, {
      incidentId: incident.id,
      type: 'evidence.added',
      occurredAt: input.collectedAt ?? new Date(),
      data,
    });
    await recordAudit(tx, ctx, {
      action: 'incidents.evidence.add',
      targetType: 'incident',
      targetId: incident.id,
      details: { reference: incidentReference(incident), title: data.title, url: data.url, sha256: data.sha256 },
    });
    return event;
  });
}
