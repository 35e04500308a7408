import { Hono } from 'hono';
import { buildIncidentReport, renderReportMarkdown } from '../../incidents/index.ts';
import type { DashboardEnv } from '../http.tsx';
import { renderPage } from '../http.tsx';
import { ReportPage } from '../views/report-page.tsx';

/** GET /incidents/{ref}/report: the incident report as a page, or as a Markdown download with ?format=markdown. */
export const reportRoutes = new Hono<DashboardEnv>().get('/:ref/report', async (c) => {
  const report = await buildIncidentReport(c.var.ctx.db, c.req.param('ref'));
  const markdown = renderReportMarkdown(report);
  if (c.req.query('format') === 'markdown') {
    c.header('Content-Disposition', `attachment; filename="${c.req.param('ref').replace(/[^A-Za-z0-9-]/g, '')}-report.md"`);
    return c.body(markdown, 200, { 'Content-Type': 'text/markdown; charset=utf-8' });
  }
  return renderPage(c, <ReportPage viewer={c.var.viewer} reference={c.req.param('ref')} markdown={markdown} />);
});
