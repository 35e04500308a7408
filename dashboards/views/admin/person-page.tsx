import type { UserSummary } from '../../../platform/index.ts';
import { PERSON_ROLES } from '../../../platform/index.ts';
import { PageForm, SelectField, TextField } from '../form-fields.tsx';
import type { Viewer } from '../layout.tsx';
import { Flash, Layout, Time } from '../layout.tsx';
import { AdminNav } from './nav.tsx';

/** One person: change their name, e-mail, Slack id and role; disable or enable them. */
export function PersonPage({
  viewer,
  person,
  notice,
  error,
}: {
  viewer: Viewer;
  person: UserSummary;
  notice?: string | null;
  error?: string | null;
}) {
  const self = person.id === viewer.actor.userId;
  return (
    <Layout title={person.name} viewer={viewer} section="admin">
      <h1>{person.name}</h1>
      <AdminNav viewer={viewer} current="/admin/users" />
      <p>
        <a href="/admin/users">← Users and roles</a>
      </p>
      <Flash notice={notice} error={error} />
      <section class="card" aria-labelledby="person-title">
        <h2 id="person-title">Details</h2>
        <PageForm id="person" action={`/admin/people/${person.id}`} viewer={viewer}>
          <input type="hidden" name="version" value={String(person.version)} />
          <TextField form="person" name="name" label="Name" value={person.name} required maxlength={100} />
          <TextField form="person" name="email" label="E-mail" type="email" value={person.email} required />
          <TextField
            form="person"
            name="slackUserId"
            label="Slack user id"
            value={person.slackUserId ?? ''}
            hint="Such as U024BE7LH; empty forgets it."
          />
          {self ? (
            <p class="muted">Your own role is another admin's to change.</p>
          ) : (
            <SelectField form="person" name="role" label="Role" value={person.role} options={PERSON_ROLES} />
          )}
          <p>
            <button type="submit">Save</button>
          </p>
        </PageForm>
      </section>
      <section class="card" aria-labelledby="state-title">
        <h2 id="state-title">Access</h2>
        <p>
          {person.disabledAt ? (
            <>
              Disabled since <Time at={person.disabledAt} />.
            </>
          ) : (
            'Enabled.'
          )}
        </p>
        {self ? null : person.disabledAt ? (
          <PageForm id="enable" action={`/admin/people/${person.id}/enable`} viewer={viewer}>
            <p>
              <button type="submit">Enable</button> <span class="muted">Their old tokens stay revoked.</span>
            </p>
          </PageForm>
        ) : (
          <form
            method="post"
            action={`/admin/people/${person.id}/disable`}
            data-confirm={`Disable ${person.name}? Their sessions and tokens end at once.`}
          >
            <input type="hidden" name="_csrf" value={viewer.csrfToken} />
            <input type="hidden" name="_form" value="disable" />
            <p>
              <button type="submit" class="danger">
                Disable
              </button>{' '}
              <span class="muted">Ends their sessions and revokes their tokens at once.</span>
            </p>
          </form>
        )}
      </section>
    </Layout>
  );
}
