import type { TokenSummary } from '../../platform/index.ts';
import type { Viewer } from './layout.tsx';
import { CsrfField, Time } from './layout.tsx';

/** Live, expired or revoked, as a person reads it. */
function TokenState({ token, now }: { token: TokenSummary; now: number }) {
  if (token.revokedAt)
    return (
      <span>
        revoked <Time at={token.revokedAt} />
      </span>
    );
  if (token.expiresAt && token.expiresAt.getTime() <= now)
    return (
      <span class="muted">
        expired <Time at={token.expiresAt} />
      </span>
    );
  return <span>live</span>;
}

/**
 * Tokens with whom they belong to, when they expire and when they were last used; a live one has a
 * Revoke button posting to `revokeAction(token)`.
 */
export function TokenTable({
  viewer,
  tokens,
  revokeAction,
  showOwner = true,
}: {
  viewer: Viewer;
  tokens: TokenSummary[];
  revokeAction: (token: TokenSummary) => string;
  showOwner?: boolean;
}) {
  const now = Date.now();
  return (
    <table class="responsive">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Role</th>
          {showOwner ? <th scope="col">Belongs to</th> : null}
          <th scope="col">Prefix</th>
          <th scope="col">Created</th>
          <th scope="col">Expires</th>
          <th scope="col">Last used</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {tokens.map((token) => (
          <tr data-token={token.name}>
            <td data-label="Name">{token.name}</td>
            <td data-label="Role">{token.role}</td>
            {showOwner ? (
              <td data-label="Belongs to">
                {token.kind === 'person' ? (
                  <span title="Acts with at most this person's role now, and dies with their account">
                    {token.ownerEmail ?? 'a person'}
                  </span>
                ) : (
                  <span title="Belongs to no person: it can never approve a notice or an analysis">
                    service: {token.service ?? token.name}
                  </span>
                )}
              </td>
            ) : null}
            <td data-label="Prefix">
              <code>{token.prefix}…</code>
            </td>
            <td data-label="Created">
              <Time at={token.createdAt} /> {token.createdBy ? <span class="muted">by {token.createdBy}</span> : null}
            </td>
            <td data-label="Expires">{token.expiresAt ? <Time at={token.expiresAt} /> : <span class="muted">never</span>}</td>
            <td data-label="Last used">{token.lastUsedAt ? <Time at={token.lastUsedAt} /> : <span class="muted">never</span>}</td>
            <td data-label="State">
              {token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= now) ? (
                <TokenState token={token} now={now} />
              ) : (
                <form
                  method="post"
                  action={revokeAction(token)}
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
  );
}

/** The token just made, shown in this answer only (its value is never stored). */
export function NewTokenShown({ created, listUrl }: { created: { name: string; token: string }; listUrl: string }) {
  return (
    <section class="card" role="status" aria-labelledby="created-title" data-replace-url={listUrl}>
      <h2 id="created-title">Token "{created.name}" created</h2>
      <p>Copy it now: it is shown only this once (reloading the page shows the list, and makes no second token).</p>
      <p>
        <code class="secret" id="new-token">
          {created.token}
        </code>
      </p>
    </section>
  );
}
