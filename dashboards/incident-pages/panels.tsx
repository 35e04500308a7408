import type { Incident, IncidentDetail } from '../../incidents/index.ts';
import {
  buildComplianceReport,
  findLatestEvent,
  findRca,
  getBreachStatus,
  listActionItems,
  listEvidence,
  listIncidentAlerts,
  listIncidentTraces,
  listRegimes,
  silentSourceIncidents,
} from '../../incidents/index.ts';
import { getIncidentDelivery } from '../../notifier/index.ts';
import type { ActionContext, Database } from '../../platform/index.ts';
import { listPeople } from '../../platform/index.ts';
import { ActionItemsPanel } from '../views/action-items-panel.tsx';
import { BreachPanel, warnAtOf } from '../views/breach-panel.tsx';
import { ClosePanel } from '../views/close-panel.tsx';
import { AlertsPanel, TracesPanel } from '../views/evidence.tsx';
import { EvidencePanel } from '../views/evidence-panel.tsx';
import type { IncidentPanels } from '../views/incident-page.tsx';
import type { Viewer } from '../views/layout.tsx';
import { can } from '../views/layout.tsx';
import { RcaPanel } from '../views/rca-panel.tsx';
import { SilentSourceBanner } from '../views/silent-source.tsx';
import { ToldPanel } from '../views/told-panel.tsx';

export interface ListDeadline {
  dueAt: Date;
  warnAt: Date | null;
  label: string;
}

const ACTIVE = new Set(['assessing', 'applicable', 'late']);

/**
 * The soonest running breach deadline of each listed incident: the compliance report says which
 * incidents have open obligations, and their breach status gives due and warning times.
 */
export async function loadListDeadlines(db: Database, publicUrl: string, listed: Incident[]): Promise<Map<string, ListDeadline>> {
  const deadlines = new Map<string, ListDeadline>();
  if (listed.length === 0) return deadlines;
  const report = await buildComplianceReport(db);
  const byReference = new Map(listed.map((incident) => [`INC-${incident.number}`, incident]));
  const withClocks = new Set(
    report.obligations
      .filter((entry) => (entry.outcome === 'open' || entry.outcome === 'overdue') && byReference.has(entry.incident))
      .map((entry) => entry.incident),
  );
  for (const reference of withClocks) {
    const incident = byReference.get(reference);
    if (!incident) continue;
    const status = await getBreachStatus(db, incident.id, { publicUrl });
    const soonest = status.obligations
      .filter((obligation) => ACTIVE.has(obligation.state) && obligation.effectiveDueAt)
      .sort((a, b) => (a.effectiveDueAt?.getTime() ?? 0) - (b.effectiveDueAt?.getTime() ?? 0))[0];
    if (soonest?.effectiveDueAt)
      deadlines.set(incident.id, { dueAt: soonest.effectiveDueAt, warnAt: warnAtOf(soonest), label: soonest.title });
  }
  return deadlines;
}

async function loadTold(ctx: ActionContext, detail: IncidentDetail) {
  const [delivery, acknowledgement] = await Promise.all([
    getIncidentDelivery(ctx.db, ctx.config, detail.incident.id),
    detail.incident.acknowledgedAt ? findLatestEvent(ctx.db, detail.incident.id, 'incident.acknowledged') : null,
  ]);
  return { delivery, acknowledgement };
}

/** The incident page's evidence, breach and RCA panels, each shown to those allowed to read it. */
export async function loadPanels(ctx: ActionContext, viewer: Viewer, detail: IncidentDetail, publicUrl: string): Promise<IncidentPanels> {
  const { db } = ctx;
  const incidentId = detail.incident.id;
  const [told, alerts, traces, breach, rca, actionItems, evidence, people, regimes, silent] = await Promise.all([
    can(viewer, 'notifications:read') ? loadTold(ctx, detail) : null,
    can(viewer, 'alerts:read') ? listIncidentAlerts(db, incidentId) : null,
    can(viewer, 'services:read') ? listIncidentTraces(db, incidentId) : null,
    can(viewer, 'breach:read') ? getBreachStatus(db, incidentId, { publicUrl }) : null,
    findRca(db, incidentId),
    listActionItems(db, incidentId),
    listEvidence(db, incidentId),
    can(viewer, 'rca:write') ? listPeople(db) : [],
    can(viewer, 'breach:assess') ? listRegimes(db) : [],
    detail.incident.resolvedAt || detail.incident.closedAt ? new Map<string, number>() : silentSourceIncidents(db, [incidentId]),
  ]);
  const catalog = regimes.map((regime) => ({ id: regime.definition.id, name: regime.definition.name }));
  const sending = { organization: Boolean(ctx.config.BREACH_ORGANIZATION_NAME), smtp: Boolean(ctx.config.SMTP_URL) };
  return {
    top: [
      <SilentSourceBanner expired={silent.get(incidentId)} />,
      breach ? <BreachPanel status={breach} viewer={viewer} reference={detail.reference} catalog={catalog} sending={sending} /> : null,
    ],
    main: [
      <RcaPanel rca={rca} viewer={viewer} reference={detail.reference} phase={detail.incident.phase} />,
      <ActionItemsPanel items={actionItems} people={people} viewer={viewer} reference={detail.reference} />,
      <ClosePanel
        viewer={viewer}
        reference={detail.reference}
        phase={detail.incident.phase}
        closed={Boolean(detail.incident.closedAt)}
        version={detail.incident.version}
        breach={breach}
      />,
    ],
    side: [
      told ? <ToldPanel viewer={viewer} reference={detail.reference} incident={detail.incident} {...told} /> : null,
      <EvidencePanel evidence={evidence} viewer={viewer} reference={detail.reference} />,
      alerts ? <AlertsPanel alerts={alerts} reference={detail.reference} canSilence={can(viewer, 'silences:write')} /> : null,
      traces ? <TracesPanel traces={traces} traceUiTemplate={ctx.config.TRACE_UI_URL_TEMPLATE} /> : null,
    ],
  };
}
