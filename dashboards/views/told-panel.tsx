import type { Incident, TimelineEvent } from '../../incidents/index.ts';
import type { DeliveredMessage, IncidentDelivery } from '../../notifier/index.ts';
import { PageForm } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { can, Time } from './layout.tsx';

const CHANNEL_NAMES = { slack: 'Slack', pagerduty: 'PagerDuty', email: 'E-mail' } as const;

/** The link that opens a Slack channel by id, in the app or the browser, in whichever workspace holds it. */
export const slackChannelUrl = (channelId: string) => `https://slack.com/app_redirect?channel=${encodeURIComponent(channelId)}`;

function describeMessage(message: DeliveredMessage): string {
  switch (message.kind) {
    case 'slack.sync_incident':
      return 'Channel and summary brought up to date';
    case 'pagerduty.trigger':
      return `Page: ${message.text ?? 'triggered'}`;
    case 'pagerduty.acknowledge':
      return 'Page acknowledged in PagerDuty';
    case 'pagerduty.resolve':
      return 'Page resolved in PagerDuty';
    default:
      // Slack's emoji codes read as noise outside Slack.
      return (message.text ?? message.kind).replace(/:[a-z_]+:\s*/g, '').replace(/\*/g, '');
  }
}

function statusWords(message: DeliveredMessage): string {
  switch (message.status) {
    case 'delivered':
      return 'delivered';
    case 'pending':
      return 'queued';
    case 'failed':
      return `failed ${message.attempts}×, will try again`;
    case 'dead':
      return `gave up after ${message.attempts} attempts`;
  }
}

function PageState({
  incident,
  delivery,
  acknowledgement,
}: {
  incident: Incident;
  delivery: IncidentDelivery;
  acknowledgement: TimelineEvent | null;
}) {
  if (!delivery.channels.pagerduty) return <span class="muted">not configured: nobody is paged</span>;
  if (delivery.pages.length === 0) return <span>nobody paged (no route pages this incident’s severity and services)</span>;
  const open = delivery.pages.filter((page) => !page.resolvedAt);
  const escalation = delivery.escalation;
  return (
    <>
      {open.length === 0 ? (
        <span class="badge state-resolved">resolved</span>
      ) : incident.acknowledgedAt ? (
        <span class="badge state-acknowledged">acknowledged</span>
      ) : (
        <span class="badge state-triggered">triggered</span>
      )}{' '}
      {incident.acknowledgedAt ? (
        <span>
          by {acknowledgement?.actorName ?? 'someone'}
          {typeof acknowledgement?.data.via === 'string' ? ` (${acknowledgement.data.via})` : ''}, <Time at={incident.acknowledgedAt} />
        </span>
      ) : null}
      {escalation ? (
        <div class="muted">
          Escalation level {escalation.level} of {escalation.levels}
          {escalation.escalations > 0 ? `, escalated ${escalation.escalations}×` : ''}
          {escalation.stopped ? ' (stopped)' : ''} · {delivery.pages.length} page{delivery.pages.length === 1 ? '' : 's'} since{' '}
          <Time at={delivery.pages[0]?.triggeredAt} />
        </div>
      ) : null}
    </>
  );
}

/** "Who is being told": the incident's Slack channel, its page and escalation, and the latest messages with their failures. */
export function ToldPanel({
  viewer,
  reference,
  incident,
  delivery,
  acknowledgement,
}: {
  viewer: Viewer;
  reference: string;
  incident: Incident;
  delivery: IncidentDelivery;
  acknowledgement: TimelineEvent | null;
}) {
  const canRetry = can(viewer, 'notifications:retry');
  return (
    <section class="card told" id="told" aria-labelledby="told-title">
      <h2 id="told-title">Who is being told</h2>
      <dl class="facts">
        <dt>Slack</dt>
        <dd data-told="slack">
          {!delivery.channels.slack ? (
            <span class="muted">not configured</span>
          ) : delivery.slackChannel ? (
            <a href={slackChannelUrl(delivery.slackChannel.id)} rel="noopener">
              #{delivery.slackChannel.name ?? delivery.slackChannel.id}
            </a>
          ) : (
            <span>no incident channel yet</span>
          )}
        </dd>
        <dt>Page</dt>
        <dd data-told="page">
          <PageState incident={incident} delivery={delivery} acknowledgement={acknowledgement} />
        </dd>
      </dl>
      {delivery.failing > 0 ? (
        <p class="form-error" role="alert">
          {delivery.failing} message{delivery.failing === 1 ? '' : 's'} failed to go out.
        </p>
      ) : null}
      {delivery.messages.length === 0 ? (
        <p class="muted">No messages about this incident yet.</p>
      ) : (
        <ul class="evidence messages">
          {delivery.messages.map((message) => (
            <li data-message={message.id} data-status={message.status}>
              <div class="what">
                {CHANNEL_NAMES[message.channel]}: {describeMessage(message)}
              </div>
              <div class={message.status === 'dead' || message.status === 'failed' ? 'meta failing' : 'meta'}>
                {statusWords(message)} · <Time at={message.deliveredAt ?? message.createdAt} />
              </div>
              {message.lastError && message.status !== 'delivered' ? <div class="detail">{message.lastError}</div> : null}
              {canRetry && (message.status === 'dead' || message.status === 'failed') ? (
                <PageForm id={`retry-${message.id}`} action={`/incidents/${reference}/messages/${message.id}/retry`} viewer={viewer}>
                  <button type="submit" class="secondary">
                    Retry now
                  </button>
                </PageForm>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
