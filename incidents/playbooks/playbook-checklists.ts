import { eq, inArray, or } from 'drizzle-orm';
import type { Database } from '../../platform/index.ts';
import type { Phase } from '../phases.ts';
import { PHASES } from '../phases.ts';
import { BUILT_IN_PLAYBOOK } from './default-playbook.ts';
import { checklistItems } from './schema/checklist-items.ts';
import type { PlaybookChecklists } from './schema/playbooks.ts';
import { playbooks } from './schema/playbooks.ts';

export const DEFAULT_SCOPE = 'default';
export const serviceScope = (service: string) => `service:${service}`;

interface PlannedItem {
  phase: Phase;
  text: string;
  source: string;
}

/** The default playbook's items, then each service's own, without repeating an item a phase already has. */
export async function plannedChecklist(db: Database, services: string[]): Promise<PlannedItem[]> {
  const scopes = services.map(serviceScope);
  const rows = await db
    .select()
    .from(playbooks)
    .where(or(eq(playbooks.scope, DEFAULT_SCOPE), scopes.length ? inArray(playbooks.scope, scopes) : undefined));
  const stored = rows.find((row) => row.scope === DEFAULT_SCOPE);
  const sources: { source: string; checklists: PlaybookChecklists }[] = [
    { source: 'default', checklists: stored?.checklists ?? BUILT_IN_PLAYBOOK },
  ];
  for (const service of services) {
    const playbook = rows.find((row) => row.scope === serviceScope(service));
    if (playbook) sources.push({ source: service, checklists: playbook.checklists });
  }
  const planned: PlannedItem[] = [];
  for (const phase of PHASES) {
    const seen = new Set<string>();
    for (const { source, checklists } of sources) {
      for (const text of checklists[phase] ?? []) {
        const key = text.trim().toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        planned.push({ phase, text, source });
      }
    }
  }
  return planned;
}

/** Copies the playbooks' checklists onto a new incident, in the caller's transaction. */
export async function instantiateChecklists(tx: Database, incidentId: string, services: string[]): Promise<void> {
  const planned = await plannedChecklist(tx, services);
  if (planned.length === 0) return;
  const positions = new Map<Phase, number>();
  await tx.insert(checklistItems).values(
    planned.map((item) => {
      const position = (positions.get(item.phase) ?? 0) + 1;
      positions.set(item.phase, position);
      return { incidentId, phase: item.phase, position, text: item.text, source: item.source };
    }),
  );
}

/**
 * When services join a running incident, their playbooks' items are added to the checklists of the
 * current and later phases (phases already left stay as they were). Returns how many were added.
 */
export async function addServicePlaybooks(tx: Database, incidentId: string, currentPhase: Phase, services: string[]): Promise<number> {
  if (services.length === 0) return 0;
  const rows = await tx
    .select()
    .from(playbooks)
    .where(inArray(playbooks.scope, services.map(serviceScope)));
  if (rows.length === 0) return 0;
  const existing = await tx.select().from(checklistItems).where(eq(checklistItems.incidentId, incidentId));
  const phases = PHASES.slice(PHASES.indexOf(currentPhase));
  const additions: (typeof checklistItems.$inferInsert)[] = [];
  for (const phase of phases) {
    const ofPhase = existing.filter((item) => item.phase === phase);
    const seen = new Set(ofPhase.map((item) => item.text.trim().toLowerCase()));
    let position = Math.max(0, ...ofPhase.map((item) => item.position));
    for (const service of services) {
      const playbook = rows.find((row) => row.scope === serviceScope(service));
      for (const text of playbook?.checklists[phase] ?? []) {
        const key = text.trim().toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        additions.push({ incidentId, phase, position: ++position, text, source: service });
      }
    }
  }
  if (additions.length > 0) await tx.insert(checklistItems).values(additions);
  return additions.length;
}
