import type { getBreachStatus } from '../../incidents/index.ts';
import { AssessmentTable, FactsForm, MarkBreachForm } from './breach-assessment.tsx';
import type { SendingState } from './breach-notices.tsx';
import { BreachNotices } from './breach-notices.tsx';
import { Countdown } from './countdown.tsx';
import { PageForm, SelectField, TextAreaField, TextField, useRefused } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { can, Time } from './layout.tsx';

export type BreachStatus = Awaited<ReturnType<typeof getBreachStatus>>;
type Obligation = BreachStatus['obligations'][number];

const words = (value: string) => value.replaceAll('_', ' ');
const ACTIVE = new Set(['assessing', 'applicable', 'late']);

/** Amber from the first deadline warning (when it was sent, or when it is due), red once overdue. */
export function warnAtOf(obligation: Pick<Obligation, 'warningsSent' | 'nextWarning'>): Date | null {
  const first = obligation.warningsSent[0]?.firedAt ?? obligation.nextWarning?.at ?? null;
  return first ? new Date(first) : null;
}

function ObligationRow({ obligation }: { obligation: Obligation }) {
  const active = ACTIVE.has(obligation.state) && obligation.effectiveDueAt;
  return (
    <tr data-obligation={obligation.key} data-regime={obligation.regimeId} data-state={obligation.state}>
      <td data-label="Obligation">
        <strong>{obligation.title}</strong>
        <div class="muted">
          to {words(obligation.recipient)} · {obligation.regimeId}
        </div>
      </td>
      <td data-label="State">
        <span class={`badge state-${obligation.state}`}>{words(obligation.state)}</span>
        {obligation.notApplicableReason ? <div class="muted">{obligation.notApplicableReason}</div> : null}
        {obligation.suspendedUntil ? (
          <div class="muted">
            suspended until <Time at={obligation.suspendedUntil} /> ({obligation.suspensionGrantedBy})
          </div>
        ) : null}
      </td>
      <td data-label="Due">
        {obligation.effectiveDueAt ? (
          <>
            <Time at={obligation.effectiveDueAt} />
            {obligation.dueLocal && obligation.timeZone !== 'UTC' ? (
              <div class="muted">{`${obligation.dueLocal} (${obligation.timeZone})`}</div>
            ) : null}
          </>
        ) : (
          <span class="muted">{obligation.basis ?? 'starts when its anchor is known'}</span>
        )}
      </td>
      <td data-label="Time left">
        {active && obligation.effectiveDueAt ? (
          <Countdown dueAt={obligation.effectiveDueAt} warnAt={warnAtOf(obligation)} />
        ) : obligation.submittedAt ? (
          <span>
            submitted <Time at={obligation.submittedAt} />
            {obligation.submittedVia && obligation.submittedVia !== 'notice' ? ` (${obligation.submittedVia}, outside Firebreak)` : ''}
            {obligation.late ? <strong> (late)</strong> : null}
            {obligation.submissionReference && obligation.submittedVia !== 'notice' ? (
              <div class="muted">evidence: {obligation.submissionReference}</div>
            ) : null}
          </span>
        ) : (
          <span class="muted">—</span>
        )}
        {obligation.delayReasonMissing ? <div class="field-error">a delay reason is owed</div> : null}
        {obligation.delayReason ? <div class="muted">delay: {obligation.delayReason}</div> : null}
      </td>
    </tr>
  );
}

/** What a commander does to one open obligation: record it sent outside Firebreak, a delay reason, a suspension. */
function ObligationActions({ obligation, viewer, reference }: { obligation: Obligation; viewer: Viewer; reference: string }) {
  const base = `/incidents/${reference}/breach/obligations/${obligation.id}`;
  const submitId = `obligation-submit-${obligation.id.slice(0, 8)}`;
  const delayId = `obligation-delay-${obligation.id.slice(0, 8)}`;
  const suspendId = `obligation-suspend-${obligation.id.slice(0, 8)}`;
  return (
    <div class="obligation-actions" data-actions-for={obligation.key} data-regime={obligation.regimeId}>
      <details open={useRefused(submitId)}>
        <summary>{`Record "${obligation.title}" as sent outside Firebreak`}</summary>
        <PageForm id={submitId} action={`${base}/submit`} viewer={viewer}>
          <SelectField
            form={submitId}
            name="via"
            label="Sent by"
            value="email"
            options={[
              { value: 'email', label: 'e-mail from another system' },
              { value: 'portal', label: "the regulator's portal" },
              { value: 'letter', label: 'letter' },
              { value: 'phone', label: 'phone' },
              { value: 'other', label: 'other' },
            ]}
          />
          <TextField form={submitId} name="submittedAt" type="datetime-local" label="Sent at (UTC; blank: now)" />
          <TextField form={submitId} name="reference" label="Evidence (receipt number, ticket, file)" required maxlength={500} />
          <TextAreaField form={submitId} name="note" label="Why outside Firebreak" required maxlength={2000} rows={2} />
          {obligation.late && !obligation.delayReason ? (
            <TextAreaField form={submitId} name="delayReason" label="Reasons for the delay" required maxlength={5000} rows={2} />
          ) : null}
          <p>
            <button type="submit">Record submission</button>
          </p>
        </PageForm>
      </details>
      {obligation.late || obligation.delayReasonMissing ? (
        <details open={useRefused(delayId)}>
          <summary>Record the reasons for the delay</summary>
          <PageForm id={delayId} action={`${base}/delay-reason`} viewer={viewer}>
            <TextAreaField form={delayId} name="reason" label="Reasons for the delay" required maxlength={5000} rows={2} />
            <p>
              <button type="submit">Record reason</button>
            </p>
          </PageForm>
        </details>
      ) : null}
      {obligation.effectiveDueAt ? (
        <details open={useRefused(suspendId)}>
          <summary>Record a sanctioned suspension</summary>
          <PageForm id={suspendId} action={`${base}/suspend`} viewer={viewer}>
            <p class="hint">Only when an authority sanctioned a delay (e.g. a law-enforcement request); the deadline moves to its end.</p>
            <TextField form={suspendId} name="until" type="datetime-local" label="Suspended until (UTC)" required />
            <TextField form={suspendId} name="grantedBy" label="Granted by" required maxlength={300} />
            <TextAreaField form={suspendId} name="reason" label="Reason" required maxlength={5000} rows={2} />
            <p>
              <button type="submit" class="secondary">
                Record suspension
              </button>
            </p>
          </PageForm>
        </details>
      ) : null}
    </div>
  );
}

