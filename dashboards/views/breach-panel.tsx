import type { getBreachStatus } from '../../incidents/index.ts';
import { Countdown } from './countdown.tsx';
import type { Viewer } from './layout.tsx';
import { CsrfField, can, Time } from './layout.tsx';

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
    <tr data-obligation={obligation.key} data-state={obligation.state}>
      <td data-label="Obligation">
        <strong>{obligation.title}</strong>
        <div class="muted">to {obligation.recipient}</div>
      </td>
      <td data-label="State">{words(obligation.state)}</td>
      <td data-label="Due">
        {obligation.effectiveDueAt ? (
          <>
            <Time at={obligation.effectiveDueAt} />
            {obligation.dueLocal && obligation.timeZone !== 'UTC' ? (
              <div class="muted">{`${obligation.dueLocal} (${obligation.timeZone})`}</div>
            ) : null}
          </>
        ) : (
          <span class="muted">{obligation.basis ?? 'without undue delay'}</span>
        )}
      </td>
      <td data-label="Time left">
        {active && obligation.effectiveDueAt ? (
          <Countdown dueAt={obligation.effectiveDueAt} warnAt={warnAtOf(obligation)} />
        ) : obligation.submittedAt ? (
          <span>
            submitted <Time at={obligation.submittedAt} />
            {obligation.late ? <strong> (late)</strong> : null}
          </span>
        ) : (
          <span class="muted">—</span>
        )}
        {obligation.delayReasonMissing ? <div class="muted">a delay reason is owed</div> : null}
      </td>
    </tr>
  );
}

export function BreachPanel({ status, viewer, reference }: { status: BreachStatus; viewer: Viewer; reference: string }) {
  if (status.obligations.length === 0 && status.notices.length === 0 && !status.incident.isBreach) return null;
  const draftable = status.obligations.filter((obligation) => ACTIVE.has(obligation.state));
  return (
    <section class="card" aria-labelledby="breach-title" id="breach">
      <h2 id="breach-title">Breach notification</h2>
      {status.regimes.length ? <p class="muted">Regimes: {status.regimes.map((regime) => regime.name).join(', ')}</p> : null}
      {status.obligations.length === 0 ? (
        <p class="muted">No regime applied yet.</p>
      ) : (
        <table class="responsive">
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
      <h3>Notices</h3>
      {status.notices.length === 0 ? <p class="muted">No notice drafted.</p> : null}
      {status.notices.map((notice) => (
        <article class="card" data-notice={notice.id} data-status={notice.status}>
          <h4>
            {notice.subject} <span class="badge">{notice.status}</span>
          </h4>
          <p class="muted">
            drafted by {notice.draftedBy}
            {notice.approvedBy ? `, approved by ${notice.approvedBy}` : ''}
            {notice.sentBy ? `, sent by ${notice.sentBy}` : ''}
          </p>
          <details>
            <summary>Read the notice</summary>
            <p>{notice.greeting}</p>
            {notice.sections.map((section) => (
              <>
                <h5>{section.heading}</h5>
                <p class="detail">{section.body}</p>
              </>
            ))}
          </details>
          <table class="responsive">
            <thead>
              <tr>
                <th scope="col">Recipient</th>
                <th scope="col">Delivery</th>
                <th scope="col">Public page</th>
              </tr>
            </thead>
            <tbody>
              {notice.recipients.slice(0, 50).map((recipient) => (
                <tr>
                  <td data-label="Recipient">
                    {recipient.name}
                    {recipient.email ? <div class="muted">{recipient.email}</div> : null}
                  </td>
                  <td data-label="Delivery" data-delivery={recipient.delivery.status}>
                    {words(recipient.delivery.status)}
                    {'attempts' in recipient.delivery && recipient.delivery.attempts ? ` (${recipient.delivery.attempts} attempt(s))` : ''}
                    {'lastError' in recipient.delivery && recipient.delivery.lastError ? (
                      <div class="muted">{recipient.delivery.lastError}</div>
                    ) : null}
                  </td>
                  <td data-label="Public page">
                    {notice.status === 'sent' ? <a href={recipient.publicUrl}>open</a> : <span class="muted">after sending</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {notice.recipients.length > 50 ? <p class="muted">and {notice.recipients.length - 50} more recipients</p> : null}
          {notice.status === 'draft' && can(viewer, 'notices:draft') ? (
            <details>
              <summary>Edit the draft</summary>
              <form method="post" action={`/incidents/${reference}/notices/${notice.id}/edit`}>
                <CsrfField viewer={viewer} />
                <input type="hidden" name="expectedVersion" value={String(notice.version)} />
                <label for={`subject-${notice.id}`}>Subject</label>
                <input id={`subject-${notice.id}`} name="subject" type="text" value={notice.subject} maxlength={300} />
                <label for={`greeting-${notice.id}`}>Greeting</label>
                <input id={`greeting-${notice.id}`} name="greeting" type="text" value={notice.greeting} maxlength={300} />
                {notice.sections.map((section) => (
                  <>
                    <label for={`section-${notice.id}-${section.key}`}>{section.heading}</label>
                    <textarea id={`section-${notice.id}-${section.key}`} name={`section.${section.key}`}>
                      {section.body}
                    </textarea>
                  </>
                ))}
                <p>
                  <button type="submit" class="secondary">
                    Save draft
                  </button>
                </p>
              </form>
            </details>
          ) : null}
          {notice.status === 'draft' && can(viewer, 'notices:approve') ? (
            <form method="post" action={`/incidents/${reference}/notices/${notice.id}/approve`}>
              <CsrfField viewer={viewer} />
              <input type="hidden" name="expectedVersion" value={String(notice.version)} />
              <button type="submit">Approve notice</button>
            </form>
          ) : null}
          {notice.status === 'approved' && can(viewer, 'notices:draft') ? (
            <form method="post" action={`/incidents/${reference}/notices/${notice.id}/send`}>
              <CsrfField viewer={viewer} />
              <label for={`delay-${notice.id}`}>Reason for the delay (only if the deadline has passed)</label>
              <input id={`delay-${notice.id}`} name="delayReason" type="text" maxlength={5000} />
              <p>
                <button type="submit">Send notice</button>
              </p>
            </form>
          ) : null}
        </article>
      ))}
      {draftable.length > 0 && can(viewer, 'notices:draft') ? (
        <details>
          <summary>Draft a notice</summary>
          <form method="post" action={`/incidents/${reference}/notices`}>
            <CsrfField viewer={viewer} />
            <label for="notice-obligation">For</label>
            <select id="notice-obligation" name="obligationId">
              {draftable.map((obligation) => (
                <option value={obligation.id}>{`${obligation.title} (to ${obligation.recipient})`}</option>
              ))}
            </select>
            <label for="notice-recipients">Recipients, one per line: Name &lt;e-mail&gt; (the e-mail is optional)</label>
            <textarea id="notice-recipients" name="recipients" required></textarea>
            <label for="notice-language">Language</label>
            <input id="notice-language" name="language" type="text" value="en" maxlength={10} />
            <p>
              <button type="submit">Draft</button>
            </p>
          </form>
        </details>
      ) : null}
    </section>
  );
}
