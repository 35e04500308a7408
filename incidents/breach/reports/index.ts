// The reports room's surface: what other rooms and parts use of it.
export { buildComplianceReport, complianceReportAsCsv } from './compliance-report.ts';
export { buildRegulatorReport, regulatorReportAsText } from './regulator-report.ts';
