import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { ROLES } from '../auth/roles.ts';
import type { AppEnv } from '../http/index.ts';
import { jsonResponse, requirePermission, validate } from '../http/index.ts';
import { ELEVATION_STATUSES } from '../schema/elevations.ts';
import { AccessReviewQuery, buildAccessReview } from './access-review.ts';
import { accessReviewCsv } from './access-review-csv.ts';
import type { AccessAnnouncer } from './announcements.ts';
import { decideElevation } from './decide-elevation.ts';
import { ElevationDecisionInput, ElevationRequestInput } from './elevation-input.ts';
import { endElevation } from './end-elevation.ts';
import { ElevationListQuery, listElevations } from './list-elevations.ts';
import { AccessReviewInput, recordAccessReview } from './record-access-review.ts';
import { requestElevation } from './request-elevation.ts';

const moment = z.iso.datetime();
const role = z.enum(ROLES);
const ElevationView = z
  .object({
    id: z.uuid(),
    userId: z.uuid(),
    userName: z.string(),
    fromRole: role,
    role,
    reason: z.string(),
    minutes: z.int(),
    status: z.enum(ELEVATION_STATUSES),
    requestedAt: moment,
    decidedAt: moment.nullable(),
    decidedByName: z.string().nullable(),
    decidedByUserId: z.uuid().nullable(),
    decisionNote: z.string().nullable(),
    selfApproved: z.boolean().meta({ description: 'Granted at once under ELEVATION_SELF_APPROVE, without a second person' }),
    startsAt: moment.nullable(),
    endsAt: moment.nullable(),
    endedAt: moment.nullable(),
    endedByName: z.string().nullable(),
  })
  .meta({ id: 'Elevation' });
const AccessReviewView = z
  .object({
    id: z.uuid(),
    reviewedAt: moment,
    reviewerUserId: z.uuid().nullable(),
    reviewerName: z.string(),
    periodSince: moment,
    notes: z.string(),
  })
  .meta({ id: 'AccessReview' });
const AccessReviewReportView = z
  .object({
    since: moment,
    until: moment,
    people: z.array(
      z.object({
        id: z.uuid(),
        name: z.string(),
        email: z.string(),
        role,
        status: z.enum(['active', 'disabled']),
        login: z.string().meta({ description: '"password", or "sso:<provider name>"' }),
        mfa: z.enum(['totp', 'identity provider', 'none']),
        lastLoginAt: moment.nullable(),
        lastLoginMethod: z.string().nullable(),
        createdAt: moment,
      }),
    ),
    tokens: z.array(
      z.object({
        id: z.uuid(),
        name: z.string(),
        role,
        kind: z.enum(['person', 'service']),
        ownerUserId: z.uuid().nullable(),
        ownerName: z.string().nullable(),
        status: z.enum(['active', 'revoked']),
        createdAt: moment,
        lastUsedAt: moment.nullable(),
        revokedAt: moment.nullable(),
      }),
    ),
    elevations: z.array(ElevationView.extend({ actionsTaken: z.int() })),
    changes: z.array(
      z.object({
        position: z.int(),
        at: moment,
        actorName: z.string(),
        actorType: z.string(),
        action: z.string(),
        targetType: z.string(),
        targetId: z.string().nullable(),
        details: z.record(z.string(), z.unknown()),
      }),
    ),
    lastReview: AccessReviewView.nullable(),
    reviews: z.array(AccessReviewView),
    nextReviewDueAt: moment,
  })
  .meta({ id: 'AccessReviewReport' });
const ElevationId = z.object({ id: z.string().min(1).max(100) });

