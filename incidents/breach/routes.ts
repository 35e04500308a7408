import type { Context } from 'hono';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../platform/index.ts';
import { requirePermission, validate } from '../../platform/index.ts';
import { RecordFactsInput, recordBreachFacts } from './assessment/index.ts';
import { getBreachStatus } from './get-breach-status.ts';
import { MarkBreachInput, markBreach } from './mark-breach.ts';
import type { NoticeSettings } from './notices/index.ts';
import {
  approveNotice,
  DraftNoticeInput,
  draftNotice,
  EditNoticeInput,
  editNotice,
  getNotice,
  organizationOf,
  SendNoticeInput,
  sendNotice,
} from './notices/index.ts';
import {
  ApplyRegimeInput,
  applyRegime,
  DelayReasonInput,
  decideNotApplicable,
  NotApplicableInput,
  recordDelayReason,
  SubmitObligationInput,
  SuspendObligationInput,
  submitObligation,
  suspendObligation,
  WithdrawRegimeInput,
  withdrawRegime,
} from './obligations/index.ts';
import type { CatalogRegime } from './regimes/index.ts';
import { createRegime, deleteRegime, EvaluateInput, evaluateRegime, getRegime, listRegimes, updateRegime } from './regimes/index.ts';
import { buildComplianceReport, buildRegulatorReport, complianceReportAsCsv, regulatorReportAsText } from './reports/index.ts';

const IdParam = z.object({ id: z.string().min(1).max(100) });
const VersionInput = z.strictObject({ expectedVersion: z.number().int().min(1).optional() });
const ReportQuery = z.object({ format: z.enum(['json', 'text']).default('json') });
const ComplianceQuery = z.object({ format: z.enum(['json', 'csv']).default('json'), incident: z.string().min(1).max(100).optional() });

function noticeSettings(c: Context<AppEnv>): NoticeSettings {
  const { config } = c.var.deps;
  return { organization: config.BREACH_ORGANIZATION_NAME, publicUrl: config.publicUrl };
}

const presentRegime = (regime: CatalogRegime) => ({
  ...regime.definition,
  source: regime.source,
  updatedBy: regime.updatedBy,
  updatedAt: regime.updatedAt,
});

/** /api/regimes: the catalog of regimes, operator-defined ones, and the what-if evaluation. */
export const regimeRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describeRoute({ summary: 'List breach-notification regimes with their obligations and deadline rules', tags: ['breach'] }),
    requirePermission('breach:read'),
    async (c) => c.json({ regimes: (await listRegimes(c.var.ctx.db)).map(presentRegime) }),
  )
  .post(
    '/',
    describeRoute({
      summary: 'Define a regime (obligations and deadline rules as data)',
      tags: ['breach'],
      responses: { 201: { description: 'Created' } },
    }),
    requirePermission('regimes:write'),
    validate('json', z.record(z.string(), z.unknown())),
    async (c) => c.json(presentRegime(await createRegime(c.var.ctx, c.req.valid('json'))), 201),
  )
  .get(
    '/:id',
    describeRoute({ summary: 'One regime', tags: ['breach'] }),
    requirePermission('breach:read'),
    validate('param', IdParam),
    async (c) => c.json(presentRegime(await getRegime(c.var.ctx.db, c.req.valid('param').id))),
  )
  .put(
    '/:id',
    describeRoute({ summary: 'Replace an operator-defined regime (incidents already under it keep their copy)', tags: ['breach'] }),
    requirePermission('regimes:write'),
    validate('param', IdParam),
    validate('json', z.record(z.string(), z.unknown())),
    async (c) => c.json(presentRegime(await updateRegime(c.var.ctx, c.req.valid('param').id, c.req.valid('json')))),
  )
  .delete(
    '/:id',
    describeRoute({ summary: 'Delete an operator-defined regime', tags: ['breach'] }),
    requirePermission('regimes:write'),
    validate('param', IdParam),
    async (c) => c.json(await deleteRegime(c.var.ctx, c.req.valid('param').id)),
  )
  .post(
    '/:id/evaluate',
    describeRoute({
      summary: 'What if: due and warning times of each obligation for given anchor moments; touches no incident',
      tags: ['breach'],
    }),
    requirePermission('breach:read'),
    validate('param', IdParam),
    validate('json', EvaluateInput),
    async (c) => {
      const regime = await getRegime(c.var.ctx.db, c.req.valid('param').id);
      return c.json(evaluateRegime(regime.definition, c.req.valid('json')));
    },
  );