/** The regimes the incident is under, how each came to apply, and the forms to apply or withdraw one. */
function Regimes({
  status,
  viewer,
  reference,
  catalog,
}: {
  status: BreachStatus;
  viewer: Viewer;
  reference: string;
  catalog: { id: string; name: string }[];
}) {
  const active = status.regimes.filter((regime) => !regime.withdrawnAt);
  const applicable = catalog.filter((regime) => !status.regimes.some((applied) => applied.id === regime.id));
  return (
    <>
      <ul class="regimes">
        {status.regimes.map((regime) => (
          <li data-regime={regime.id} data-withdrawn={regime.withdrawnAt ? 'true' : undefined}>
            {regime.withdrawnAt ? <s>{regime.name}</s> : <strong>{regime.name}</strong>}{' '}
            <span class="muted">
              {regime.automatic ? 'applied automatically' : `applied by ${regime.appliedBy}`}, <Time at={regime.appliedAt} />
            </span>
            {regime.withdrawnAt ? (
              <div class="muted">
                withdrawn by {regime.withdrawnBy}, <Time at={regime.withdrawnAt} />: {regime.withdrawalReason}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {can(viewer, 'breach:assess') ? (
        <div class="actions">
          {applicable.length ? (
            <details open={useRefused('regime-apply')}>
              <summary>Apply a regime</summary>
              <PageForm id="regime-apply" action={`/incidents/${reference}/breach/regimes`} viewer={viewer}>
                <SelectField
                  form="regime-apply"
                  name="regimeId"
                  label="Regime"
                  options={applicable.map((regime) => ({ value: regime.id, label: regime.name }))}
                />
                <p>
                  <button type="submit">Apply</button>
                </p>
              </PageForm>
            </details>
          ) : null}
          {active.length ? (
            <details open={useRefused('regime-withdraw')}>
              <summary>Withdraw a regime from this incident</summary>
              <PageForm id="regime-withdraw" action={`/incidents/${reference}/breach/regimes/withdraw`} viewer={viewer}>
                <SelectField
                  form="regime-withdraw"
                  name="regimeId"
                  label="Regime"
                  options={active.map((regime) => ({ value: regime.id, label: regime.name }))}
                />
                <TextAreaField
                  form="regime-withdraw"
                  name="reason"
                  label="Why it does not apply"
                  hint="At least 10 characters; kept on the timeline and in the audit trail."
                  required
                  maxlength={2000}
                  rows={2}
                />
                <p>
                  <button type="submit" class="secondary">
                    Withdraw
                  </button>
                </p>
              </PageForm>
            </details>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

export function BreachPanel({
  status,
  viewer,
  reference,
  catalog = [],
  sending,
}: {
  status: BreachStatus;
  viewer: Viewer;
  reference: string;
  catalog?: { id: string; name: string }[];
  sending?: SendingState;
}) {
  if (!status.incident.isBreach && status.obligations.length === 0 && status.notices.length === 0) {
    if (!can(viewer, 'breach:assess')) return null;
    return (
      <section class="card" aria-labelledby="breach-title" id="breach">
        <h2 id="breach-title">Breach notification</h2>
        <p class="muted">
          Personal data involved, or suspected? Marking the incident starts the notification clocks of the default regimes.
        </p>
        <MarkBreachForm viewer={viewer} reference={reference} />
      </section>
    );
  }
  const open = status.obligations.filter((obligation) => ACTIVE.has(obligation.state));
  return (
    <section class="card" aria-labelledby="breach-title" id="breach">
      <h2 id="breach-title">
        Breach notification {status.incident.isBreach ? <span class="badge breach">personal-data breach</span> : null}
      </h2>
      <Regimes status={status} viewer={viewer} reference={reference} catalog={catalog} />
      {status.obligations.length === 0 ? (
        <p class="muted">No regime applies yet.</p>
      ) : (
        <table class="responsive obligations">
          <thead>
            <tr>
              <th scope="col">Obligation</th>
              <th scope="col">State</th>
              <th scope="col">Due</th>
              <th scope="col">Time left</th>
            </tr>
          </thead>
          <tbody>
            {status.obligations.map((obligation) => (
              <ObligationRow obligation={obligation} />
            ))}
          </tbody>
        </table>
      )}
      {can(viewer, 'breach:assess')
        ? open.map((obligation) => <ObligationActions obligation={obligation} viewer={viewer} reference={reference} />)
        : null}
      <h3>Assessment</h3>
      <AssessmentTable status={status} />
      <FactsForm status={status} viewer={viewer} reference={reference} />
      <BreachNotices status={status} viewer={viewer} reference={reference} sending={sending} />
      <p class="report-links">
        <a href={`/api/incidents/${reference}/breach/report?format=text`}>Regulator report</a> ·{' '}
        <a href={`/api/breach/compliance?incident=${reference}&format=csv`}>Compliance report (CSV)</a>
      </p>
    </section>
  );
}
