import type { UserSummary } from '../../../platform/index.ts';
import { PageForm, SelectField, TextField } from '../form-fields.tsx';
import type { Viewer } from '../layout.tsx';

/** What a reset answered: the temporary password, shown in that answer only. */
export interface PasswordResetDone {
  email: string;
  temporaryPassword: string;
  generated: boolean;
}

/** The temporary password just set, once (a reload shows the list: data-replace-url). */
export function PasswordResetResult({ done }: { done: PasswordResetDone }) {
  return (
    <section class="card" role="status" aria-labelledby="reset-done-title" data-replace-url="/admin/users">
      <h2 id="reset-done-title">Password of {done.email} reset</h2>
      <p>
        {done.generated ? 'Give them this temporary password' : 'They log in with the temporary password you typed'}; they must choose a new
        one at their next login, and their sessions have ended.
      </p>
      {done.generated ? (
        <p>
          <code class="secret" id="temporary-password">
            {done.temporaryPassword}
          </code>{' '}
          <span class="muted">shown only this once</span>
        </p>
      ) : null}
    </section>
  );
}

/** An admin resets another user's password: typed, or generated and shown once. */
export function PasswordResetForm({ viewer, users }: { viewer: Viewer; users: UserSummary[] }) {
  const others = users.filter((user) => user.id !== viewer.actor.userId && !user.disabledAt);
  if (others.length === 0) return null;
  return (
    <section class="card" aria-labelledby="reset-title">
      <h2 id="reset-title">Reset a password</h2>
      <PageForm id="password-reset" action="/admin/users/password-reset" viewer={viewer}>
        <SelectField
          form="password-reset"
          name="userId"
          label="User"
          options={others.map((user) => ({ value: user.id, label: `${user.name} (${user.email})` }))}
        />
        <TextField
          form="password-reset"
          name="password"
          label="Temporary password (optional)"
          type="password"
          hint="At least 12 characters; left empty, one is generated and shown once. They must change it at their next login."
        />
        <p>
          <button type="submit" class="danger">
            Reset password
          </button>
        </p>
      </PageForm>
    </section>
  );
}
