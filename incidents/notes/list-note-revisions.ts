import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ActionContext } from '../../platform/index.ts';
import { assertPermission, NotFoundError } from '../../platform/index.ts';
import { getIncident } from '../get-incident.ts';
import { incidentReference } from '../incident-reference.ts';
import type { NoteRevision } from './schema/notes.ts';
import { incidentNotes, noteRevisions } from './schema/notes.ts';

/** Every revision of a note, oldest first. */
export async function listNoteRevisions(ctx: ActionContext, idOrReference: string, noteId: string): Promise<NoteRevision[]> {
  assertPermission(ctx.actor, 'incidents:read');
  const incident = await getIncident(ctx.db, idOrReference);
  const [note] = z.uuid().safeParse(noteId).success
    ? await ctx.db
        .select()
        .from(incidentNotes)
        .where(and(eq(incidentNotes.id, noteId), eq(incidentNotes.incidentId, incident.id)))
    : [];
  if (!note) throw new NotFoundError(`${incidentReference(incident)} has no note "${noteId}".`);
  return ctx.db.select().from(noteRevisions).where(eq(noteRevisions.noteId, note.id)).orderBy(noteRevisions.revision);
}
