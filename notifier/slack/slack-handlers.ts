import type { ActionContext, Database, Severity } from '../../platform/index.ts';

/** The incident as the Slack commands show it; the incidents part's getIncidentDetail returns this shape. */
export interface SlackIncidentDetail {
  incident: {
    id: string;
    title: string;
    severity: string;
    phase: string;
    services: string[];
    acknowledgedAt: Date | null;
    closedAt: Date | null;
  };
  reference: string;
  commander: { name: string } | null;
}

/**
 * What Slack can do to incidents: the incidents part's own functions, handed over with the notifier's
 * IncidentHooks; acknowledgement from Slack is the same acknowledgeIncident as from the web.
 */
export interface SlackHandlers {
  acknowledgeIncident(ctx: ActionContext, idOrReference: string, input: { via: 'slack' }): Promise<unknown>;
  transitionPhase(ctx: ActionContext, idOrReference: string, input: { to: string; reason?: string; override?: boolean }): Promise<unknown>;
  addNote(ctx: ActionContext, idOrReference: string, input: { text: string; source: 'slack' }): Promise<unknown>;
  /** Marks a (suspected) breach; the default regimes' clocks start once. */
  markBreach(
    ctx: ActionContext,
    idOrReference: string,
    input: { suspected: boolean; note?: string },
  ): Promise<{ marked: boolean; regimesApplied: string[] }>;
  declareIncident(ctx: ActionContext, input: { title: string; severity: Severity }): Promise<{ id: string }>;
  getIncidentDetail(db: Database, idOrReference: string): Promise<SlackIncidentDetail>;
  /** The phases in order, for "next phase". */
  phases: readonly string[];
}
