import { and, eq } from 'drizzle-orm';
import type { Database } from '../../../platform/index.ts';
import { NotFoundError } from '../../../platform/index.ts';
import { getIncident } from '../../get-incident.ts';
import { incidentReference } from '../../incident-reference.ts';
import { currentAssessment } from '../assessment/index.ts';
import { breachIncidentRegimes, breachObligations, isLate } from '../obligations/index.ts';
import { localIso } from '../regimes/index.ts';

/**
 * The report to a supervisory authority with the content GDPR Art. 33(3) requires, from the current
 * assessment, plus the timing of the notification and reasons for any delay (Art. 33(1)). Items not
 * yet assessed are listed under `missing` (Art. 33(4) allows them to follow in phases).
 */
export async function buildRegulatorReport(db: Database, incidentIdOrReference: string, organization: string, now: Date = new Date()) {
  const incident = await getIncident(db, incidentIdOrReference);
  const [application] = await db
    .select()
    .from(breachIncidentRegimes)
    .where(and(eq(breachIncidentRegimes.incidentId, incident.id), eq(breachIncidentRegimes.regimeId, 'gdpr')));
  if (!application)
    throw new NotFoundError(
      `${incidentReference(incident)} is not under the "gdpr" regime; apply it first (POST /api/incidents/${incidentReference(incident)}/breach/regimes).`,
    );
  const obligations = await db.select().from(breachObligations).where(eq(breachObligations.incidentRegimeId, application.id));
  const art33 = obligations.find((obligation) => obligation.key === 'art33_authority');
  const art34 = obligations.find((obligation) => obligation.key === 'art34_data_subjects');
  const { facts, anchors } = await currentAssessment(db, incident);
  const timeZone = application.definition.timeZone;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  const count = (value: unknown) => (typeof value === 'number' ? value : null);

  const content = {
    a_nature: {
      description: text(facts.natureOfBreach),
      categoriesOfData: list(facts.dataCategories),
      approximateNumberOfDataSubjects: count(facts.peopleAffected),
      approximateNumberOfRecords: count(facts.recordsAffected),
      jurisdictions: list(facts.jurisdictions),
    },
    b_contactPoint: text(facts.contactPoint),
    c_likelyConsequences: text(facts.likelyConsequences),
    d_measuresTakenOrProposed: text(facts.measuresTaken),
  };
  const missing = [
    ...(content.a_nature.description ? [] : ['Art. 33(3)(a) nature of the breach (natureOfBreach)']),
    ...(content.a_nature.categoriesOfData.length ? [] : ['Art. 33(3)(a) categories of personal data (dataCategories)']),
    ...(content.a_nature.approximateNumberOfDataSubjects === null
      ? ['Art. 33(3)(a) approximate number of data subjects (peopleAffected)']
      : []),
    ...(content.a_nature.approximateNumberOfRecords === null ? ['Art. 33(3)(a) approximate number of records (recordsAffected)'] : []),
    ...(content.b_contactPoint ? [] : ['Art. 33(3)(b) DPO or contact point (contactPoint)']),
    ...(content.c_likelyConsequences ? [] : ['Art. 33(3)(c) likely consequences (likelyConsequences)']),
    ...(content.d_measuresTakenOrProposed ? [] : ['Art. 33(3)(d) measures taken or proposed (measuresTaken)']),
    ...(art33 && isLate(art33, now) && !art33.delayReason ? ['Art. 33(1) reasons for the delay (the notification is late)'] : []),
  ];
  return {
    title: 'Notification of a personal data breach to the supervisory authority (GDPR Art. 33)',
    controller: organization,
    generatedAt: now.toISOString(),
    incident: { reference: incidentReference(incident), title: incident.title },
    timing: {
      timeZone,
      awareAt: anchors.awareAt?.toISOString() ?? null,
      awareLocal: anchors.awareAt ? localIso(anchors.awareAt, timeZone) : null,
      dueAt: art33?.effectiveDueAt?.toISOString() ?? null,
      dueLocal: art33?.effectiveDueAt ? localIso(art33.effectiveDueAt, timeZone) : null,
      submittedAt: art33?.submittedAt?.toISOString() ?? null,
      late: art33 ? isLate(art33, now) : false,
      reasonsForDelay: art33?.delayReason ?? null,
    },
    content,
    riskAssessment: {
      riskLevel: text(facts.riskLevel),
      rationale: text(facts.riskRationale),
      dataEncrypted: typeof facts.encrypted === 'boolean' ? facts.encrypted : null,
    },
    communicationToDataSubjects: {
      required: facts.riskLevel === 'high',
      state: art34?.status ?? null,
      submittedAt: art34?.submittedAt?.toISOString() ?? null,
      reason: art34?.notApplicableReason ?? null,
    },
    missing,
  };
}

export type RegulatorReport = Awaited<ReturnType<typeof buildRegulatorReport>>;

/** The same report as plain text, for a regulator's web form or an e-mail. */
export function regulatorReportAsText(report: RegulatorReport): string {
  const value = (item: unknown) =>
    item === null || item === undefined || (Array.isArray(item) && item.length === 0)
      ? '(not yet assessed)'
      : Array.isArray(item)
        ? item.join(', ')
        : String(item);
  const lines = [
    report.title,
    '',
    `Controller: ${report.controller}`,
    `Incident: ${report.incident.reference} — ${report.incident.title}`,
    `Generated: ${report.generatedAt}`,
    '',
    `Became aware: ${value(report.timing.awareLocal)}`,
    `Due (72 h): ${value(report.timing.dueLocal)}`,
    `Submitted: ${value(report.timing.submittedAt)}${report.timing.late ? ' (late)' : ''}`,
    ...(report.timing.reasonsForDelay ? [`Reasons for the delay (Art. 33(1)): ${report.timing.reasonsForDelay}`] : []),
    '',
    '(a) Nature of the breach',
    `    ${value(report.content.a_nature.description)}`,
    `    Categories of personal data: ${value(report.content.a_nature.categoriesOfData)}`,
    `    Approximate number of data subjects: ${value(report.content.a_nature.approximateNumberOfDataSubjects)}`,
    `    Approximate number of records: ${value(report.content.a_nature.approximateNumberOfRecords)}`,
    `(b) DPO or other contact point: ${value(report.content.b_contactPoint)}`,
    `(c) Likely consequences: ${value(report.content.c_likelyConsequences)}`,
    `(d) Measures taken or proposed: ${value(report.content.d_measuresTakenOrProposed)}`,
    '',
    `Risk: ${value(report.riskAssessment.riskLevel)} — ${value(report.riskAssessment.rationale)}; data encrypted: ${value(report.riskAssessment.dataEncrypted)}`,
    `Communication to data subjects (Art. 34): ${report.communicationToDataSubjects.required ? 'required' : 'not required'}; ${value(report.communicationToDataSubjects.state)}`,
    ...(report.missing.length ? ['', 'Still to be provided (Art. 33(4)):', ...report.missing.map((item) => `  - ${item}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}