/** Breach assessment, obligations, notices and reports (mounted at /api). */
export const breachRoutes = new Hono<AppEnv>()
  .get(
    '/incidents/:id/breach',
    describeRoute({ summary: "An incident's breach panel: assessment, obligations, deadlines, notices", tags: ['breach'] }),
    requirePermission('breach:read'),
    validate('param', IdParam),
    async (c) => c.json(await getBreachStatus(c.var.ctx.db, c.req.valid('param').id, noticeSettings(c))),
  )
  .post(
    '/incidents/:id/breach/facts',
    describeRoute({
      summary: 'Record assessment facts and anchor moments (append-only); deadlines are recomputed',
      tags: ['breach'],
      responses: { 201: { description: 'Created' } },
    }),
    requirePermission('breach:assess'),
    validate('param', IdParam),
    validate('json', RecordFactsInput),
    async (c) => c.json(await recordBreachFacts(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .post(
    '/incidents/:id/breach/mark',
    describeRoute({
      summary: 'Mark the incident a (suspected) breach: BREACH_DEFAULT_REGIMES apply, once; marking again changes nothing',
      tags: ['breach'],
    }),
    requirePermission('breach:assess'),
    validate('param', IdParam),
    validate('json', MarkBreachInput.omit({ via: true })),
    async (c) => c.json(await markBreach(c.var.ctx, c.req.valid('param').id, { ...c.req.valid('json'), via: 'api' })),
  )
  .post(
    '/incidents/:id/breach/regimes/withdraw',
    describeRoute({
      summary: 'Withdraw a regime from this incident, with a reason: its open obligations no longer apply',
      tags: ['breach'],
    }),
    requirePermission('breach:assess'),
    validate('param', IdParam),
    validate('json', WithdrawRegimeInput),
    async (c) => c.json(await withdrawRegime(c.var.ctx, c.req.valid('param').id, c.req.valid('json'))),
  )
  .post(
    '/incidents/:id/breach/regimes',
    describeRoute({
      summary: 'Put the incident under a regime: its obligations, due times and warnings',
      tags: ['breach'],
      responses: { 201: { description: 'Created' } },
    }),
    requirePermission('breach:assess'),
    validate('param', IdParam),
    validate('json', ApplyRegimeInput),
    async (c) => c.json(await applyRegime(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 201),
  )
  .post(
    '/incidents/:id/breach/notices',
    describeRoute({
      summary: "Draft a notice for an obligation from its regime's template",
      tags: ['breach'],
      responses: { 201: { description: 'Created' } },
    }),
    requirePermission('notices:draft'),
    validate('param', IdParam),
    validate('json', DraftNoticeInput),
    async (c) => {
      const notice = await draftNotice(c.var.ctx, c.req.valid('param').id, c.req.valid('json'), noticeSettings(c));
      return c.json(await getNotice(c.var.ctx.db, notice.id, noticeSettings(c)), 201);
    },
  )
  .get(
    '/incidents/:id/breach/report',
    describeRoute({ summary: 'Regulator report with the GDPR Art. 33(3) content (JSON or text)', tags: ['breach'] }),
    requirePermission('breach:read'),
    validate('param', IdParam),
    validate('query', ReportQuery),
    async (c) => {
      const organization = organizationOf(noticeSettings(c), 'The regulator report');
      const report = await buildRegulatorReport(c.var.ctx.db, c.req.valid('param').id, organization);
      if (c.req.valid('query').format === 'text') return c.text(regulatorReportAsText(report));
      return c.json(report);
    },
  )
  .get(
    '/breach/compliance',
    describeRoute({ summary: 'Compliance report: per breach and obligation, due, submitted, on time or late, reasons', tags: ['breach'] }),
    requirePermission('breach:read'),
    validate('query', ComplianceQuery),
    async (c) => {
      const query = c.req.valid('query');
      const report = await buildComplianceReport(c.var.ctx.db, { incident: query.incident });
      if (query.format === 'csv') {
        c.header('Content-Disposition', 'attachment; filename="breach-compliance.csv"');
        return c.body(complianceReportAsCsv(report), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
      }
      return c.json(report);
    },
  )
  .post(
    '/breach/obligations/:id/submit',
    describeRoute({ summary: 'Record a submission made outside Firebreak (portal, letter, phone)', tags: ['breach'] }),
    requirePermission('breach:assess'),
    validate('param', IdParam),
    validate('json', SubmitObligationInput),
    async (c) => c.json(await submitObligation(c.var.ctx, c.req.valid('param').id, c.req.valid('json'))),
  )
  .post(
    '/breach/obligations/:id/not-applicable',
    describeRoute({ summary: 'Decide that an obligation does not apply, with the reason', tags: ['breach'] }),
    requirePermission('breach:assess'),
    validate('param', IdParam),
    validate('json', NotApplicableInput),
    async (c) => c.json(await decideNotApplicable(c.var.ctx, c.req.valid('param').id, c.req.valid('json'))),
  )
  .post(
    '/breach/obligations/:id/delay-reason',
    describeRoute({ summary: 'Record the reasons for a delay', tags: ['breach'] }),
    requirePermission('breach:assess'),
    validate('param', IdParam),
    validate('json', DelayReasonInput),
    async (c) => c.json(await recordDelayReason(c.var.ctx, c.req.valid('param').id, c.req.valid('json'))),
  )
  .post(
    '/breach/obligations/:id/suspend',
    describeRoute({ summary: 'Record a sanctioned suspension (e.g. a law-enforcement delay)', tags: ['breach'] }),
    requirePermission('breach:assess'),
    validate('param', IdParam),
    validate('json', SuspendObligationInput),
    async (c) => c.json(await suspendObligation(c.var.ctx, c.req.valid('param').id, c.req.valid('json'))),
  )
  .get(
    '/breach/notices/:id',
    describeRoute({ summary: 'A notice with its recipients and their delivery status', tags: ['breach'] }),
    requirePermission('breach:read'),
    validate('param', IdParam),
    async (c) => c.json(await getNotice(c.var.ctx.db, c.req.valid('param').id, noticeSettings(c))),
  )
  .patch(
    '/breach/notices/:id',
    describeRoute({ summary: 'Edit a draft notice (the editor can no longer approve it)', tags: ['breach'] }),
    requirePermission('notices:draft'),
    validate('param', IdParam),
    validate('json', EditNoticeInput),
    async (c) => {
      const notice = await editNotice(c.var.ctx, c.req.valid('param').id, c.req.valid('json'));
      return c.json(await getNotice(c.var.ctx.db, notice.id, noticeSettings(c)));
    },
  )
  .post(
    '/breach/notices/:id/approve',
    describeRoute({ summary: 'Approve a notice (a second person: never its drafter)', tags: ['breach'] }),
    requirePermission('notices:approve'),
    validate('param', IdParam),
    validate('json', VersionInput),
    async (c) => {
      const notice = await approveNotice(c.var.ctx, c.req.valid('param').id, c.req.valid('json').expectedVersion);
      return c.json(await getNotice(c.var.ctx.db, notice.id, noticeSettings(c)));
    },
  )
  .post(
    '/breach/notices/:id/send',
    describeRoute({ summary: 'Send an approved notice by e-mail and publish its pages; marks the obligation submitted', tags: ['breach'] }),
    requirePermission('notices:draft'),
    validate('param', IdParam),
    validate('json', SendNoticeInput),
    async (c) => {
      const notice = await sendNotice(c.var.ctx, c.req.valid('param').id, c.req.valid('json'), noticeSettings(c));
      return c.json(await getNotice(c.var.ctx.db, notice.id, noticeSettings(c)));
    },
  );
