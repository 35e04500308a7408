import type { Role, UserSummary } from '../../../platform/index.ts';
import { PERSON_ROLES } from '../../../platform/index.ts';
import { PageForm, SelectField, TextField } from '../form-fields.tsx';
import type { Viewer } from '../layout.tsx';
import { CsrfField, Flash, Layout } from '../layout.tsx';
import { AdminNav } from './nav.tsx';
import type { PasswordResetDone } from './password-reset.tsx';
import { PasswordResetForm, PasswordResetResult } from './password-reset.tsx';

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

export function UsersPage({
  viewer,
  users,
  error,
  notice,
  reset,
}: {
  viewer: Viewer;
  users: UserSummary[];
  error?: string | null;
  notice?: string | null;
  reset?: PasswordResetDone | null;
}) {
  const now = Date.now();
  return (
    <Layout title="Users and roles" viewer={viewer} section="admin">
      <h1>Users and roles</h1>
      <AdminNav viewer={viewer} current="/admin/users" />
      <Flash error={error} notice={notice} />
      {reset ? <PasswordResetResult done={reset} /> : null}
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
                  <td data-label="Name">
                    <a href={`/admin/people/${user.id}`} title="Change name, e-mail, Slack id, role or access">
                      {user.name}
                    </a>
                  </td>
                  <td data-label="E-mail">{user.email}</td>
                  <td data-label="Role">{user.role}</td>
                  <td data-label="Status">
                    {user.disabledAt ? 'disabled' : locked ? 'locked' : 'active'}
                    {user.totpEnabled ? ' · MFA on' : ' · MFA not enrolled yet'}
                    {user.mustChangePassword ? ' · must change password' : ''}
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
                            <option value={user.disabledAt ? 'enable' : 'disable'}>
                              {user.disabledAt ? 'enable' : 'disable (ends sessions)'}
                            </option>
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
      <PasswordResetForm viewer={viewer} users={users} />
      <section class="card" aria-labelledby="new-user-title">
        <h2 id="new-user-title">New user</h2>
        <PageForm id="new-user" action="/admin/users" viewer={viewer}>
          <TextField form="new-user" name="email" label="E-mail" type="email" required />
          <TextField form="new-user" name="name" label="Name" required />
          <SelectField form="new-user" name="role" label="Role" value="responder" options={PERSON_ROLES} />
          <TextField
            form="new-user"
            name="password"
            label="Initial password"
            type="password"
            required
            hint="At least 12 characters; they enrol an authenticator at first login."
          />
          <TextField form="new-user" name="slackUserId" label="Slack user id (optional)" />
          <p>
            <button type="submit">Create user</button>
          </p>
        </PageForm>
      </section>
    </Layout>
  );
}
