import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { READ_RESPONSES, requirePermission, validate, WRITE_RESPONSES } from '../platform/index.ts';
import type { AppEnv } from '../platform/index.ts';
import { AcknowledgeInput, acknowledgeIncident } from './acknowledge-incident.ts';
import { EvidenceInput, addEvidence } from './timeline/index.ts';
import { NoteInput, addNote } from './notes/index.ts';
import { NewChecklistItem, addChecklistItem } from './playbooks/index.ts';
import { AssignRoleInput, assignRole } from './roles/index.ts';
import { ChecklistItemUpdate, completeChecklistItem } from './playbooks/index.ts';
import { SeverityInput, changeSeverity } from './change-severity.ts';
import { DeclareIncidentInput, declareIncident } from './declare-incident.ts';
import { getIncident } from './get-incident.ts';
import { getIncidentDetail } from './get-incident-detail.ts';
import { expectedVersionOf, versionTag } from './if-match.ts';
import { incidentReference } from './incident-reference.ts';
import { IncidentListQuery, listIncidents } from './list-incidents.ts';
import { listChecklist } from './playbooks/index.ts';
import { TimelineQuery, listTimeline } from './timeline/index.ts';
import { ReleaseRoleInput, releaseRole } from './roles/index.ts';
import type { Incident } from './schema/incidents.ts';
import { TransitionInput, transitionPhase } from './transition-phase.ts';
import { ActionItemUpdate, NewActionItem } from './action-items/index.ts';
import { ApproveRcaInput, approveRca } from './rca/index.ts';
import { buildIncidentReport } from './reports/index.ts';
import { CloseInput, closeIncident } from './close-incident.ts';
import { createActionItem } from './action-items/index.ts';
import { IncidentEdit, editIncident } from './edit-incident.ts';
import { NoteEdit, editNote } from './notes/index.ts';
import { listNoteRevisions } from './notes/index.ts';
import { getRca } from './rca/index.ts';
import { StatisticsQuery, incidentStatistics } from './reports/index.ts';
import { listActionItems } from './action-items/index.ts';
import { RcaInput } from './rca/index.ts';
import { renderReportMarkdown } from './reports/index.ts';
import { updateActionItem } from './action-items/index.ts';
import { writeRca } from './rca/index.ts';

export const IncidentParam = z.object({ id: z.string().min(1).max(100) });

/** The incident as the API shows it: its row plus its human reference. */
export function presentIncident(incident: Incident) {
  return { ...incident, reference: incidentReference(incident) };
}

const readResponses = { ...READ_RESPONSES, 404: { description: 'No such incident (or item)' } };
const writeResponses = { ...WRITE_RESPONSES, ...readResponses };
const tags = ['incidents'];
const ifMatch = { name: 'If-Match', in: 'header' as const, required: false, schema: { type: 'string' as const }, description: 'The version last read (ETag); a stale one is answered 409.' };

