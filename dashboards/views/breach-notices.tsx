import type { BreachStatus } from './breach-panel.tsx';
import { PageForm, SelectField, TextAreaField, TextField, useRefused } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { CsrfField, can, Time } from './layout.tsx';

type Notice = BreachStatus['notices'][number];
const words = (value: string) => value.replaceAll('_', ' ');
const ACTIVE = new Set(['assessing', 'applicable', 'late']);

/** Delivery words a person reads: a dead e-mail is an error with its reason. */
function Delivery({ delivery }: { delivery: Notice['recipients'][number]['delivery'] }) {
  if (delivery.status === 'dead')
    return (
      <span class="delivery-error" role="status">
        <strong>not delivered</strong>
        {'lastError' in delivery && delivery.lastError ? <span class="field-error">{delivery.lastError}</span> : null}
      </span>
    );
  if (delivery.status === 'failed')
    return (
      <span>
        retrying{'attempts' in delivery ? ` (${delivery.attempts} attempt(s))` : ''}
        {'lastError' in delivery && delivery.lastError ? <span class="muted"> — {delivery.lastError}</span> : null}
      </span>
    );
  if (delivery.status === 'delivered' && 'deliveredAt' in delivery)
    return (
      <span>
        delivered <Time at={delivery.deliveredAt} />
      </span>
    );
  return <span>{words(delivery.status)}</span>;
}

function NoticeCard({ notice, viewer, reference, sending }: { notice: Notice; viewer: Viewer; reference: string; sending: SendingState }) {
  const base = `/incidents/${reference}/notices/${notice.id}`;
  const editId = `notice-edit-${notice.id.slice(0, 8)}`;
  const sendId = `notice-send-${notice.id.slice(0, 8)}`;
  const blocked = !sending.organization
    ? "Sending needs the organisation's name, which the letter carries: an administrator sets BREACH_ORGANIZATION_NAME."
    : !sending.smtp && notice.recipients.some((recipient) => recipient.email)
      ? 'E-mail is not configured (SMTP_URL is unset), so Firebreak cannot send this notice. Send it yourself and record it above as sent outside Firebreak, with a reason and evidence.'
      : null;
  return (
    <article class="card notice" data-notice={notice.id} data-status={notice.status}>
      <h4>
        {notice.subject} <span class={`badge notice-${notice.status}`}>{notice.status}</span>
      </h4>
      <p class="muted">
        drafted by {notice.draftedBy}
        {notice.approvedBy ? `, approved by ${notice.approvedBy}` : ''}
        {notice.sentBy ? `, sent by ${notice.sentBy}` : ''} · <a href={`${base}/preview`}>Preview the letter</a>
      </p>
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
                <Delivery delivery={recipient.delivery} />
                {recipient.delivery.status === 'dead' && 'messageId' in recipient.delivery && can(viewer, 'notifications:retry') ? (
                  <form method="post" action={`${base}/retry/${recipient.delivery.messageId}`} class="inline-form">
                    <CsrfField viewer={viewer} />
                    <button type="submit" class="secondary">
                      Retry
                    </button>
                  </form>
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
        <details open={useRefused(editId)}>
          <summary>Edit the draft</summary>
          <PageForm id={editId} action={`${base}/edit`} viewer={viewer}>
            <input type="hidden" name="expectedVersion" value={String(notice.version)} />
            <TextField form={editId} name="subject" label="Subject" value={notice.subject} maxlength={300} />
            <TextField form={editId} name="greeting" label="Greeting" value={notice.greeting} maxlength={300} />
            {notice.sections.map((section) => (
              <TextAreaField form={editId} name={`section.${section.key}`} label={section.heading} value={section.body} rows={3} />
            ))}
            <p>
              <button type="submit" class="secondary">
                Save draft
              </button>
            </p>
          </PageForm>
        </details>
      ) : null}
      {notice.status === 'draft' && can(viewer, 'notices:approve') ? (
        <PageForm id={`notice-approve-${notice.id.slice(0, 8)}`} action={`${base}/approve`} viewer={viewer}>
          <input type="hidden" name="expectedVersion" value={String(notice.version)} />
          <p class="hint">Four eyes: only someone who neither drafted nor edited the notice can approve it.</p>
          <button type="submit">Approve notice</button>
        </PageForm>
      ) : null}
      {notice.status === 'approved' && can(viewer, 'notices:draft') ? (
        blocked ? (
          <p class="form-error" role="alert" data-send-blocked="true">
            {blocked}
          </p>
        ) : (
          <PageForm id={sendId} action={`${base}/send`} viewer={viewer}>
            <TextAreaField
              form={sendId}
              name="delayReason"
              label="Reasons for the delay (only if the deadline has passed)"
              maxlength={5000}
              rows={2}
            />
            <p>
              <button type="submit">Send notice</button>
            </p>
          </PageForm>
        )
      ) : null}
    </article>
  );
}

/** What sending needs from the configuration: the organisation's name, and e-mail for e-mailed notices. */
export interface SendingState {
  organization: boolean;
  smtp: boolean;
}

/** The notices of the incident: draft, edit, preview, approve (a second person), send, delivery per recipient. */
export function BreachNotices({
  status,
  viewer,
  reference,
  sending = { organization: true, smtp: true },
}: {
  status: BreachStatus;
  viewer: Viewer;
  reference: string;
  sending?: SendingState;
}) {
  const draftable = status.obligations.filter((obligation) => ACTIVE.has(obligation.state));
  return (
    <>
      <h3>Notices</h3>
      {status.notices.length === 0 ? <p class="muted">No notice drafted.</p> : null}
      {status.notices.map((notice) => (
        <NoticeCard notice={notice} viewer={viewer} reference={reference} sending={sending} />
      ))}
      {draftable.length > 0 && can(viewer, 'notices:draft') ? (
        <details open={useRefused('notice-draft')}>
          <summary>Draft a notice</summary>
          <PageForm id="notice-draft" action={`/incidents/${reference}/notices`} viewer={viewer}>
            <SelectField
              form="notice-draft"
              name="obligationId"
              label="For"
              options={draftable.map((obligation) => ({
                value: obligation.id,
                label: `${obligation.title} (${obligation.regimeId}, to ${words(obligation.recipient)})`,
              }))}
            />
            <TextAreaField
              form="notice-draft"
              name="recipients"
              label="Recipients"
              hint="One per line: Name <e-mail>. Without an e-mail, the recipient gets the public page only."
              required
              rows={3}
            />
            <TextField form="notice-draft" name="language" label="Language" value="en" maxlength={10} />
            <p>
              <button type="submit">Draft</button>
            </p>
          </PageForm>
        </details>
      ) : null}
    </>
  );
}
