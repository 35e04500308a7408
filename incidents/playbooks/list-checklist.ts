import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import type { Phase } from '../phases.ts';
import { PHASES } from '../phases.ts';
import type { ChecklistItem } from './schema/checklist-items.ts';
import { checklistItems } from './schema/checklist-items.ts';

export interface PhaseChecklist {
  phase: Phase;
  items: ChecklistItem[];
  done: number;
  total: number;
  complete: boolean;
}

/** An incident's exit checklists, one per phase in phase order. */
export async function listChecklist(db: Database, incidentId: string): Promise<PhaseChecklist[]> {
  const items = await db
    .select()
    .from(checklistItems)
    .where(eq(checklistItems.incidentId, incidentId))
    .orderBy(asc(checklistItems.position), asc(checklistItems.createdAt));
  return PHASES.map((phase) => {
    const ofPhase = items.filter((item) => item.phase === phase);
    const done = ofPhase.filter((item) => item.completedAt).length;
    return { phase, items: ofPhase, done, total: ofPhase.length, complete: done === ofPhase.length };
  });
}
