import type { AuditEntry, AuditVerification } from '../../../platform/index.ts';
import type { Viewer } from '../layout.tsx';
import { Layout, Time } from '../layout.tsx';
import { AdminNav } from './nav.tsx';

export interface AuditFilters {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
}

export function AuditPage({
  viewer,
  entries,
  filters,
  nextBefore,
  verification,
}: {
  viewer: Viewer;
  entries: AuditEntry[];
  filters: AuditFilters;
  nextBefore: number | null;
  verification: AuditVerification | null;
}) {
  const query = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])));
  return (
    <Layout title="Audit log" viewer={viewer} section="admin">
      <h1>Audit log</h1>
      <AdminNav viewer={viewer} current="/admin/audit" />
      <section class="card" aria-labelledby="verify-title">
        <h2 id="verify-title">Hash chain</h2>
        {verification ? (
          verification.ok ? (
            <p class="flash ok" role="status" id="verify-result">
              Intact: all {verification.entries} entries verified
              {verification.prunedThrough
                ? `, from entry ${verification.prunedThrough + 1}: entries 1 to ${verification.prunedThrough} were deleted by retention (AUDIT_RETENTION_DAYS), and the chain is anchored where they end.`
                : '.'}
            </p>
          ) : (
            <div class="flash error" role="alert" id="verify-result">
              <p>
                BROKEN: {verification.problems.length} problem(s) in {verification.entries} entries.
              </p>
              <ul>
                {verification.problems.slice(0, 50).map((problem) => (
                  <li>
                    {problem.kind}: {problem.message}
                  </li>
                ))}
              </ul>
            </div>
          )
        ) : null}
        <form method="get" action="/admin/audit">
          <input type="hidden" name="verify" value="1" />
          <button type="submit" class="secondary">
            Verify the chain
          </button>
        </form>
      </section>
      <form class="card filters" method="get" action="/admin/audit" role="search" aria-label="Filter the audit log">
        <div>
          <label for="audit-action">Action</label>
          <input id="audit-action" name="action" type="text" value={filters.action ?? ''} placeholder="e.g. auth.session.login" />
        </div>
        <div>
          <label for="audit-actor">Actor id</label>
          <input id="audit-actor" name="actorId" type="text" value={filters.actorId ?? ''} />
        </div>
        <div>
          <label for="audit-target-type">Target type</label>
          <input id="audit-target-type" name="targetType" type="text" value={filters.targetType ?? ''} />
        </div>
        <div>
          <label for="audit-target-id">Target id</label>
          <input id="audit-target-id" name="targetId" type="text" value={filters.targetId ?? ''} />
        </div>
        <div>
          <button type="submit">Filter</button>
        </div>
      </form>
      <table class="responsive">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody id="audit-rows">
          {entries.map((entry) => (
            <tr data-action={entry.action}>
              <td data-label="#">{entry.position}</td>
              <td data-label="When">
                <Time at={entry.at} />
              </td>
              <td data-label="Who">
                {entry.actorName} <span class="muted">({entry.actorType})</span>
                {entry.details.elevation ? <strong title="Done under a break-glass elevation"> · elevated</strong> : null}
                {entry.sourceAddress ? <div class="muted">{entry.sourceAddress}</div> : null}
              </td>
              <td data-label="Action">
                <code>{entry.action}</code>
              </td>
              <td data-label="Target">
                {entry.targetType}
                {entry.targetId ? <div class="muted">{entry.targetId}</div> : null}
              </td>
              <td data-label="Details">
                <code style="overflow-wrap:anywhere">{JSON.stringify(entry.details)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {nextBefore ? (
        <p class="pager">
          <a href={`/admin/audit?${new URLSearchParams([...query.entries(), ['before', String(nextBefore)]]).toString()}`}>Older entries</a>
        </p>
      ) : null}
    </Layout>
  );
}
