import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../platform/index.ts';
import { requirePermission, validate } from '../../platform/index.ts';
import { createdResponses, IncidentParam, readResponses, writeResponses } from '../http.ts';
import { addNote, NoteInput } from './add-note.ts';
import { editNote, NoteEdit } from './edit-note.ts';
import { listNoteRevisions } from './list-note-revisions.ts';

const tags = ['incidents'];
const NoteParam = IncidentParam.extend({ noteId: z.string().min(1).max(100) });

/** /api/incidents/{id}/notes: notes on the timeline, edited only by their authors, with every revision kept. */
export const noteRoutes = new Hono<AppEnv>()
  .post(
    '/:id/notes',
    describeRoute({ summary: 'Add a note to the timeline', tags, responses: createdResponses }),
    requirePermission('incidents:note'),
    validate('param', IncidentParam),
    validate('json', NoteInput),
    async (c) => c.json(await addNote(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .patch(
    '/:id/notes/:noteId',
    describeRoute({ summary: 'Edit your own note: adds a revision, rewrites nothing', tags, responses: writeResponses }),
    requirePermission('incidents:note'),
    validate('param', NoteParam),
    validate('json', NoteEdit),
    async (c) => {
      const { id, noteId } = c.req.valid('param');
      return c.json(await editNote(c.var.ctx, id, noteId, c.req.valid('json')));
    },
  )
  .get(
    '/:id/notes/:noteId/revisions',
    describeRoute({ summary: 'Every revision of a note, oldest first', tags, responses: readResponses }),
    requirePermission('incidents:read'),
    validate('param', NoteParam),
    async (c) => {
      const { id, noteId } = c.req.valid('param');
      return c.json({ revisions: await listNoteRevisions(c.var.ctx, id, noteId) });
    },
  );
