// The reports room's surface: what other rooms and parts use of it.
export { buildIncidentReport } from './build-incident-report.ts';
export type { IncidentFigures } from './incident-figures.ts';
export { incidentFigures } from './incident-figures.ts';
export { FIGURES, incidentStatistics, openIncidentCounts, StatisticsQuery } from './incident-statistics.ts';
export { renderReportMarkdown } from './render-report-markdown.ts';
export { reportRoutes } from './routes.ts';
