import type { TokenSummary } from '../../../platform/index.ts';
import { ROLES } from '../../../platform/index.ts';
import { PageForm, SelectField, TextField } from '../form-fields.tsx';
import type { Viewer } from '../layout.tsx';
import { Flash, Layout } from '../layout.tsx';
import { NewTokenShown, TokenTable } from '../token-table.tsx';
import { AdminNav } from './nav.tsx';

export function TokensPage({
  viewer,
  tokens,
  created,
  error,
  maxDays,
}: {
  viewer: Viewer;
  tokens: TokenSummary[];
  created?: { name: string; token: string } | null;
  error?: string | null;
  maxDays: number;
}) {
  return (
    <Layout title="API tokens" viewer={viewer} section="admin">
      <h1>API tokens</h1>
      <AdminNav viewer={viewer} current="/admin/tokens" />
      <Flash error={error} />
      {created ? <NewTokenShown created={created} listUrl="/admin/tokens" /> : null}
      <section class="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">Tokens</h2>
        <p class="muted">
          A person's token acts with at most that person's role at each use and dies with their account; a service token belongs to no
          person and can never approve anything.
        </p>
        <TokenTable viewer={viewer} tokens={tokens} revokeAction={(token) => `/admin/tokens/${token.id}/revoke`} />
      </section>
      <section class="card" aria-labelledby="new-token-title">
        <h2 id="new-token-title">New token</h2>
        <PageForm id="new-token" action="/admin/tokens" viewer={viewer}>
          <TextField form="new-token" name="name" label="Name" required maxlength={100} />
          <SelectField form="new-token" name="role" label="Role" value="ingest" options={ROLES} />
          <TextField
            form="new-token"
            name="service"
            label="Service"
            hint="For ingest, scraping, automation or SCIM (role scim): the service it belongs to. Leave empty for a person's token."
            maxlength={100}
          />
          <TextField
            form="new-token"
            name="owner"
            label="Or the person it acts for (e-mail)"
            type="email"
            hint="Empty, with no service: the token is yours."
          />
          <TextField
            form="new-token"
            name="expiresInDays"
            label="Expires in days"
            type="number"
            hint={`A person's token: 90 unless you say; a service token: never unless you say. At most ${maxDays}.`}
          />
          <p>
            <button type="submit">Create token</button>
          </p>
        </PageForm>
      </section>
    </Layout>
  );
}
