import { expect } from 'vitest';
import { ForbiddenError } from '../../platform/index.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { declareTestIncident, personContext } from '../../test/harness/incidents.ts';
import { listTimeline } from '../timeline/index.ts';
import { addNote } from './add-note.ts';
import { editNote } from './edit-note.ts';
import { listNoteRevisions } from './list-note-revisions.ts';

describeOnBackends('notes', () => {
  it('edits by adding a revision: the original text and event stay as they were', async ({ database }) => {
    const author = personContext(database.db, 'responder', 'Rae');
    const incident = await declareTestIncident(author);
    const added = await addNote(author, incident.id, { text: 'DB at 100% CPU', source: 'slack' });
    const noteId = String(added.data.noteId);
    const edited = await editNote(author, incident.id, noteId, { text: 'DB replica at 100% CPU', expectedRevision: 1 });
    expect(edited.type).toBe('note.edited');
    expect(edited.data).toMatchObject({ noteId, revision: 2, text: 'DB replica at 100% CPU', previousText: 'DB at 100% CPU' });
    const revisions = await listNoteRevisions(author, incident.id, noteId);
    expect(revisions.map((revision) => [revision.revision, revision.text])).toEqual([
      [1, 'DB at 100% CPU'],
      [2, 'DB replica at 100% CPU'],
    ]);
    const events = (await listTimeline(database.db, incident.id, { limit: 100 })).events;
    expect(events.find((event) => event.id === added.id)?.data.text).toBe('DB at 100% CPU');
    await expect(editNote(author, incident.id, noteId, { text: 'again', expectedRevision: 1 })).rejects.toMatchObject({
      code: 'stale_version',
    });
  });

  it('lets only the author edit a note', async ({ database }) => {
    const author = personContext(database.db, 'responder', 'Rae');
    const incident = await declareTestIncident(author);
    const added = await addNote(author, incident.id, { text: 'first guess' });
    await expect(
      editNote(personContext(database.db, 'admin', 'Ada'), incident.id, String(added.data.noteId), { text: 'not yours' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(editNote(author, incident.id, '00000000-0000-4000-8000-000000000000', { text: 'x' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
