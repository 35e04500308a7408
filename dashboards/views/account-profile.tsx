import type { TokenSummary, UserSummary } from '../../platform/index.ts';
import { PERSON_ROLES } from '../../platform/index.ts';
import { PageForm, SelectField, TextField } from './form-fields.tsx';
import type { Viewer } from './layout.tsx';
import { TokenTable } from './token-table.tsx';

/** The name and Slack id a person changes themselves (the e-mail and role are an admin's). */
export function ProfileForm({ viewer, profile }: { viewer: Viewer; profile: UserSummary }) {
  return (
    <section class="card" aria-labelledby="profile-title">
      <h2 id="profile-title">Your details</h2>
      <p class="muted">E-mail {profile.email}; an admin changes it, and your role.</p>
      <PageForm id="profile" action="/account/profile" viewer={viewer}>
        <input type="hidden" name="version" value={String(profile.version)} />
        <TextField form="profile" name="name" label="Name" value={profile.name} required maxlength={100} />
        <TextField
          form="profile"
          name="slackUserId"
          label="Slack user id"
          value={profile.slackUserId ?? ''}
          hint="Such as U024BE7LH (Slack: your profile, ⋮, Copy member ID), so that what you do in Slack is you; empty forgets it."
        />
        <p>
          <button type="submit">Save</button>
        </p>
      </PageForm>
    </section>
  );
}

/** A person's own API tokens: they act for them, with at most their role, and expire. */
export function OwnTokens({ viewer, tokens, maxDays }: { viewer: Viewer; tokens: TokenSummary[]; maxDays: number }) {
  const roles = PERSON_ROLES.slice(PERSON_ROLES.indexOf(viewer.actor.role as (typeof PERSON_ROLES)[number]));
  return (
    <section class="card" aria-labelledby="own-tokens-title">
      <h2 id="own-tokens-title">Your API tokens</h2>
      <p class="muted">
        A token acts for you, with at most your role at each use; it ends when it expires, when you revoke it, or when your account is
        disabled.
      </p>
      {tokens.length ? (
        <TokenTable viewer={viewer} tokens={tokens} showOwner={false} revokeAction={(token) => `/account/tokens/${token.id}/revoke`} />
      ) : (
        <p>You have no tokens.</p>
      )}
      <PageForm id="own-token" action="/account/tokens" viewer={viewer}>
        <TextField form="own-token" name="name" label="Name" required maxlength={100} hint="What it is for, such as “laptop CLI”." />
        <SelectField form="own-token" name="role" label="Role" value={roles[0]} options={roles.length ? roles : ['viewer']} />
        <TextField form="own-token" name="expiresInDays" label="Expires in days" type="number" value="90" hint={`At most ${maxDays}.`} />
        <p>
          <button type="submit">Create token</button>
        </p>
      </PageForm>
    </section>
  );
}
