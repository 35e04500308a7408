import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppEnv } from '../../platform/index.ts';
import { requirePermission, validate } from '../../platform/index.ts';
import { IncidentParam, presentIncident, readResponses } from '../http.ts';
import { buildIncidentReport } from './build-incident-report.ts';
import { incidentStatistics, StatisticsQuery } from './incident-statistics.ts';
import { renderReportMarkdown } from './render-report-markdown.ts';

const tags = ['incidents'];

/** /api/incidents/figures and /api/incidents/{id}/report: response times across incidents, and one incident's report. */
export const reportRoutes = new Hono<AppEnv>()
  .get(
    '/figures',
    describeRoute({
      summary: 'Time to detect, acknowledge, contain and recover (count, mean, p50, p90) and open incidents by phase and severity',
      tags,
      responses: readResponses,
    }),
    requirePermission('incidents:read'),
    validate('query', StatisticsQuery),
    async (c) => c.json(await incidentStatistics(c.var.ctx.db, c.req.valid('query'))),
  )
  .get(
    '/:id/report',
    describeRoute({
      summary: 'The incident report: Markdown (format=markdown, the default) or JSON (format=json)',
      tags,
      responses: readResponses,
    }),
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
