import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../../platform/index.ts';
import type { Incident } from '../../schema/incidents.ts';
import type { Anchor, Anchors, FactName, Facts } from '../regimes/index.ts';
import { ANCHORS, FACT_NAMES } from '../regimes/index.ts';
import type { BreachFact } from './schema/breach-facts.ts';
import { breachFacts } from './schema/breach-facts.ts';

export interface FactValue {
  value: unknown;
  recordedAt: Date;
  recordedBy: string;
  note: string | null;
}

export interface Assessment {
  facts: Facts;
  anchors: Anchors;
  /** The latest value of each fact and anchor, with who recorded it and when. */
  current: Partial<Record<FactName | Anchor, FactValue>>;
  history: BreachFact[];
}

const isAnchor = (name: string): name is Anchor => (ANCHORS as readonly string[]).includes(name);
const isFact = (name: string): name is FactName => (FACT_NAMES as readonly string[]).includes(name);

/**
 * The incident's breach assessment now: the latest value of each fact. The incident's own
 * identification milestone stands in for `identifiedAt` until someone records it.
 */
export async function currentAssessment(db: Database, incident: Pick<Incident, 'id' | 'identifiedAt'>): Promise<Assessment> {
  const history = await db.select().from(breachFacts).where(eq(breachFacts.incidentId, incident.id)).orderBy(asc(breachFacts.id));
  const current: Assessment['current'] = {};
  for (const row of history) {
    if (!isAnchor(row.name) && !isFact(row.name)) continue;
    current[row.name] = { value: row.value, recordedAt: row.recordedAt, recordedBy: row.actorName, note: row.note };
  }
  const facts: Facts = {};
  const anchors: Anchors = {};
  for (const [name, entry] of Object.entries(current)) {
    if (entry.value === null || entry.value === undefined) continue;
    if (isAnchor(name) && typeof entry.value === 'string') anchors[name] = new Date(entry.value);
    else if (isFact(name)) facts[name] = entry.value;
  }
  if (!anchors.identifiedAt && !current.identifiedAt && incident.identifiedAt) anchors.identifiedAt = incident.identifiedAt;
  return { facts, anchors, current, history };
}
