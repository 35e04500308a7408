import type { Config, Severity } from '../../platform/index.ts';
import { alertFingerprint } from './fingerprint.ts';
import type { FlapSettings } from './flapping.ts';

/** How alerts are grouped, mapped and expired; from the ALERT_* environment variables. */
export interface AlertSettings {
  /** Labels whose values form the group key of alerts that arrive without one (API v2, SLO burns). */
  groupBy: string[];
  /** An alert posted without endsAt is active until now plus this (Alertmanager's resolve_timeout). */
  resolveTimeoutMs: number;
  severityLabel: string;
  /** Label value → incident severity; values not listed get defaultSeverity. */
  severityMap: Record<string, Severity>;
  defaultSeverity: Severity;
  /** An alert that fires again within this long after resolving returns to its incident. */
  refireWindowMs: number;
  maxAlertsPerRequest: number;
  /** When an alert flaps (ALERT_FLAP_THRESHOLD, ALERT_FLAP_WINDOW_SECONDS). */
  flap: FlapSettings;
}

const settingsByConfig = new WeakMap<Config, AlertSettings>();

/**
 * The alert settings of a configuration, made once per Config object: ingestion lets requests share a
 * transaction only when they are judged with the same settings object.
 */
export function alertSettingsFrom(config: Config): AlertSettings {
  let settings = settingsByConfig.get(config);
  if (!settings) {
    settings = parseAlertSettings(config);
    settingsByConfig.set(config, settings);
  }
  return settings;
}

function parseAlertSettings(config: Config): AlertSettings {
  const severityMap: Record<string, Severity> = {};
  for (const pair of config.ALERT_SEVERITY_MAP.split(',')) {
    const [value = '', severity = ''] = pair.split('=').map((part) => part.trim());
    severityMap[value.toLowerCase()] = severity as Severity;
  }
  return {
    groupBy: config.ALERT_GROUP_BY.split(',').map((name) => name.trim()),
    resolveTimeoutMs: config.ALERT_RESOLVE_TIMEOUT_SECONDS * 1000,
    severityLabel: config.ALERT_SEVERITY_LABEL,
    severityMap,
    defaultSeverity: config.ALERT_DEFAULT_SEVERITY,
    refireWindowMs: config.ALERT_REFIRE_WINDOW_SECONDS * 1000,
    maxAlertsPerRequest: config.ALERT_MAX_PER_REQUEST,
    flap: { threshold: config.ALERT_FLAP_THRESHOLD, windowMs: config.ALERT_FLAP_WINDOW_SECONDS * 1000 },
  };
}

export function severityOf(labels: Readonly<Record<string, string>>, settings: AlertSettings): Severity {
  const value = labels[settings.severityLabel];
  return (value !== undefined ? settings.severityMap[value.toLowerCase()] : undefined) ?? settings.defaultSeverity;
}

/**
 * The group key of an alert without one, in Alertmanager's format for its root route
 * (`{}:{alertname="HighErrorRate", service="checkout"}`), so that an alert grouped by Alertmanager's
 * default route and the same alert posted straight from Prometheus land in the same incident.
 */
export function groupKeyOf(labels: Readonly<Record<string, string>>, groupBy: readonly string[]): string {
  let key = '';
  for (const name of groupNames(groupBy)) {
    const value = labels[name];
    if (value !== undefined) key += `${key === '' ? '' : ', '}${name}=${JSON.stringify(value)}`;
  }
  return boundedGroupKey(`{}:{${key}}`);
}

// The group_by names of a setting, once de-duplicated and sorted: the same few for every alert.
const sortedGroupNames = new WeakMap<readonly string[], readonly string[]>();

function groupNames(groupBy: readonly string[]): readonly string[] {
  let names = sortedGroupNames.get(groupBy);
  if (!names) {
    names = [...new Set(groupBy)].sort();
    sortedGroupNames.set(groupBy, names);
  }
  return names;
}

/** Incidents keep group keys of at most this many characters. */
export const MAX_GROUP_KEY = 2000;

/** A key too long to store is cut and made unique again by the fingerprint of the whole. */
export function boundedGroupKey(groupKey: string): string {
  if (groupKey.length <= MAX_GROUP_KEY) return groupKey;
  return `${groupKey.slice(0, MAX_GROUP_KEY - 20)}…#${alertFingerprint({ groupKey })}`;
}