export const incidentRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({ summary: 'List incidents, newest first', tags, responses: readResponses }),
    requirePermission('incidents:read'),
    validate('query', IncidentListQuery),
    async (c) => {
      const page = await listIncidents(c.var.ctx.db, c.req.valid('query'));
      return c.json({ incidents: page.incidents.map(presentIncident), nextCursor: page.nextCursor });
    },
  )
  .post(
    '/',
    describeRoute({ summary: 'Declare an incident', tags, responses: writeResponses }),
    requirePermission('incidents:declare'),
    validate('json', DeclareIncidentInput),
    async (c) => c.json(presentIncident(await declareIncident(c.var.ctx, c.req.valid('json'))), 201),
  )
  .get(
    '/figures',
    describeRoute({ summary: 'Time to detect, acknowledge, contain and recover (count, mean, p50, p90) and open incidents by phase and severity', tags, responses: readResponses }),
    requirePermission('incidents:read'),
    validate('query', StatisticsQuery),
    async (c) => c.json(await incidentStatistics(c.var.ctx.db, c.req.valid('query'))),
  )
  .get(
    '/:id',
    describeRoute({ summary: 'An incident by id or reference (INC-42), with its roles and response figures; ETag is its version', tags, responses: readResponses }),
    requirePermission('incidents:read'),
    validate('param', IncidentParam),
    async (c) => {
      const detail = await getIncidentDetail(c.var.ctx.db, c.req.valid('param').id);
      c.header('ETag', versionTag(detail.incident.version));
      return c.json({
        ...presentIncident(detail.incident),
        commander: detail.commander,
        roles: detail.roles,
        figures: detail.figures,
        currentChecklist: detail.currentChecklist,
        nextPhase: detail.nextPhase,
        blockers: detail.blockers,
        rca: detail.rca,
        actionItems: detail.actionItems,
      });
    },
  )
  .patch(
    '/:id',
    describeRoute({ summary: 'Correct the title, summary, services or labels', tags, responses: writeResponses, parameters: [ifMatch] }),
    requirePermission('incidents:update'),
    validate('param', IncidentParam),
    validate('json', IncidentEdit),
    async (c) => {
      const input = c.req.valid('json');
      const incident = await editIncident(c.var.ctx, c.req.valid('param').id, { ...input, expectedVersion: expectedVersionOf(c, input.expectedVersion) });
      c.header('ETag', versionTag(incident.version));
      return c.json(presentIncident(incident));
    },
  )
  .get(
    '/:id/timeline',
    describeRoute({ summary: "An incident's timeline, oldest first", tags, responses: readResponses }),
    requirePermission('incidents:read'),
    validate('param', IncidentParam),
    validate('query', TimelineQuery),
    async (c) => {
      const incident = await getIncident(c.var.ctx.db, c.req.valid('param').id);
      return c.json(await listTimeline(c.var.ctx.db, incident.id, c.req.valid('query')));
    },
  )
  .post(
    '/:id/acknowledge',
    describeRoute({ summary: 'Acknowledge an incident (idempotent)', tags, responses: writeResponses }),
    requirePermission('incidents:acknowledge'),
    validate('param', IncidentParam),
    validate('json', AcknowledgeInput),
    async (c) => c.json(presentIncident(await acknowledgeIncident(c.var.ctx, c.req.valid('param').id, c.req.valid('json')))),
  )
  .post(
    '/:id/phase',
    describeRoute({
      summary: 'Move to another phase: forward one at a time with the exit checklist done (or override with a reason), backward with a reason',
      tags,
      responses: writeResponses,
      parameters: [ifMatch],
    }),
    requirePermission('incidents:transition'),
    validate('param', IncidentParam),
    validate('json', TransitionInput),
    async (c) => {
      const input = c.req.valid('json');
      const incident = await transitionPhase(c.var.ctx, c.req.valid('param').id, { ...input, expectedVersion: expectedVersionOf(c, input.expectedVersion) });
      c.header('ETag', versionTag(incident.version));
      return c.json(presentIncident(incident));
    },
  )
  .post(
    '/:id/severity',
    describeRoute({ summary: 'Change the severity', tags, responses: writeResponses, parameters: [ifMatch] }),
    requirePermission('incidents:update'),
    validate('param', IncidentParam),
    validate('json', SeverityInput),
    async (c) => {
      const input = c.req.valid('json');
      const incident = await changeSeverity(c.var.ctx, c.req.valid('param').id, { ...input, expectedVersion: expectedVersionOf(c, input.expectedVersion) });
      c.header('ETag', versionTag(incident.version));
      return c.json(presentIncident(incident));
    },
  )
  .post(
    '/:id/roles',
    describeRoute({ summary: 'Assign a role (hands over commander, deputy, scribe or communications when held)', tags, responses: writeResponses, parameters: [ifMatch] }),
    requirePermission('incidents:assign'),
    validate('param', IncidentParam),
    validate('json', AssignRoleInput),
    async (c) => {
      const input = c.req.valid('json');
      const result = await assignRole(c.var.ctx, c.req.valid('param').id, { ...input, expectedVersion: expectedVersionOf(c, input.expectedVersion) });
      c.header('ETag', versionTag(result.incident.version));
      return c.json({ incident: presentIncident(result.incident), roles: result.roles });
    },
  )
  .post(
    '/:id/roles/release',
    describeRoute({ summary: 'Release a role from its holder (not the commander: hand it over instead)', tags, responses: writeResponses, parameters: [ifMatch] }),
    requirePermission('incidents:assign'),
    validate('param', IncidentParam),
    validate('json', ReleaseRoleInput),
    async (c) => {
      const input = c.req.valid('json');
      const result = await releaseRole(c.var.ctx, c.req.valid('param').id, { ...input, expectedVersion: expectedVersionOf(c, input.expectedVersion) });
      c.header('ETag', versionTag(result.incident.version));
      return c.json({ incident: presentIncident(result.incident), roles: result.roles });
    },
  )
  .post(
    '/:id/notes',
    describeRoute({ summary: 'Add a note to the timeline', tags, responses: writeResponses }),
    requirePermission('incidents:note'),
    validate('param', IncidentParam),
    validate('json', NoteInput),
    async (c) => c.json(await addNote(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .post(
    '/:id/evidence',
    describeRoute({ summary: 'Record evidence (title, where it is kept, its SHA-256) on the timeline', tags, responses: writeResponses }),
    requirePermission('incidents:note'),
    validate('param', IncidentParam),
    validate('json', EvidenceInput),
    async (c) => c.json(await addEvidence(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .get(
    '/:id/checklist',
    describeRoute({ summary: "The incident's exit checklists, per phase", tags, responses: readResponses }),
    requirePermission('incidents:read'),
    validate('param', IncidentParam),
    async (c) => {
      const incident = await getIncident(c.var.ctx.db, c.req.valid('param').id);
      return c.json({ phase: incident.phase, checklists: await listChecklist(c.var.ctx.db, incident.id) });
    },
  )
  .post(
    '/:id/checklist',
    describeRoute({ summary: "Add an item to one of the incident's exit checklists", tags, responses: writeResponses }),
    requirePermission('incidents:checklist'),
    validate('param', IncidentParam),
    validate('json', NewChecklistItem),
    async (c) => c.json(await addChecklistItem(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .post(
    '/:id/checklist/:itemId',
    describeRoute({ summary: 'Tick (done: true) or untick a checklist item', tags, responses: writeResponses }),
    requirePermission('incidents:checklist'),
    validate('param', IncidentParam.extend({ itemId: z.string().min(1).max(100) })),
    validate('json', ChecklistItemUpdate),
    async (c) => {
      const { id, itemId } = c.req.valid('param');
      return c.json(await completeChecklistItem(c.var.ctx, id, itemId, c.req.valid('json')));
    },
  )
  .patch(
    '/:id/notes/:noteId',
    describeRoute({ summary: 'Edit your own note: adds a revision, rewrites nothing', tags, responses: writeResponses }),
    requirePermission('incidents:note'),
    validate('param', IncidentParam.extend({ noteId: z.string().min(1).max(100) })),
    validate('json', NoteEdit),
    async (c) => {
      const { id, noteId } = c.req.valid('param');
      return c.json(await editNote(c.var.ctx, id, noteId, c.req.valid('json')));
    },
  )
  .get(
    '/:id/notes/:noteId/revisions',
    describeRoute({ summary: "Every revision of a note, oldest first", tags, responses: readResponses }),
    requirePermission('incidents:read'),
    validate('param', IncidentParam.extend({ noteId: z.string().min(1).max(100) })),
    async (c) => {
      const { id, noteId } = c.req.valid('param');
      return c.json({ revisions: await listNoteRevisions(c.var.ctx, id, noteId) });
    },
  )
  .get(
    '/:id/rca',
    describeRoute({ summary: "The incident's root-cause analysis; ETag is its version", tags: ['rca'], responses: readResponses }),
    requirePermission('incidents:read'),
    validate('param', IncidentParam),
    async (c) => {
      const { authorKey: _author, contributorKeys: _contributors, approvedByKey: _approver, ...rca } = await getRca(c.var.ctx.db, c.req.valid('param').id);
      c.header('ETag', versionTag(rca.version));
      return c.json(rca);
    },
  )
  .put(
    '/:id/rca',
    describeRoute({ summary: 'Start or edit the root-cause analysis (send the parts that change)', tags: ['rca'], responses: writeResponses, parameters: [ifMatch] }),
    requirePermission('rca:write'),
    validate('param', IncidentParam),
    validate('json', RcaInput),
    async (c) => {
      const input = c.req.valid('json');
      const { authorKey: _author, contributorKeys: _contributors, approvedByKey: _approver, ...rca } = await writeRca(c.var.ctx, c.req.valid('param').id, {
        ...input,
        expectedVersion: expectedVersionOf(c, input.expectedVersion),
      });
      c.header('ETag', versionTag(rca.version));
      return c.json(rca);
    },
  )
  .post(
    '/:id/rca/approve',
    describeRoute({ summary: 'Approve the root-cause analysis (someone who wrote none of it)', tags: ['rca'], responses: writeResponses, parameters: [ifMatch] }),
    requirePermission('rca:approve'),
    validate('param', IncidentParam),
    validate('json', ApproveRcaInput),
    async (c) => {
      const input = c.req.valid('json');
      const { authorKey: _author, contributorKeys: _contributors, approvedByKey: _approver, ...rca } = await approveRca(c.var.ctx, c.req.valid('param').id, {
        expectedVersion: expectedVersionOf(c, input.expectedVersion),
      });
      return c.json(rca);
    },
  )
  .post(
    '/:id/close',
    describeRoute({ summary: 'Close the incident once its analysis is approved', tags, responses: writeResponses, parameters: [ifMatch] }),
    requirePermission('incidents:transition'),
    validate('param', IncidentParam),
    validate('json', CloseInput),
    async (c) => {
      const input = c.req.valid('json');
      const incident = await closeIncident(c.var.ctx, c.req.valid('param').id, { ...input, expectedVersion: expectedVersionOf(c, input.expectedVersion) });
      c.header('ETag', versionTag(incident.version));
      return c.json(presentIncident(incident));
    },
  )
  .get(
    '/:id/action-items',
    describeRoute({ summary: "The incident's action items", tags: ['rca'], responses: readResponses }),
    requirePermission('incidents:read'),
    validate('param', IncidentParam),
    async (c) => {
      const incident = await getIncident(c.var.ctx.db, c.req.valid('param').id);
      return c.json({ actionItems: await listActionItems(c.var.ctx.db, incident.id) });
    },
  )
  .post(
    '/:id/action-items',
    describeRoute({ summary: 'Add an action item (owner, due date); overdue ones are reminded', tags: ['rca'], responses: writeResponses }),
    requirePermission('rca:write'),
    validate('param', IncidentParam),
    validate('json', NewActionItem),
    async (c) => c.json(await createActionItem(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .patch(
    '/:id/action-items/:itemId',
    describeRoute({ summary: 'Change an action item (status, owner, due date, ...)', tags: ['rca'], responses: writeResponses }),
    requirePermission('rca:write'),
    validate('param', IncidentParam.extend({ itemId: z.string().min(1).max(100) })),
    validate('json', ActionItemUpdate),
    async (c) => {
      const { id, itemId } = c.req.valid('param');
      return c.json(await updateActionItem(c.var.ctx, id, itemId, c.req.valid('json')));
    },
  )
  .get(
    '/:id/report',
    describeRoute({ summary: 'The incident report: Markdown (format=markdown, the default) or JSON (format=json)', tags, responses: readResponses }),
    requirePermission('incidents:read'),
    validate('param', IncidentParam),
    validate('query', z.object({ format: z.enum(['markdown', 'json']).default('markdown') })),
    async (c) => {
      const report = await buildIncidentReport(c.var.ctx.db, c.req.valid('param').id);
      const filename = `${report.reference}-report`;
      if (c.req.valid('query').format === 'json') {
        c.header('Content-Disposition', `attachment; filename="${filename}.json"`);
        return c.json({ ...report, incident: presentIncident(report.incident) });
      }
      c.header('Content-Type', 'text/markdown; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="${filename}.md"`);
      return c.body(renderReportMarkdown(report));
    },
  );
