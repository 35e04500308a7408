import type { Elevation } from '../../platform/index.ts';
import { ELEVATION_MINUTES, PERSON_ROLES_BY_RANK, requestExpiresAt, roleRank } from '../../platform/index.ts';
import { shortUtc } from './elevation-banner.tsx';
import { PageForm, SelectField, TextAreaField } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { CsrfField, Time } from './layout.tsx';

const DURATIONS = [
  { value: '30', label: '30 minutes' },
  { value: '60', label: '1 hour' },
  { value: '120', label: '2 hours' },
  { value: '240', label: '4 hours' },
  { value: '720', label: '12 hours' },
];

/** The account page's break-glass card: the elevation pending or in force, or the form to ask for one. */
export function ElevationSection({
  viewer,
  elevations,
  selfApprove,
  requestTtlMinutes,
}: {
  viewer: Viewer;
  elevations: Elevation[];
  selfApprove: boolean;
  requestTtlMinutes: number;
}) {
  const open = elevations.find((elevation) => elevation.status === 'pending' || elevation.status === 'active');
  // The latest request, when nobody answered it in time: the person sees why nothing happened.
  const latest = elevations[0];
  const unanswered = !open && latest?.status === 'expired' && !latest.decidedAt ? latest : null;
  const ownRole = viewer.actor.elevation?.fromRole ?? viewer.actor.role;
  const higher = PERSON_ROLES_BY_RANK.filter((role) => roleRank(role) > roleRank(ownRole));
  return (
    <section class="card" aria-labelledby="elevation-title" id="elevation">
      <h2 id="elevation-title">Break-glass elevation</h2>
      {open ? (
        <>
          <p>
            {open.status === 'pending' ? (
              <>
                You asked for <strong>{open.role}</strong> for {open.minutes} minutes (<Time at={open.requestedAt} />
                ); waiting for another admin to approve it. Unanswered, it expires at{' '}
                {shortUtc(requestExpiresAt(open.requestedAt, requestTtlMinutes))}.
              </>
            ) : (
              <>
                You are <strong>{open.role}</strong> until {open.endsAt ? shortUtc(open.endsAt) : '—'}, approved by {open.decidedByName}.
              </>
            )}
          </p>
          <p class="muted">Reason: {open.reason}</p>
          <form method="post" action={`/account/elevations/${open.id}/end`}>
            <CsrfField viewer={viewer} />
            <button type="submit">{open.status === 'pending' ? 'Withdraw the request' : 'End the elevation now'}</button>
          </form>
        </>
      ) : higher.length === 0 && !unanswered ? (
        <p class="muted">You are an admin: there is no higher role to ask for.</p>
      ) : (
        <>
          {unanswered ? (
            <p class="flash error" id="elevation-request-expired">
              Your request for <strong>{unanswered.role}</strong> (<Time at={unanswered.requestedAt} />) expired unanswered at{' '}
              {unanswered.endedAt ? shortUtc(unanswered.endedAt) : '—'}: no admin decided it within {requestTtlMinutes} minutes. Ask again
              if it is still needed.
            </p>
          ) : null}
          <p class="muted">
            For an emergency: ask for a higher role for a while, saying why.{' '}
            {selfApprove
              ? 'Self-approval is on: it is granted at once and announced to every admin and in the ops channel.'
              : 'Another admin approves or refuses it; it ends by itself.'}{' '}
            Everything you do under it is marked in the audit trail.
          </p>
          <PageForm id="elevation" action="/account/elevations" viewer={viewer}>
            <SelectField form="elevation" name="role" label="Role" value={higher.at(-1)} options={higher} />
            <SelectField
              form="elevation"
              name="minutes"
              label="For"
              value="60"
              options={DURATIONS}
              hint={`Between ${ELEVATION_MINUTES.min} minutes and 12 hours.`}
            />
            <TextAreaField form="elevation" name="reason" label="Reason" required maxlength={1000} rows={3} />
            <button type="submit">{selfApprove ? 'Elevate now' : 'Ask for elevation'}</button>
          </PageForm>
        </>
      )}
    </section>
  );
}