/** Break-glass elevations and access reviews; `announce` is the notifier's (platform sends nothing itself). */
export function accessRoutes(announce: AccessAnnouncer) {
  return new Hono<AppEnv>()
    .post(
      '/api/elevations',
      describeRoute({
        summary: 'Ask for a higher role for a while, with a reason',
        description:
          'minutes: 15 to 720. Another admin approves or refuses; with ELEVATION_SELF_APPROVE=true it is granted at once and announced loudly.',
        tags: ['access'],
        responses: { 201: jsonResponse('The elevation: pending, or active when self-approval is on', ElevationView) },
      }),
      validate('json', ElevationRequestInput),
      async (c) => c.json(await requestElevation(c.var.ctx, c.req.valid('json'), announce), 201),
    )
    .get(
      '/api/elevations',
      describeRoute({
        summary: 'Elevations, newest first (an admin sees everyone’s, anyone else their own)',
        tags: ['access'],
        responses: { 200: jsonResponse('The elevations', z.object({ elevations: z.array(ElevationView) })) },
      }),
      validate('query', ElevationListQuery),
      async (c) => c.json({ elevations: await listElevations(c.var.ctx, c.req.valid('query')) }),
    )
    .post(
      '/api/elevations/:id/approve',
      describeRoute({
        summary: 'Approve a pending elevation (an admin other than the asker, in their own right)',
        tags: ['access'],
        responses: { 200: jsonResponse('The elevation, active from now until endsAt', ElevationView) },
      }),
      requirePermission('users:manage'),
      validate('param', ElevationId),
      validate('json', ElevationDecisionInput),
      async (c) => c.json(await decideElevation(c.var.ctx, c.req.valid('param').id, 'approve', c.req.valid('json'), announce)),
    )
    .post(
      '/api/elevations/:id/refuse',
      describeRoute({
        summary: 'Refuse a pending elevation, with a note if you like',
        tags: ['access'],
        responses: { 200: jsonResponse('The elevation, refused', ElevationView) },
      }),
      requirePermission('users:manage'),
      validate('param', ElevationId),
      validate('json', ElevationDecisionInput),
      async (c) => c.json(await decideElevation(c.var.ctx, c.req.valid('param').id, 'refuse', c.req.valid('json'), announce)),
    )
    .post(
      '/api/elevations/:id/end',
      describeRoute({
        summary: 'End an elevation early (the person, or an admin); the asker withdraws a pending one',
        tags: ['access'],
        responses: { 200: jsonResponse('The elevation, ended or withdrawn', ElevationView) },
      }),
      validate('param', ElevationId),
      async (c) => c.json(await endElevation(c.var.ctx, c.req.valid('param').id, announce)),
    )
    .get(
      '/api/access-review',
      describeRoute({
        summary: 'Who has access, how they log in, elevations and changes in the period',
        description: 'JSON, or CSV (one row per person and token) with Accept: text/csv or ?format=csv.',
        tags: ['access'],
        responses: {
          200: {
            ...jsonResponse('The review', AccessReviewReportView),
            content: {
              ...jsonResponse('The review', AccessReviewReportView).content,
              'text/csv': { schema: { type: 'string' } },
            },
          },
        },
      }),
      requirePermission('users:manage'),
      validate('query', AccessReviewQuery.extend({ format: z.enum(['json', 'csv']).optional() })),
      async (c) => {
        const { format, ...query } = c.req.valid('query');
        const report = await buildAccessReview(c.var.ctx, query);
        const wantsCsv = format ? format === 'csv' : /\btext\/csv\b/.test(c.req.header('accept') ?? '');
        if (!wantsCsv) return c.json(report);
        c.header('Content-Type', 'text/csv; charset=utf-8');
        c.header('Content-Disposition', `attachment; filename="access-review-${report.until.toISOString().slice(0, 10)}.csv"`);
        return c.body(accessReviewCsv(report));
      },
    )
    .post(
      '/api/access-review/reviews',
      describeRoute({
        summary: 'Record that access was reviewed (audited); the next reminder counts from now',
        tags: ['access'],
        responses: { 201: jsonResponse('The review and when the next is due', AccessReviewView.extend({ nextReviewDueAt: moment })) },
      }),
      requirePermission('users:manage'),
      validate('json', AccessReviewInput),
      async (c) => c.json(await recordAccessReview(c.var.ctx, c.req.valid('json')), 201),
    );
}
