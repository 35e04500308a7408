import type { Incident, IncidentDetail } from '../incidents/index.ts';
import type { ActionContext, Database } from '../platform/index.ts';
import type { Viewer } from './views/layout.tsx';
import type { IncidentPanels } from './views/incident-page.tsx';

export interface ListDeadline {
  dueAt: Date;
  warnAt: Date | null;
  label: string;
}

/** The soonest running breach deadline of each listed incident. */
export async function loadListDeadlines(_db: Database, _incidents: Incident[]): Promise<Map<string, ListDeadline>> {
  return new Map();
}

/** The incident page's evidence, breach and RCA panels, each shown to those allowed to read it. */
export async function loadPanels(_ctx: ActionContext, _viewer: Viewer, _detail: IncidentDetail): Promise<IncidentPanels> {
  return { main: [], side: [] };
}
