import type { IncidentHooks } from '../notifier/index.ts';
import { acknowledgeIncident } from './acknowledge-incident.ts';
import { listIncidentAlerts } from './alerts/index.ts';
import { getBreachStatus, markBreach, noticeMessageSettled } from './breach/index.ts';
import { declareIncident } from './declare-incident.ts';
import { getIncidentDetail } from './get-incident-detail.ts';
import { addNote } from './notes/index.ts';
import { PHASES } from './phases.ts';
import { TransitionInput, transitionPhase } from './transition-phase.ts';

/**
 * The incidents part as the notifier sees it: what the Slack summary shows of an incident, and what
 * Slack and PagerDuty may do to incidents (the very actions of the web and the API, so that an
 * acknowledgement from Slack is the same acknowledgement). The assembly hands it to createNotifier.
 */
export const notifierHooks: IncidentHooks = {
  // The Slack summary shows the incident's alerts and breach deadlines as they are when it is posted.
  async describeIncident(db, incidentId) {
    const [alerts, breach] = await Promise.all([listIncidentAlerts(db, incidentId), getBreachStatus(db, incidentId)]);
    return {
      alerts: alerts.map((alert) => ({ name: alert.labels.alertname ?? alert.fingerprint, status: alert.status })),
      deadlines: breach.obligations.flatMap((obligation) =>
        obligation.effectiveDueAt && obligation.remainingSeconds !== null
          ? [{ name: obligation.title, dueAt: obligation.effectiveDueAt.toISOString(), overdue: obligation.remainingSeconds < 0 }]
          : [],
      ),
    };
  },
  slack: {
    acknowledgeIncident,
    addNote,
    declareIncident,
    markBreach: (ctx, idOrReference, input) => markBreach(ctx, idOrReference, { ...input, via: 'slack' }),
    getIncidentDetail,
    transitionPhase: (ctx, idOrReference, input) => transitionPhase(ctx, idOrReference, TransitionInput.parse(input)),
    phases: PHASES,
  },
  pagerduty: { acknowledgeIncident },
  messageSettled: noticeMessageSettled,
};
