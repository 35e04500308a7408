import type { AuditEntry, AuditVerification, Role, TokenSummary, UserSummary } from '../../platform/index.ts';
import { ROLES } from '../../platform/index.ts';
import { CsrfField, Flash, Layout, Time, can } from './layout.tsx';
import type { Viewer } from './layout.tsx';

const PERSON_ROLES = ROLES.filter((role) => role !== 'ingest');

function AdminNav({ viewer, current }: { viewer: Viewer; current: string }) {
  const links: [string, string, boolean][] = [
    ['/admin/users', 'Users and roles', can(viewer, 'users:manage')],
    ['/admin/tokens', 'API tokens', can(viewer, 'tokens:manage')],
    ['/admin/audit', 'Audit log', can(viewer, 'audit:read')],
    ['/admin/outbox', 'Dead messages', can(viewer, 'notifications:retry')],
  ];
  return (
    <nav aria-label="Admin" class="card">
      <ul class="filters" style="list-style:none;margin:0;padding:0">
        {links
          .filter(([, , allowed]) => allowed)
          .map(([href, label]) => (
            <li>
              <a href={href} aria-current={current === href ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
      </ul>
    </nav>
  );
}

export function AdminIndexPage({ viewer }: { viewer: Viewer }) {
  return (
    <Layout title="Admin" viewer={viewer} section="admin">
      <h1>Admin</h1>
      <AdminNav viewer={viewer} current="/admin" />
    </Layout>
  );
}

function RoleSelect({ id, name, value }: { id: string; name: string; value?: Role }) {
  return (
    <select id={id} name={name}>
      {PERSON_ROLES.map((role) => (
        <option value={role} selected={role === value}>
          {role}
        </option>
      ))}
    </select>
  );
}

export function UsersPage({ viewer, users, error, notice }: { viewer: Viewer; users: UserSummary[]; error?: string | null; notice?: string | null }) {
  const now = Date.now();
  return (
    <Layout title="Users and roles" viewer={viewer} section="admin">
      <h1>Users and roles</h1>
      <AdminNav viewer={viewer} current="/admin/users" />
      <Flash error={error} notice={notice} />
      <section class="card" aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => {
              const locked = user.lockedUntil && user.lockedUntil.getTime() > now;
              const self = user.id === viewer.actor.userId;
              return (
                <tr data-user={user.email}>
                  <td data-label="Name">{user.name}</td>
                  <td data-label="E-mail">{user.email}</td>
                  <td data-label="Role">{user.role}</td>
                  <td data-label="Status">
                    {user.disabledAt ? 'disabled' : locked ? 'locked' : 'active'}
                    {user.totpEnabled ? ' · MFA on' : ' · MFA not enrolled yet'}
                  </td>
                  <td data-label="Change">
                    {self ? (
                      <span class="muted">(you)</span>
                    ) : (
                      <form method="post" action={`/admin/users/${user.id}`} class="inline-form">
                        <CsrfField viewer={viewer} />
                        <div>
                          <label for={`role-${user.id}`}>Role</label>
                          <RoleSelect id={`role-${user.id}`} name="role" value={user.role} />
                        </div>
                        <div>
                          <label for={`op-${user.id}`}>And</label>
                          <select id={`op-${user.id}`} name="operation">
                            <option value="">nothing else</option>
                            <option value={user.disabledAt ? 'enable' : 'disable'}>{user.disabledAt ? 'enable' : 'disable (ends sessions)'}</option>
                            <option value="reset-mfa">reset authenticator</option>
                            {locked ? <option value="unlock">unlock</option> : null}
                          </select>
                        </div>
                        <button type="submit">Save</button>
                      </form>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <section class="card" aria-labelledby="new-user-title">
        <h2 id="new-user-title">New user</h2>
        <form method="post" action="/admin/users">
          <CsrfField viewer={viewer} />
          <label for="new-email">E-mail</label>
          <input id="new-email" name="email" type="email" required autocomplete="off" />
          <label for="new-name">Name</label>
          <input id="new-name" name="name" type="text" required />
          <label for="new-role">Role</label>
          <RoleSelect id="new-role" name="role" value="responder" />
          <label for="new-password">Initial password (at least 12 characters; they enrol an authenticator at first login)</label>
          <input id="new-password" name="password" type="password" required minlength={12} autocomplete="new-password" />
          <label for="new-slack">Slack user id (optional)</label>
          <input id="new-slack" name="slackUserId" type="text" />
          <p>
            <button type="submit">Create user</button>
          </p>
        </form>
      </section>
    </Layout>
  );
}

export function TokensPage({ viewer, tokens, created, error }: { viewer: Viewer; tokens: TokenSummary[]; created?: { name: string; token: string } | null; error?: string | null }) {
  return (
    <Layout title="API tokens" viewer={viewer} section="admin">
      <h1>API tokens</h1>
      <AdminNav viewer={viewer} current="/admin/tokens" />
      <Flash error={error} />
      {created ? (
        <section class="card" role="status" aria-labelledby="created-title">
          <h2 id="created-title">Token "{created.name}" created</h2>
          <p>Copy it now: it is shown only this once.</p>
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
                <td data-label="Role">{token.role}</td>
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
                    <form method="post" action={`/admin/tokens/${token.id}/revoke`} data-confirm={`Revoke the token "${token.name}"? Clients using it stop working at once.`}>
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
        <form method="post" action="/admin/tokens" class="inline-form">
          <CsrfField viewer={viewer} />
          <div>
            <label for="token-name">Name</label>
            <input id="token-name" name="name" type="text" required maxlength={100} />
          </div>
          <div>
            <label for="token-role">Role</label>
            <select id="token-role" name="role">
              {ROLES.map((role) => (
                <option value={role} selected={role === 'ingest'}>
                  {role}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">Create token</button>
        </form>
      </section>
    </Layout>
  );
}

export interface AuditFilters {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
}

export function AuditPage({
  viewer,
  entries,
  filters,
  nextBefore,
  verification,
}: {
  viewer: Viewer;
  entries: AuditEntry[];
  filters: AuditFilters;
  nextBefore: number | null;
  verification: AuditVerification | null;
}) {
  const query = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])));
  return (
    <Layout title="Audit log" viewer={viewer} section="admin">
      <h1>Audit log</h1>
      <AdminNav viewer={viewer} current="/admin/audit" />
      <section class="card" aria-labelledby="verify-title">
        <h2 id="verify-title">Hash chain</h2>
        {verification ? (
          verification.ok ? (
            <p class="flash ok" role="status" id="verify-result">
              Intact: all {verification.entries} entries verified.
            </p>
          ) : (
            <div class="flash error" role="alert" id="verify-result">
              <p>
                BROKEN: {verification.problems.length} problem(s) in {verification.entries} entries.
              </p>
              <ul>
                {verification.problems.slice(0, 50).map((problem) => (
                  <li>
                    {problem.kind}: {problem.message}
                  </li>
                ))}
              </ul>
            </div>
          )
        ) : null}
        <form method="get" action="/admin/audit">
          <input type="hidden" name="verify" value="1" />
          <button type="submit" class="secondary">
            Verify the chain
          </button>
        </form>
      </section>
      <form class="card filters" method="get" action="/admin/audit" role="search" aria-label="Filter the audit log">
        <div>
          <label for="audit-action">Action</label>
          <input id="audit-action" name="action" type="text" value={filters.action ?? ''} placeholder="e.g. auth.session.login" />
        </div>
        <div>
          <label for="audit-actor">Actor id</label>
          <input id="audit-actor" name="actorId" type="text" value={filters.actorId ?? ''} />
        </div>
        <div>
          <label for="audit-target-type">Target type</label>
          <input id="audit-target-type" name="targetType" type="text" value={filters.targetType ?? ''} />
        </div>
        <div>
          <label for="audit-target-id">Target id</label>
          <input id="audit-target-id" name="targetId" type="text" value={filters.targetId ?? ''} />
        </div>
        <div>
          <button type="submit">Filter</button>
        </div>
      </form>
      <table class="responsive">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody id="audit-rows">
          {entries.map((entry) => (
            <tr data-action={entry.action}>
              <td data-label="#">{entry.position}</td>
              <td data-label="When">
                <Time at={entry.at} />
              </td>
              <td data-label="Who">
                {entry.actorName} <span class="muted">({entry.actorType})</span>
                {entry.sourceAddress ? <div class="muted">{entry.sourceAddress}</div> : null}
              </td>
              <td data-label="Action">
                <code>{entry.action}</code>
              </td>
              <td data-label="Target">
                {entry.targetType}
                {entry.targetId ? <div class="muted">{entry.targetId}</div> : null}
              </td>
              <td data-label="Details">
                <code style="overflow-wrap:anywhere">{JSON.stringify(entry.details)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {nextBefore ? (
        <p class="pager">
          <a href={`/admin/audit?${new URLSearchParams([...query.entries(), ['before', String(nextBefore)]]).toString()}`}>Older entries</a>
        </p>
      ) : null}
    </Layout>
  );
}
