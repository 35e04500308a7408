import type { Severity } from '../platform/index.ts';
/**
 * What the incidents part tells the notifier. The notifier does not read incident tables; everything
 * a message needs travels in the snapshot and the change's own facts.
 */
export interface IncidentSnapshot {
  id: string;
  /** "INC-42" */
  reference: string;
  title: string;
  severity: Severity;
  phase: string;
  services: string[];
  commander: { id: string; name: string } | null;
  acknowledgedAt: Date | null;
  recoveredAt: Date | null;
  closedAt: Date | null;
}

/** An alert as a change names it (the incidents part's description of an alert event). */
export interface ChangedAlert {
  fingerprint: string;
  alertname: string | null;
  severity: Severity;
  summary: string | null;
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string | null;
  generatorUrl: string | null;
}

interface ChangeOf<Kind extends string> {
  kind: Kind;
  incident: IncidentSnapshot;
  at: Date;
  /** Who caused it, for "acknowledged by Ana". */
  actorName: string;
}

export type IncidentOpened = ChangeOf<'opened'>;

export interface IncidentAcknowledged extends ChangeOf<'acknowledged'> {
  via: 'web' | 'api' | 'slack' | 'pagerduty';
}

export interface PhaseChanged extends ChangeOf<'phase_changed'> {
  from: string;
  to: string;
  reason: string | null;
  /** An open exit checklist was skipped. */
  override: boolean;
}

export interface SeverityChanged extends ChangeOf<'severity_changed'> {
  from: Severity;
  to: Severity;
  reason: string | null;
}

export interface RoleAssigned extends ChangeOf<'roles_changed'> {
  released: false;
  role: string;
  name: string;
  userId: string | null;
  /** Whom a single-holder role was handed over from. */
  previous: { name: string; userId: string | null } | null;
}

export interface RoleReleased extends ChangeOf<'roles_changed'> {
  released: true;
  role: string;
  name: string;
  userId: string | null;
}

/** What one delivery did to the alerts of an open incident: joins, re-fires, resolutions. */
export interface AlertsJoined extends ChangeOf<'alert_joined'> {
  /** The first of them (at most 20). */
  alerts: ChangedAlert[];
  /** How many changed, listed or not. */
  count: number;
  /** The sentence the timeline entry of the delivery says ("37 alerts joined: HighErrorRate on api-1…api-37"). */
  text?: string;
}

/**
 * Every signal recovered: the last firing alert resolved, the incident was moved to recovery, or the
 * heartbeat whose silence opened it is heard again.
 */
export type IncidentResolved =
  | (ChangeOf<'resolved'> & { via: 'recovery' })
  | (ChangeOf<'resolved'> & { via: 'alerts'; alerts: ChangedAlert[] /** The delivery's timeline sentence. */; text?: string })
  | (ChangeOf<'resolved'> & { via: 'heartbeat'; heartbeat: string });

/**
 * The incident's last firing alerts expired: their source stopped refreshing them and nobody said they
 * recovered (Prometheus or Alertmanager went quiet). The incident stays open and pages stay as they are.
 */
export interface SignalsExpired extends ChangeOf<'signals_expired'> {
  /** The first of them (at most 20). */
  alerts: ChangedAlert[];
  /** How many expired, listed or not. */
  count: number;
}

export interface IncidentReopened extends ChangeOf<'reopened'> {
  alerts: ChangedAlert[];
  /** The delivery's timeline sentence ("HighErrorRate on api-1 fired again"). */
  text?: string;
}

/**
 * Alerts of the incident stopped flapping: no state change for a whole flap window. Their messages
 * were held meanwhile; this one says how they settled, and the pages are made to match.
 */
export interface AlertSettled extends ChangeOf<'alert_settled'> {
  /** The first of them (at most 20). */
  alerts: ChangedAlert[];
  count: number;
  /** How they settled: firing (the incident pages), resolved, or expired (their source went silent). */
  state: 'firing' | 'resolved' | 'expired';
  /** The incident has no firing alert left and is resolved: its pages are resolved. */
  incidentResolved: boolean;
}

export interface IncidentClosed extends ChangeOf<'closed'> {
  reason: string | null;
}

/** A breach-notification deadline approaching, reached or passed (overdue: paged). */
export interface ObligationDeadline {
  subject: 'breach_obligation';
  obligationId: string;
  /** "Notify the regulator" */
  title: string;
  /** The regime's id ("gdpr"). */
  regime: string;
  /** Which warning of the obligation's plan this is ('75%', 'due', 'overdue-1', ...). */
  point: string;
  dueAt: Date;
  overdue: boolean;
}

/** An overdue action item of the root-cause analysis: a reminder, which never pages. */
export interface ActionItemDeadline {
  subject: 'action_item';
  actionItemId: string;
  title: string;
  ownerName: string;
  /** 1 for the first reminder, then 2, 3, ... */
  reminder: number;
  dueAt: Date;
}

export interface DeadlineWarning extends ChangeOf<'deadline_warning'> {
  deadline: ObligationDeadline | ActionItemDeadline;
}

export interface NoteAdded extends ChangeOf<'note_added'> {
  noteId: string;
  text: string;
  source: 'web' | 'api' | 'slack';
}

/** One change of an incident, with exactly the facts its messages are made of. */
export type IncidentChange =
  | IncidentOpened
  | IncidentAcknowledged
  | PhaseChanged
  | SeverityChanged
  | RoleAssigned
  | RoleReleased
  | AlertsJoined
  | IncidentResolved
  | SignalsExpired
  | IncidentReopened
  | AlertSettled
  | IncidentClosed
  | DeadlineWarning
  | NoteAdded;

export type IncidentChangeKind = IncidentChange['kind'];
