import type { Elevation } from '../../../platform/index.ts';
import { requestExpiresAt } from '../../../platform/index.ts';
import { PageForm, TextField } from '../form-fields.tsx';
import type { Viewer } from '../layout.tsx';
import { Flash, Layout, Time } from '../layout.tsx';
import { elevationState } from './elevation-state.ts';
import { AdminNav } from './nav.tsx';

function PendingElevation({ viewer, elevation, requestTtlMinutes }: { viewer: Viewer; elevation: Elevation; requestTtlMinutes: number }) {
  const own = elevation.userId === viewer.actor.userId;
  const formId = `decide-${elevation.id}`;
  return (
    <li class="card" id={`elevation-${elevation.id}`}>
      <p>
        <strong>{elevation.userName}</strong> ({elevation.fromRole}) asks for <strong>{elevation.role}</strong> for {elevation.minutes}{' '}
        minutes · <Time at={elevation.requestedAt} /> · unanswered, expires at{' '}
        <Time at={requestExpiresAt(elevation.requestedAt, requestTtlMinutes)} />
      </p>
      <p>Reason: {elevation.reason}</p>
      {own ? (
        <p class="muted">Your own request: another admin decides it.</p>
      ) : viewer.actor.elevation ? (
        <p class="muted">You are elevated yourself: an admin in their own right decides it.</p>
      ) : (
        <PageForm id={formId} action={`/admin/elevations/${elevation.id}/decide`} viewer={viewer} class="inline-form">
          <TextField form={formId} name="note" label="Note (optional)" maxlength={1000} />
          <button type="submit" name="decision" value="approve">
            Approve
          </button>
          <button type="submit" name="decision" value="refuse" class="danger">
            Refuse
          </button>
        </PageForm>
      )}
    </li>
  );
}

/** /admin/elevations: requests waiting for a decision, and the recent elevations with their outcome. */
export function ElevationsPage({
  viewer,
  elevations,
  requestTtlMinutes,
  notice,
  error,
}: {
  viewer: Viewer;
  elevations: Elevation[];
  requestTtlMinutes: number;
  notice?: string | null;
  error?: string | null;
}) {
  const pending = elevations.filter((elevation) => elevation.status === 'pending');
  const decided = elevations.filter((elevation) => elevation.status !== 'pending');
  return (
    <Layout title="Elevations" viewer={viewer} section="admin">
      <h1>Break-glass elevations</h1>
      <AdminNav viewer={viewer} current="/admin/elevations" />
      <Flash notice={notice} error={error} />
      <section aria-labelledby="pending-title">
        <h2 id="pending-title">Waiting for a decision</h2>
        {pending.length === 0 ? <p class="muted">No request is waiting.</p> : null}
        <ul style="list-style:none;margin:0;padding:0">
          {pending.map((elevation) => (
            <PendingElevation viewer={viewer} elevation={elevation} requestTtlMinutes={requestTtlMinutes} />
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="recent-title">
        <h2 id="recent-title">Recent elevations</h2>
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Role</th>
              <th scope="col">State</th>
              <th scope="col">From</th>
              <th scope="col">Until</th>
              <th scope="col">Decided by</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {decided.map((elevation) => (
              <tr>
                <td data-label="Person">{elevation.userName}</td>
                <td data-label="Role">
                  {elevation.fromRole} → {elevation.role}
                </td>
                <td data-label="State">
                  {elevationState(elevation)}
                  {elevation.selfApproved ? <strong> · self-approved</strong> : null}
                </td>
                <td data-label="From">
                  <Time at={elevation.startsAt ?? elevation.requestedAt} />
                </td>
                <td data-label="Until">
                  <Time at={elevation.endedAt ?? elevation.endsAt} />
                </td>
                <td data-label="Decided by">
                  {elevation.decidedByName ?? (elevation.status === 'expired' ? `nobody within ${requestTtlMinutes} minutes` : '—')}
                  {elevation.decisionNote ? <span class="muted"> · {elevation.decisionNote}</span> : null}
                </td>
                <td data-label="Reason">{elevation.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}
