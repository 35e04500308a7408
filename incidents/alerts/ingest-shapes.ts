import type { Actor, Config } from '../../platform/index.ts';
import type { AlertSettings } from './alert-settings.ts';
import type { StoredAlert } from './alert-statements.ts';
import type { Delivery, MergeResult } from './merge-alert.ts';
import type { AlertSource } from './schema/alerts.ts';

/** An alert as a sender describes it, already parsed from its wire format. */
export interface ReceivedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  /** null: firing until a later delivery resolves it; a time in the past: resolved at that time. */
  endsAt: Date | null;
  generatorUrl?: string;
  /** Ignored beyond a consistency check: the fingerprint is always computed from the labels. */
  fingerprint?: string;
  /** endsAt was derived from the resolve timeout rather than given by the sender. */
  endsAtIsTimeout?: boolean;
}

export interface ReceiveOptions {
  /** The sender's group key (Alertmanager's groupKey); otherwise one is built from groupBy labels. */
  groupKey?: string;
  /** Labels to group by when there is no groupKey; default the settings' groupBy (ALERT_GROUP_BY). */
  groupBy?: string[];
  source?: AlertSource;
  /** What to judge the alerts with, when not the caller's configuration's own (SLO burns map their severities). */
  settings?: AlertSettings;
  /** The time the delivery is judged at (tests); default now. */
  now?: Date;
}

export interface ReceiveSummary {
  received: number;
  /** Alerts seen for the first time. */
  created: number;
  /** Known alerts whose stored values changed (heartbeats that moved endsAt, new annotations, ...). */
  updated: number;
  /** Known alerts delivered again with nothing new: no write at all. */
  unchanged: number;
  resolved: number;
  refired: number;
  /** Firing alerts muted by a silence: stored, but they joined and paged nothing. */
  silenced: number;
  /** Firing alerts muted by an inhibition rule (a firing source alert): stored, but they joined and paged nothing. */
  inhibited: number;
  incidentsOpened: string[];
  /** Existing incidents that gained or regained an alert. */
  incidentsJoined: string[];
}

/** One alert of a delivery as ingestion carries it: fingerprinted, grouped and normalised. */
export interface Incoming {
  fingerprint: string;
  labels: Record<string, string>;
  delivery: Delivery;
  groupKey: string;
  actor: Actor;
  source: AlertSource;
}

/** What a delivery does to one alert: its stored row (if any) and the merge of the two. */
export interface Plan {
  incoming: Incoming;
  row: StoredAlert | undefined;
  merge: MergeResult;
}

/** What an ingest transaction judges its alerts with, and the configuration of the incidents it opens. */
export interface IngestContext {
  settings: AlertSettings;
  config: Config;
  now: Date;
}
