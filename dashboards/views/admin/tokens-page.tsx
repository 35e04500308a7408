import type { TokenSummary } from '../../../platform/index.ts';
import { ROLES } from '../../../platform/index.ts';
import { PageForm, SelectField, TextField } from '../form-fields.tsx';
import type { Viewer } from '../layout.tsx';
import { CsrfField, Flash, Layout, Time } from '../layout.tsx';
import { AdminNav } from './nav.tsx';

export function TokensPage({
  viewer,
  tokens,
  created,
  error,
}: {
  viewer: Viewer;
  tokens: TokenSummary[];
  created?: { name: string; token: string } | null;
  error?: string | null;
}) {
  return (
    <Layout title="API tokens" viewer={viewer} section="admin">
      <h1>API tokens</h1>
      <AdminNav viewer={viewer} current="/admin/tokens" />
      <Flash error={error} />
      {created ? (
        <section class="card" role="status" aria-labelledby="created-title" data-replace-url="/admin/tokens">
          <h2 id="created-title">Token "{created.name}" created</h2>
          <p>Copy it now: it is shown only this once (reloading the page shows the list, and makes no second token).</p>
          <p>
            <code class="secret" id="new-token">
              {created.token}
            </code>
          </p>
        </section>
      ) : null}
      <section class="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">Tokens</h2>
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Prefix</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr>
                <td data-label="Name">{token.name}</td>
                <td data-label="Role">
                  {token.role}{' '}
                  {token.kind === 'service' ? (
                    <span class="muted" title="Belongs to no person: it can never approve a notice or an analysis">
                      · service
                    </span>
                  ) : null}
                </td>
                <td data-label="Prefix">
                  <code>{token.prefix}…</code>
                </td>
                <td data-label="Created">
                  <Time at={token.createdAt} /> {token.createdBy ? <span class="muted">by {token.createdBy}</span> : null}
                </td>
                <td data-label="Last used">
                  <Time at={token.lastUsedAt} />
                </td>
                <td data-label="State">
                  {token.revokedAt ? (
                    <span>
                      revoked <Time at={token.revokedAt} />
                    </span>
                  ) : (
                    <form
                      method="post"
                      action={`/admin/tokens/${token.id}/revoke`}
                      data-confirm={`Revoke the token "${token.name}"? Clients using it stop working at once.`}
                    >
                      <CsrfField viewer={viewer} />
                      <button type="submit" class="danger">
                        Revoke
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="card" aria-labelledby="new-token-title">
        <h2 id="new-token-title">New token</h2>
        <PageForm id="new-token" action="/admin/tokens" viewer={viewer} class="inline-form">
          <TextField form="new-token" name="name" label="Name" required maxlength={100} />
          <SelectField form="new-token" name="role" label="Role" value="ingest" options={ROLES} />
          <button type="submit">Create token</button>
        </PageForm>
      </section>
    </Layout>
  );
}
