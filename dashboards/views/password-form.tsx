import { PageForm, TextField } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';

/** The account page's password change: current password, a code from the authenticator, the new password. */
export function PasswordChangeForm({ viewer }: { viewer: Viewer }) {
  const forced = viewer.actor.mustChangePassword === true;
  return (
    <section class="card" aria-labelledby="password-title">
      <h2 id="password-title">Change your password</h2>
      {forced ? (
        <p class="flash error" role="alert">
          An admin reset your password. Choose a new one before you go on: the dashboard opens nothing else until you do.
        </p>
      ) : (
        <p class="muted">Your other browsers are logged out when it changes; this one stays logged in.</p>
      )}
      <PageForm id="password" action="/account/password" viewer={viewer}>
        <TextField
          form="password"
          name="currentPassword"
          label={forced ? 'Temporary password (from your admin)' : 'Current password'}
          type="password"
          required
        />
        <TextField form="password" name="code" label="Code from your authenticator app" required hint="6 digits" />
        <TextField form="password" name="newPassword" label="New password" type="password" required hint="At least 12 characters." />
        <p>
          <button type="submit">Change password</button>
        </p>
      </PageForm>
    </section>
  );
}
