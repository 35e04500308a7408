// The reports room's surface: what other rooms and parts use of it.
export { buildIncidentReport } from './build-incident-report.ts';
export { incidentFigures } from './incident-figures.ts';
export type { IncidentFigures } from './incident-figures.ts';
export { FIGURES, StatisticsQuery, incidentStatistics, openIncidentCounts } from './incident-statistics.ts';
export { renderReportMarkdown } from './render-report-markdown.ts';
export { reportRoutes } from './routes.ts';
