import { Hono } from 'hono';
import {
  AcknowledgeInput,
  AssignRoleInput,
  acknowledgeIncident,
  addNote,
  assignRole,
  ChecklistItemUpdate,
  changeSeverity,
  completeChecklistItem,
  NoteInput,
  SeverityInput,
  TransitionInput,
  transitionPhase,
} from '../../incidents/index.ts';
import type { DashboardEnv } from '../http.tsx';
import { field, parseForm } from '../http.tsx';
import { act, optionalText, optionalVersion } from './forms.tsx';

/** The incident page's lifecycle forms: acknowledge, phase, notes, roles, severity, checklist. */
export const lifecycleRoutes = new Hono<DashboardEnv>()
  .post('/:ref/acknowledge', (c) =>
    act(c, 'acknowledged', (reference) => acknowledgeIncident(c.var.ctx, reference, parseForm(AcknowledgeInput, { via: 'web' }))),
  )
  .post('/:ref/phase', (c) =>
    act(c, 'phase', (reference, form) =>
      transitionPhase(
        c.var.ctx,
        reference,
        parseForm(TransitionInput, {
          to: field(form, 'to'),
          reason: optionalText(form, 'reason'),
          override: field(form, 'override') === 'true',
          expectedVersion: optionalVersion(form),
        }),
      ),
    ),
  )
  .post('/:ref/notes', (c) =>
    act(c, 'note', (reference, form) => addNote(c.var.ctx, reference, parseForm(NoteInput, { text: field(form, 'text'), source: 'web' }))),
  )
  .post('/:ref/roles', (c) =>
    act(c, 'role', (reference, form) => {
      // No name, or the viewer's own: the viewer takes the role, linked to their account.
      const name = field(form, 'name');
      const self = !name || name.toLowerCase() === c.var.viewer.actor.name.toLowerCase();
      return assignRole(
        c.var.ctx,
        reference,
        parseForm(AssignRoleInput, {
          role: field(form, 'role'),
          name: self ? c.var.viewer.actor.name : name,
          userId: self ? c.var.viewer.actor.userId : undefined,
        }),
      );
    }),
  )
  .post('/:ref/severity', (c) =>
    act(c, 'severity', (reference, form) =>
      changeSeverity(
        c.var.ctx,
        reference,
        parseForm(SeverityInput, {
          severity: field(form, 'severity'),
          reason: optionalText(form, 'reason'),
          expectedVersion: optionalVersion(form),
        }),
      ),
    ),
  )
  .post('/:ref/checklist/:itemId', (c) =>
    act(c, 'checklist', (reference, form) =>
      completeChecklistItem(
        c.var.ctx,
        reference,
        c.req.param('itemId'),
        parseForm(ChecklistItemUpdate, { done: field(form, 'done') === 'true' }),
      ),
    ),
  );
