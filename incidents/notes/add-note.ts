import { z } from 'zod';
import { notifyIncidentChange } from '../../notifier/index.ts';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, personKey, recordAudit } from '../../platform/index.ts';
import { getIncident } from '../get-incident.ts';
import { incidentReference } from '../incident-reference.ts';
import { incidentSnapshot } from '../incident-snapshot.ts';
import { currentCommander } from '../roles/index.ts';
import type { TimelineEvent } from '../timeline/index.ts';
import { appendTimelineEvent } from '../timeline/index.ts';
import { incidentNotes, noteRevisions } from './schema/notes.ts';

export const NoteInput = z.object({
  text: z.string().trim().min(1).max(20_000),
  source: z.enum(['web', 'api', 'slack']).default('api'),
});
export type NoteInput = z.input<typeof NoteInput>;

/** Adds a note to the timeline (closed incidents too: the review goes on after closing). */
export async function addNote(ctx: ActionContext, idOrReference: string, rawInput: NoteInput): Promise<TimelineEvent> {
  assertPermission(ctx.actor, 'incidents:note');
  const input = NoteInput.parse(rawInput);
  return ctx.db.transaction(async (tx) => {
    const incident = await getIncident(tx, idOrReference);
    const now = new Date();
    const [note] = await tx
      .insert(incidentNotes)
      .values({
        incidentId: incident.id,
        authorKey: personKey(ctx.actor),
        authorName: ctx.actor.name,
        source: input.source,
        createdAt: now,
      })
      .returning();
    if (!note) throw new Error('note insert returned no row');
    await tx.insert(noteRevisions).values({ noteId: note.id, revision: 1, text: input.text, editedByName: ctx.actor.name, editedAt: now });
    const event = await appendTimelineEvent(tx, ctx.actor, {
      incidentId: incident.id,
      type: 'note.added',
      occurredAt: now,
      data: { noteId: note.id, revision: 1, text: input.text, source: input.source },
    });
    await recordAudit(tx, ctx, {
      action: 'incidents.note.add',
      targetType: 'incident',
      targetId: incident.id,
      details: { reference: incidentReference(incident), noteId: note.id, length: input.text.length, source: input.source },
    });
    await notifyIncidentChange(tx, ctx.config, {
      kind: 'note_added',
      incident: incidentSnapshot(incident, await currentCommander(tx, incident.id)),
      at: now,
      actorName: ctx.actor.name,
      noteId: note.id,
      text: input.text,
      source: input.source,
    });
    return event;
  });
}
