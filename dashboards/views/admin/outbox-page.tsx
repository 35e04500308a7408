import type { OutboxMessage } from '../../../notifier/index.ts';
import type { Viewer } from '../layout.tsx';
import { CsrfField, Flash, Layout, Time } from '../layout.tsx';

export function DeadMessagesPage({
  viewer,
  messages,
  retried,
  error,
}: {
  viewer: Viewer;
  messages: OutboxMessage[];
  retried: number | null;
  error?: string | null;
}) {
  return (
    <Layout title="Dead messages" viewer={viewer} section="admin">
      <p>
        <a href="/admin">← Admin</a>
      </p>
      <h1>Dead messages</h1>
      <Flash error={error} notice={retried ? `${retried} message(s) queued again.` : null} />
      <p class="muted">
        Messages that failed every attempt. Fix the cause (credentials, an address), then retry: the messages held back behind one are sent
        with it, in order.
      </p>
      {messages.length === 0 ? (
        <p>No dead messages.</p>
      ) : (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">What</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">Dead since</th>
              <th scope="col">Retry</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((message) => (
              <tr data-message={message.id}>
                <td data-label="Channel">{message.channel}</td>
                <td data-label="What">
                  {message.kind}
                  <div class="muted">{message.idempotencyKey}</div>
                </td>
                <td data-label="Attempts">{message.attempts}</td>
                <td data-label="Last error">{message.lastError ?? '—'}</td>
                <td data-label="Dead since">
                  <Time at={message.deadAt} />
                </td>
                <td data-label="Retry">
                  <form method="post" action={`/admin/outbox/${message.id}/retry`}>
                    <CsrfField viewer={viewer} />
                    <button type="submit">Retry</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
