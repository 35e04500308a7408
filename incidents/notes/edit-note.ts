import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, ConflictError, ForbiddenError, NotFoundError, personKey, recordAudit } from '../../platform/index.ts';
import { getIncident } from '../get-incident.ts';
import { incidentReference } from '../incident-reference.ts';
import type { TimelineEvent } from '../timeline/index.ts';
import { appendTimelineEvent } from '../timeline/index.ts';
import { incidentNotes, noteRevisions } from './schema/notes.ts';

export const NoteEdit = z.object({
  text: z.string().trim().min(1).max(20_000),
  /** The revision being edited; another edit in between is a 409. */
  expectedRevision: z.number().int().min(1).optional(),
});
export type NoteEdit = z.infer<typeof NoteEdit>;

/** The author corrects a note: a new revision and a 'note.edited' event; the earlier text stays readable. */
export async function editNote(ctx: ActionContext, idOrReference: string, noteId: string, input: NoteEdit): Promise<TimelineEvent> {
  assertPermission(ctx.actor, 'incidents:note');
  const parsed = NoteEdit.parse(input);
  return ctx.db.transaction(async (tx) => {
    const incident = await getIncident(tx, idOrReference);
    const [note] = z.uuid().safeParse(noteId).success
      ? await tx
          .select()
          .from(incidentNotes)
          .where(and(eq(incidentNotes.id, noteId), eq(incidentNotes.incidentId, incident.id)))
          .for('update')
      : [];
    if (!note) throw new NotFoundError(`${incidentReference(incident)} has no note "${noteId}".`);
    if (note.authorKey !== personKey(ctx.actor))
      throw new ForbiddenError(`Only ${note.authorName}, who wrote this note, may edit it; add a note of your own instead.`);
    const [latest] = await tx
      .select()
      .from(noteRevisions)
      .where(eq(noteRevisions.noteId, note.id))
      .orderBy(desc(noteRevisions.revision))
      .limit(1);
    const current = latest?.revision ?? 0;
    if (parsed.expectedRevision !== undefined && parsed.expectedRevision !== current) {
      throw new ConflictError(
        `The note was edited since you loaded it (revision ${current}, you have ${parsed.expectedRevision}).`,
        'stale_version',
        { currentRevision: current },
      );
    }
    const now = new Date();
    const revision = current + 1;
    await tx.insert(noteRevisions).values({ noteId: note.id, revision, text: parsed.text, editedByName: ctx.actor.name, editedAt: now });
    const event = await appendTimelineEvent(tx, ctx.actor, {
      incidentId: incident.id,
      type: 'note.edited',
      occurredAt: now,
      data: { noteId: note.id, revision, text: parsed.text, previousText: latest?.text ?? null },
    });
    await recordAudit(tx, ctx, {
      action: 'incidents.note.edit',
      targetType: 'incident',
      targetId: incident.id,
      details: { reference: incidentReference(incident), noteId: note.id, revision },
    });
    return event;
  });
}
