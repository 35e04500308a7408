import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { incidents } from '../../schema/incidents.ts';

/** A note on an incident; its text lives in revisions, so an edit adds a row and rewrites nothing. */
export const incidentNotes = pgTable(
  'incident_notes',
  {
    id: uuid().primaryKey().defaultRandom(),
    incidentId: uuid()
      .notNull()
      .references(() => incidents.id),
    /** The actor key (see personKey) of the author: only they may edit it. */
    authorKey: text().notNull(),
    authorName: text().notNull(),
    source: text().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  // Serves an incident's notes.
  (table) => [index('incident_notes_incident_idx').on(table.incidentId)],
);

export const noteRevisions = pgTable(
  'note_revisions',
  {
    id: uuid().primaryKey().defaultRandom(),
    noteId: uuid()
      .notNull()
      .references(() => incidentNotes.id),
    /** 1 for the original text; two concurrent edits of the same revision cannot both insert the next. */
    revision: integer().notNull(),
    text: text().notNull(),
    editedByName: text().notNull(),
    editedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('note_revisions_note_revision_idx').on(table.noteId, table.revision)],
);

export type IncidentNote = typeof incidentNotes.$inferSelect;
export type NoteRevision = typeof noteRevisions.$inferSelect;
