// The notes room's surface: what other rooms and parts use of it.
export { addNote, NoteInput } from './add-note.ts';
export { editNote, NoteEdit } from './edit-note.ts';
export { eraseSubjectFromNotes } from './erase-from-notes.ts';
export { listNoteRevisions } from './list-note-revisions.ts';
export { noteRoutes } from './routes.ts';
export { incidentNotes, noteRevisions } from './schema/notes.ts';
