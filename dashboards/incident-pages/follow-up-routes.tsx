import { Hono } from 'hono';
import {
  ActionItemUpdate,
  addEvidence,
  createActionItem,
  EvidenceInput,
  editIncident,
  IncidentEdit,
  NewActionItem,
  updateActionItem,
} from '../../incidents/index.ts';
import { InvalidInputError } from '../../platform/index.ts';
import type { DashboardEnv } from '../http.tsx';
import { field, parseForm } from '../http.tsx';
import { act, optionalText, optionalVersion } from './forms.tsx';

/** A date field's day (YYYY-MM-DD) as the end of that day in UTC; empty is no date. */
function dueAtOf(form: Record<string, unknown>): Date | undefined {
  const day = field(form, 'dueOn');
  if (!day) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const dueAt = match ? new Date(`${day}T23:59:59.999Z`) : null;
  if (!dueAt || Number.isNaN(dueAt.getTime()) || dueAt.toISOString().slice(0, 10) !== day)
    throw new InvalidInputError('Please correct the form: Due date must be a date, such as 2026-12-31.', {
      fields: { dueOn: 'must be a date, such as 2026-12-31' },
    });
  return dueAt;
}

/** The incident page's forms for what follows the response: edit the incident, evidence, action items. */
export const followUpRoutes = new Hono<DashboardEnv>()
  .post('/:ref/edit', (c) =>
    act(c, 'incident_edited', (reference, form) =>
      editIncident(
        c.var.ctx,
        reference,
        parseForm(IncidentEdit, {
          title: field(form, 'title'),
          summary: field(form, 'summary'),
          services: field(form, 'services')
            .split(',')
            .map((service) => service.trim())
            .filter(Boolean),
          expectedVersion: optionalVersion(form),
        }),
      ),
    ),
  )
  .post('/:ref/evidence', (c) =>
    act(c, 'evidence', (reference, form) =>
      addEvidence(
        c.var.ctx,
        reference,
        parseForm(EvidenceInput, {
          title: field(form, 'title'),
          description: field(form, 'description'),
          url: optionalText(form, 'url'),
          sha256: optionalText(form, 'sha256'),
        }),
      ),
    ),
  )
  .post('/:ref/action-items', (c) =>
    act(c, 'action_item', (reference, form) => {
      // On the web the owner is a person picked from the list (so that they can be reminded); a bare name is for the API.
      const ownerUserId = field(form, 'ownerUserId');
      if (!ownerUserId)
        throw new InvalidInputError('Please correct the form: pick the owner from the list of people.', {
          fields: { ownerUserId: 'pick a person' },
        });
      return createActionItem(
        c.var.ctx,
        reference,
        parseForm(NewActionItem, {
          title: field(form, 'title'),
          description: field(form, 'description'),
          ownerUserId,
          dueAt: dueAtOf(form),
        }),
      );
    }),
  )
  .post('/:ref/action-items/:itemId', (c) =>
    act(c, 'action_item_updated', (reference, form) =>
      updateActionItem(
        c.var.ctx,
        reference,
        c.req.param('itemId'),
        parseForm(ActionItemUpdate, {
          title: field(form, 'title'),
          description: field(form, 'description'),
          status: field(form, 'status'),
          dueAt: dueAtOf(form) ?? null,
          // An owner without an account stays as they are until someone picks a person.
          ...(field(form, 'ownerUserId') ? { ownerUserId: field(form, 'ownerUserId') } : {}),
          expectedVersion: optionalVersion(form),
        }),
      ),
    ),
  )
  .post('/:ref/action-items/:itemId/done', (c) =>
    act(c, 'action_item_done', (reference, form) =>
      updateActionItem(
        c.var.ctx,
        reference,
        c.req.param('itemId'),
        parseForm(ActionItemUpdate, { status: 'done', expectedVersion: optionalVersion(form) }),
      ),
    ),
  );
