import type { ActionContext } from '../../platform/index.ts';
import { ConflictError, InvalidInputError } from '../../platform/index.ts';
import { escalateIncident } from '../escalation.ts';
import { ACTION_IDS, phaseLabel } from './blocks.ts';
import type { SlackHandlers } from './slack-handlers.ts';

/** Runs a button of the incident summary as the Slack user's Firebreak user; returns a line for them, or null. */
export async function runAction(
  ctx: ActionContext,
  handlers: SlackHandlers,
  action: { actionId: string; value?: string },
): Promise<string | null> {
  const incidentId = action.value;
  if (action.actionId === ACTION_IDS.openTimeline) return null;
  if (!incidentId) throw new InvalidInputError('The button carries no incident.');
  switch (action.actionId) {
    case ACTION_IDS.acknowledge:
      await handlers.acknowledgeIncident(ctx, incidentId, { via: 'slack' });
      return null;
    case ACTION_IDS.escalate: {
      const { escalated } = await escalateIncident(ctx, incidentId);
      return `Paged the next escalation level (${escalated} route${escalated === 1 ? '' : 's'}).`;
    }
    case ACTION_IDS.nextPhase: {
      const { incident } = await handlers.getIncidentDetail(ctx.db, incidentId);
      const next = handlers.phases[handlers.phases.indexOf(incident.phase) + 1];
      if (!next) throw new ConflictError(`The incident is already in the last phase (${phaseLabel(incident.phase)}).`);
      await handlers.transitionPhase(ctx, incidentId, { to: next });
      return null;
    }
    default:
      throw new InvalidInputError(`Unknown action ${action.actionId}.`);
  }
}
