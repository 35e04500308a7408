import type { ExportKindName } from '../../../incidents/index.ts';
import type { Viewer } from '../layout.tsx';
import { Layout } from '../layout.tsx';

const KIND_LABELS: Record<ExportKindName, string> = {
  incidents: 'Incidents and their roles',
  timelines: 'Timelines',
  notes: 'Notes with every revision',
  rcas: 'Root-cause analyses',
  'action-items': 'Action items',
  'breach-assessments': 'Breach facts and applied regimes',
  obligations: 'Obligations and their warnings',
  notices: 'Breach notices and recipients',
  deliveries: 'Delivery records (every message sent or owed)',
  alerts: 'Alerts and silences',
  users: 'Users, roles and API tokens (never passwords, TOTP seeds or token hashes)',
  audit: 'The audit trail',
  reports: 'A Markdown report per incident',
};

/** /admin/export: download everything, or kind by kind, in open formats. */
export function ExportPage({ viewer, kinds }: { viewer: Viewer; kinds: readonly ExportKindName[] }) {
  return (
    <Layout title="Export data" viewer={viewer} section="admin">
      <p>
        <a href="/admin">← Admin</a>
      </p>
      <h1>Export data</h1>
      <p class="muted">
        A tar archive in open formats: NDJSON (one JSON object a line) per table, CSV where the rows are flat, a Markdown report per
        incident, and <code>manifest.json</code> with the row count and SHA-256 of every file. It is made while it downloads; a large
        install takes a while.
      </p>
      <form method="get" action="/admin/export/download" class="card" id="form-export">
        <fieldset>
          <legend>What to export</legend>
          {kinds.map((kind) => (
            <div class="field checkbox">
              <label for={`export-${kind}`}>
                <input id={`export-${kind}`} type="checkbox" name="kinds" value={kind} checked /> {KIND_LABELS[kind]}
              </label>
            </div>
          ))}
        </fieldset>
        <button type="submit">Download export (.tar)</button>
      </form>
      <h2>One kind at a time</h2>
      <p class="muted">
        If a download breaks, fetch only the kinds you still lack: each archive has its own manifest. From a script:{' '}
        <code>GET /api/export/&lt;kind&gt;</code>; on the server: <code>npx firebreak export --out DIR</code>, which resumes by itself.
      </p>
      <ul class="export-kinds">
        {kinds.map((kind) => (
          <li>
            <a href={`/admin/export/download?kinds=${kind}`} download>
              {kind}
            </a>{' '}
            <span class="muted">{KIND_LABELS[kind]}</span>
          </li>
        ))}
      </ul>
    </Layout>
  );
}
