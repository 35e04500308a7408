/** One table written as NDJSON (and CSV when its rows are flat enough to read in a spreadsheet). */
export interface ExportTable {
  table: string;
  /** The file's name without extension, e.g. "note-revisions". */
  file: string;
  /** A unique, ordered column: the export reads the table in batches after the last key written. */
  key: string;
  csv: boolean;
  /** Columns never exported: secrets and hashes that only serve logging in. */
  omit?: readonly string[];
}

export const EXPORT_KIND_NAMES = [
  'incidents',
  'timelines',
  'notes',
  'rcas',
  'action-items',
  'breach-assessments',
  'obligations',
  'notices',
  'deliveries',
  'alerts',
  'users',
  'audit',
  'reports',
] as const;
export type ExportKindName = (typeof EXPORT_KIND_NAMES)[number];

/**
 * What each kind holds. The export reads these tables by name, read-only, so that it holds every
 * column a part adds without each part writing its own exporter; `reports` is the Markdown report of
 * each incident, from the reports room.
 */
export const EXPORT_TABLES: Readonly<Record<ExportKindName, readonly ExportTable[]>> = {
  incidents: [
    { table: 'incidents', file: 'incidents', key: 'id', csv: true },
    { table: 'incident_roles', file: 'incident-roles', key: 'id', csv: true },
  ],
  timelines: [{ table: 'timeline_events', file: 'timeline-events', key: 'id', csv: false }],
  notes: [
    { table: 'incident_notes', file: 'notes', key: 'id', csv: true },
    { table: 'note_revisions', file: 'note-revisions', key: 'id', csv: true },
  ],
  rcas: [{ table: 'root_cause_analyses', file: 'rcas', key: 'incident_id', csv: false }],
  'action-items': [{ table: 'action_items', file: 'action-items', key: 'id', csv: true }],
  'breach-assessments': [
    { table: 'breach_facts', file: 'breach-facts', key: 'id', csv: false },
    { table: 'breach_incident_regimes', file: 'breach-regimes-applied', key: 'id', csv: true },
  ],
  obligations: [
    { table: 'breach_obligations', file: 'obligations', key: 'id', csv: true },
    { table: 'breach_warnings', file: 'obligation-warnings', key: 'id', csv: true },
  ],
  notices: [
    { table: 'breach_notices', file: 'notices', key: 'id', csv: false },
    // The public token is the key to a recipient's notice page: handing it over would open the page to whoever reads the export.
    { table: 'breach_notice_recipients', file: 'notice-recipients', key: 'id', csv: true, omit: ['public_token'] },
  ],
  deliveries: [{ table: 'outbox_messages', file: 'delivery-records', key: 'id', csv: false, omit: ['claim_token'] }],
  alerts: [
    { table: 'alerts', file: 'alerts', key: 'id', csv: false },
    { table: 'silences', file: 'silences', key: 'id', csv: false },
  ],
  users: [
    { table: 'users', file: 'users', key: 'id', csv: true, omit: ['password_hash', 'totp_secret', 'totp_last_time_step'] },
    { table: 'api_tokens', file: 'api-tokens', key: 'id', csv: true, omit: ['token_hash'] },
  ],
  audit: [{ table: 'audit_entries', file: 'audit-trail', key: 'position', csv: false }],
  reports: [],
};

/** The kinds named in a comma-separated list (all when empty); an unknown name is refused by the caller. */
export function parseKindList(list: string | undefined): { kinds: ExportKindName[]; unknown: string[] } {
  const names = (list ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (!names.length) return { kinds: [...EXPORT_KIND_NAMES], unknown: [] };
  const known = new Set<string>(EXPORT_KIND_NAMES);
  return {
    kinds: EXPORT_KIND_NAMES.filter((kind) => names.includes(kind)),
    unknown: names.filter((name) => !known.has(name)),
  };
}
