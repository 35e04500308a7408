import { Hono } from 'hono';
import { getUser, UserUpdateInput, updateUser } from '../platform/index.ts';
import { submitForm, takeRefusal } from './form-refusals.ts';
import type { DashboardEnv } from './http.tsx';
import { field, parseForm, renderPage } from './http.tsx';
import { PersonPage } from './views/admin/person-page.tsx';
import { RefusedFormContext } from './views/form-fields.tsx';

const PERSON_NOTICES: Record<string, string> = {
  saved: 'Saved.',
  disabled: 'Disabled: their sessions and tokens ended.',
  enabled: 'Enabled again.',
};

/** /admin/people/{id}: one person's details, role and access (mounted under /admin, which checks the session). */
export function peopleAdminRoutes() {
  return new Hono<DashboardEnv>()
    .get('/:id', async (c) => {
      const [person, refused] = await Promise.all([getUser(c.var.ctx, c.req.param('id')), takeRefusal(c, c.req.path)]);
      return renderPage(
        c,
        <RefusedFormContext.Provider value={refused}>
          <PersonPage
            viewer={c.var.viewer}
            person={person}
            error={refused && refused.form !== 'person' ? refused.message : null}
            notice={refused ? null : (PERSON_NOTICES[c.req.query('done') ?? ''] ?? null)}
          />
        </RefusedFormContext.Provider>,
      );
    })
    .post('/:id', (c) => {
      const page = `/admin/people/${c.req.param('id')}`;
      return submitForm(c, page, async (form) => {
        const role = field(form, 'role');
        const input = parseForm(UserUpdateInput, {
          name: field(form, 'name'),
          email: field(form, 'email'),
          slackUserId: field(form, 'slackUserId') || null,
          role: role || undefined,
          version: Number(field(form, 'version')) || undefined,
        });
        await updateUser(c.var.ctx, c.req.param('id'), input);
        return `${page}?done=saved`;
      });
    })
    .post('/:id/:state{disable|enable}', (c) => {
      const page = `/admin/people/${c.req.param('id')}`;
      const disabled = c.req.param('state') === 'disable';
      return submitForm(c, page, async () => {
        await updateUser(c.var.ctx, c.req.param('id'), { disabled });
        return `${page}?done=${disabled ? 'disabled' : 'enabled'}`;
      });
    });
}
