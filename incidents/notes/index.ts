// The notes room's surface: what other rooms and parts use of it.
export { NoteInput, addNote } from './add-note.ts';
export { NoteEdit, editNote } from './edit-note.ts';
export { listNoteRevisions } from './list-note-revisions.ts';
export { incidentNotes, noteRevisions } from './schema/notes.ts';
export { noteRoutes } from './routes.ts';
