import { asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import type { ActionItem } from '../action-items/index.ts';
import { listActionItems } from '../action-items/index.ts';
import type { Alert } from '../alerts/index.ts';
import { listIncidentAlerts } from '../alerts/index.ts';
import type { IncidentDetail } from '../get-incident-detail.ts';
import { getIncidentDetail } from '../get-incident-detail.ts';
import { incidentNotes, noteRevisions } from '../notes/index.ts';
import type { RootCauseAnalysis } from '../rca/index.ts';
import { findRca } from '../rca/index.ts';
import type { IncidentTraces } from '../service-health/index.ts';
import { listIncidentTraces } from '../service-health/index.ts';
import type { TimelineEvent } from '../timeline/index.ts';
import { timelineEvents } from '../timeline/index.ts';

export interface ReportNote {
  id: string;
  authorName: string;
  createdAt: Date;
  text: string;
  revisions: { revision: number; text: string; editedByName: string; editedAt: Date }[];
}

export interface IncidentReport extends Omit<IncidentDetail, 'rca' | 'actionItems'> {
  generatedAt: Date;
  timeline: TimelineEvent[];
  notes: ReportNote[];
  rca: Omit<RootCauseAnalysis, 'authorKey' | 'contributorKeys' | 'approvedByKey'> | null;
  actionItems: (ActionItem & { overdue: boolean })[];
  /** The alerts correlated into the incident, firing first. */
  alerts: Alert[];
  /** Error spans from the affected services around the incident (the traces part's evidence). */
  traces: IncidentTraces;
}

/** Everything an auditor needs about one incident, in one value: the JSON export, and the Markdown one's source. */
export async function buildIncidentReport(db: Database, idOrReference: string, now: Date = new Date()): Promise<IncidentReport> {
  const detail = await getIncidentDetail(db, idOrReference);
  const incidentId = detail.incident.id;
  const [timeline, notes, rca, actionItems, alerts, traces] = await Promise.all([
    db.select().from(timelineEvents).where(eq(timelineEvents.incidentId, incidentId)).orderBy(asc(timelineEvents.id)),
    db.select().from(incidentNotes).where(eq(incidentNotes.incidentId, incidentId)).orderBy(asc(incidentNotes.createdAt)),
    findRca(db, incidentId),
    listActionItems(db, incidentId, now),
    listIncidentAlerts(db, incidentId),
    listIncidentTraces(db, incidentId, now),
  ]);
  const revisions = notes.length
    ? await db
        .select()
        .from(noteRevisions)
        .where(
          inArray(
            noteRevisions.noteId,
            notes.map((note) => note.id),
          ),
        )
        .orderBy(asc(noteRevisions.revision))
    : [];
  const reportNotes = notes.map((note) => {
    const own = revisions
      .filter((revision) => revision.noteId === note.id)
      .map(({ revision, text, editedByName, editedAt }) => ({ revision, text, editedByName, editedAt }));
    return { id: note.id, authorName: note.authorName, createdAt: note.createdAt, text: own.at(-1)?.text ?? '', revisions: own };
  });
  const publicRca = rca ? (({ authorKey: _author, contributorKeys: _contributors, approvedByKey: _approver, ...rest }) => rest)(rca) : null;
  return { ...detail, generatedAt: now, timeline, notes: reportNotes, rca: publicRca, actionItems, alerts, traces };
}
