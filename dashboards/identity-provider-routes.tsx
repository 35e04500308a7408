import { Hono } from 'hono';
import type { LoginPolicy } from '../platform/index.ts';
import {
  createIdentityProvider,
  deleteIdentityProvider,
  IdentityProviderInput,
  listIdentityProviders,
  updateIdentityProvider,
} from '../platform/index.ts';
import { submitForm, takeRefusal } from './form-refusals.ts';
import type { DashboardEnv } from './http.tsx';
import { field, parseForm, renderError, renderPage, requireViewer } from './http.tsx';
import { RefusedFormContext } from './views/form-fields.tsx';
import { IdentityProvidersPage } from './views/identity-providers.tsx';

const PAGE = '/admin/identity-providers';
const NOTICES: Record<string, string> = {
  created: 'Identity provider added: enter the values shown under it at the identity provider.',
  updated: 'Identity provider saved.',
  removed: 'Identity provider removed: its people can no longer sign in through it.',
};

const words = (text: string, separator: RegExp) =>
  text
    .split(separator)
    .map((item) => item.trim())
    .filter(Boolean);

/** The page's form as IdentityProviderInput: lists from text, only the chosen protocol's settings. */
function providerInputFrom(form: Record<string, unknown>): IdentityProviderInput {
  const kind = field(form, 'kind');
  const groupRoles = Object.fromEntries(
    words(field(form, 'groupRoles'), /\n/).map((line) => {
      const at = line.lastIndexOf('=');
      return at < 0 ? [line, ''] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
    }),
  );
  const optional = (name: string) => field(form, name).trim() || undefined;
  const settings =
    kind === 'saml'
      ? {
          ssoUrl: field(form, 'settings.ssoUrl'),
          certificates: (
            field(form, 'settings.certificates').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [
              field(form, 'settings.certificates'),
            ]
          ).filter((certificate) => certificate.trim()),
          idpEntityId: optional('settings.idpEntityId') ?? null,
          spEntityId: optional('settings.spEntityId'),
          emailAttribute: optional('settings.emailAttribute'),
          nameAttribute: optional('settings.nameAttribute'),
          groupsAttribute: optional('settings.groupsAttribute'),
          mfaContextClasses: words(field(form, 'settings.mfaContextClasses'), /\s+/),
        }
      : {
          issuer: field(form, 'settings.issuer'),
          clientId: field(form, 'settings.clientId'),
          clientSecret:
            typeof form['settings.clientSecret'] === 'string' && form['settings.clientSecret'] ? form['settings.clientSecret'] : undefined,
          scopes: words(field(form, 'settings.scopes'), /\s+/),
          groupsClaim: optional('settings.groupsClaim'),
          mfaAcrValues: words(field(form, 'settings.mfaAcrValues'), /\s+/),
        };
  return parseForm(IdentityProviderInput, {
    name: field(form, 'name'),
    label: field(form, 'label'),
    kind,
    domains: words(field(form, 'domains'), /[,\s]+/),
    defaultRole: field(form, 'defaultRole'),
    groupRoles,
    enabled: form.enabled === 'true',
    settings,
  });
}

/** /admin/identity-providers: single sign-on providers, for admins (users:manage). */
export function identityProviderPageRoutes(policy: LoginPolicy) {
  return new Hono<DashboardEnv>()
    .use(requireViewer(policy))
    .get('/', async (c) => {
      const [providers, refused] = await Promise.all([listIdentityProviders(c.var.ctx), takeRefusal(c, PAGE)]);
      return renderPage(
        c,
        <RefusedFormContext.Provider value={refused}>
          <IdentityProvidersPage
            viewer={c.var.viewer}
            providers={providers}
            error={refused?.message ?? null}
            notice={refused ? null : (NOTICES[c.req.query('done') ?? ''] ?? null)}
          />
        </RefusedFormContext.Provider>,
      );
    })
    .post('/', (c) =>
      submitForm(c, PAGE, async (form) => {
        await createIdentityProvider(c.var.ctx, policy.secrets, providerInputFrom(form));
        return `${PAGE}?done=created`;
      }),
    )
    .post('/:name', (c) =>
      submitForm(c, PAGE, async (form) => {
        await updateIdentityProvider(c.var.ctx, policy.secrets, c.req.param('name'), providerInputFrom(form));
        return `${PAGE}?done=updated`;
      }),
    )
    .post('/:name/delete', (c) =>
      submitForm(c, PAGE, async () => {
        await deleteIdentityProvider(c.var.ctx, c.req.param('name'));
        return `${PAGE}?done=removed`;
      }),
    )
    .onError(renderError);
}
