import type { Incoming, ReceiveSummary } from './ingest-shapes.ts';

/** What happened to one alert in a transaction; a request's summary adds up those of its alerts. */
export interface Outcome {
  created: boolean;
  updated: boolean;
  unchanged: boolean;
  resolved: number;
  refired: number;
  silenced: boolean;
  inhibited: boolean;
  opened: string | null;
  joined: string | null;
}

/** The outcome of each alert of a transaction, by fingerprint. */
export type Outcomes = Map<string, Outcome>;

export function outcomeOf(outcomes: Outcomes, fingerprint: string): Outcome {
  let outcome = outcomes.get(fingerprint);
  if (!outcome) {
    outcome = {
      created: false,
      updated: false,
      unchanged: false,
      resolved: 0,
      refired: 0,
      silenced: false,
      inhibited: false,
      opened: null,
      joined: null,
    };
    outcomes.set(fingerprint, outcome);
  }
  return outcome;
}

/** One request's summary: the outcomes of its own alerts in the transaction it shared with others. */
export function summarize(incoming: ReadonlyMap<string, Incoming>, received: number, outcomes: Outcomes): ReceiveSummary {
  const summary: ReceiveSummary = {
    received,
    created: 0,
    updated: 0,
    unchanged: 0,
    resolved: 0,
    refired: 0,
    silenced: 0,
    inhibited: 0,
    incidentsOpened: [],
    incidentsJoined: [],
  };
  const opened = new Set<string>();
  const joined = new Set<string>();
  for (const fingerprint of incoming.keys()) {
    const outcome = outcomes.get(fingerprint);
    if (!outcome) continue;
    if (outcome.created) summary.created++;
    if (outcome.updated) summary.updated++;
    if (outcome.unchanged) summary.unchanged++;
    if (outcome.silenced) summary.silenced++;
    if (outcome.inhibited) summary.inhibited++;
    summary.resolved += outcome.resolved;
    summary.refired += outcome.refired;
    if (outcome.opened) opened.add(outcome.opened);
    if (outcome.joined) joined.add(outcome.joined);
  }
  summary.incidentsOpened = [...opened];
  summary.incidentsJoined = [...joined];
  return summary;
}
