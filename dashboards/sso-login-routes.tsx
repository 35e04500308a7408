import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv, IdentityProvider, LoginPolicy, SsoLoginResult } from '../platform/index.ts';
import {
  auditSsoRefusal,
  completeSsoLogin,
  emailDomain,
  findEnabledProvider,
  finishOidcLogin,
  finishSamlLogin,
  listSignInProviders,
  MFA_STEP_TTL_MS,
  NotFoundError,
  providerOwningEmail,
  SSO_REQUEST_TTL_MS,
  SsoRefusedError,
  samlMetadata,
  startOidcLogin,
  startSamlLogin,
} from '../platform/index.ts';
import { field, renderError, renderPage, safeNext } from './http.tsx';
import { assertLoginForm, cookieNames, cookieOptions, loginFormToken, originOf } from './login-routes.tsx';
import { PasswordPage, SameSiteHop } from './views/login-pages.tsx';
import { SsoRefusedPage } from './views/sso-login.tsx';

type SsoContext = Context<AppEnv>;

/**
 * /sso: single sign-on. The login page's e-mail picks the provider; OpenID Connect goes out and comes
 * back at /sso/oidc/<name>/callback, SAML at /sso/saml/<name>/acs (HTTP-POST), with its metadata at
 * /sso/saml/<name>/metadata. Providers come back cross-site, where SameSite=Strict cookies are not
 * sent: the OIDC state rides in a Lax cookie of its own, SAML is matched on InResponseTo alone, and
 * the finished login moves on through one same-site hop so that the session cookie is sent.
 */
export function ssoLoginRoutes(policy: LoginPolicy) {
  const names = cookieNames(policy);
  const stateCookie = `${policy.secureCookies ? '__Host-' : ''}firebreak_sso_state`;

  const provider = async (c: SsoContext, kind: 'oidc' | 'saml'): Promise<IdentityProvider> => {
    const found = await findEnabledProvider(c.var.ctx.db, c.req.param('name') ?? '');
    if (!found || found.kind !== kind)
      throw new NotFoundError(`No enabled ${kind.toUpperCase()} identity provider "${c.req.param('name')}".`);
    return found;
  };

  const finish = (c: SsoContext, result: SsoLoginResult, next: string) => {
    deleteCookie(c, stateCookie, { path: '/', secure: policy.secureCookies });
    if (result.stage === 'active') {
      deleteCookie(c, names.pending, { path: '/', secure: policy.secureCookies });
      setCookie(c, names.session, result.token, cookieOptions(policy, Math.floor(policy.maxAgeMs / 1000)));
      return renderPage(c, <SameSiteHop target={safeNext(next)} />);
    }
    setCookie(c, names.pending, result.token, cookieOptions(policy, Math.floor(MFA_STEP_TTL_MS / 1000)));
    return renderPage(
      c,
      <SameSiteHop target={`/login/${result.mustEnrol ? 'enrol' : 'code'}?next=${encodeURIComponent(safeNext(next))}`} />,
    );
  };

  const refuse = async (c: SsoContext, found: IdentityProvider, error: unknown) => {
    if (!(error instanceof SsoRefusedError)) throw error;
    await auditSsoRefusal(c.var.ctx.db, found, error.reason, originOf(c), policy, { message: error.message });
    c.var.logger.info({ provider: found.name, reason: error.reason }, 'single sign-on refused');
    return renderPage(c, <SsoRefusedPage message={error.message} />, 403);
  };

  const secrets = () => policy.secrets;

  return new Hono<AppEnv>()
    .post('/start', async (c) => {
      const form = await c.req.parseBody();
      assertLoginForm(c, policy, form);
      const next = safeNext(field(form, 'next'));
      const email = field(form, 'email').trim().toLowerCase();
      const owner = email ? await providerOwningEmail(c.var.ctx.db, email) : null;
      if (!owner) {
        const providers = await listSignInProviders(c.var.ctx.db);
        const error = email
          ? `No single sign-on is set up for ${emailDomain(email) || email}; log in with your password below.`
          : 'Enter your work e-mail address.';
        return renderPage(
          c,
          <PasswordPage csrf={loginFormToken(c, policy)} next={next} email={email} providers={providers} error={error} />,
          400,
        );
      }
      // A page, not a redirect: the CSP's form-action 'self' also binds the redirects that follow a form,
      // and this one ends at the provider's origin.
      const target = `/sso/${owner.kind}/${owner.name}/start?next=${encodeURIComponent(next)}&login_hint=${encodeURIComponent(email)}`;
      return renderPage(c, <SameSiteHop target={target} />);
    })
    .get('/oidc/:name/start', async (c) => {
      const found = await provider(c, 'oidc');
      const next = safeNext(c.req.query('next'));
      try {
        const loginHint = c.req.query('login_hint')?.slice(0, 254);
        const { url, state } = await startOidcLogin(c.var.ctx.db, secrets(), c.var.deps.config.publicUrl, found, {
          next,
          ...(loginHint ? { loginHint } : {}),
        });
        // Lax, not Strict: the provider sends the browser back with a cross-site navigation.
        setCookie(c, stateCookie, state, {
          httpOnly: true,
          secure: policy.secureCookies,
          sameSite: 'Lax',
          path: '/',
          maxAge: SSO_REQUEST_TTL_MS / 1000,
        });
        return c.redirect(url, 302);
      } catch (error) {
        return refuse(c, found, error);
      }
    })
    .get('/oidc/:name/callback', async (c) => {
      const found = await provider(c, 'oidc');
      const callback = new URL(`${c.var.deps.config.publicUrl}/sso/oidc/${found.name}/callback${new URL(c.req.url).search}`);
      try {
        const { identity, next } = await finishOidcLogin(c.var.ctx.db, secrets(), found, callback, getCookie(c, stateCookie) ?? null);
        return finish(c, await completeSsoLogin(c.var.ctx.db, found, identity, originOf(c), policy), next);
      } catch (error) {
        return refuse(c, found, error);
      }
    })
    .get('/saml/:name/start', async (c) => {
      const found = await provider(c, 'saml');
      return c.redirect(
        await startSamlLogin(c.var.ctx.db, c.var.deps.config.publicUrl, found, { next: safeNext(c.req.query('next')) }),
        302,
      );
    })
    .post('/saml/:name/acs', async (c) => {
      const found = await provider(c, 'saml');
      const form = await c.req.parseBody();
      const samlResponse = typeof form.SAMLResponse === 'string' ? form.SAMLResponse : '';
      try {
        if (!samlResponse) throw new SsoRefusedError('The identity provider sent no SAMLResponse; start again.', 'no_response');
        const relayState = typeof form.RelayState === 'string' ? form.RelayState : '';
        const { identity, next } = await finishSamlLogin(c.var.ctx.db, c.var.deps.config.publicUrl, found, {
          SAMLResponse: samlResponse,
          RelayState: relayState,
        });
        return finish(c, await completeSsoLogin(c.var.ctx.db, found, identity, originOf(c), policy), next);
      } catch (error) {
        return refuse(c, found, error);
      }
    })
    .get('/saml/:name/metadata', async (c) => {
      const found = await provider(c, 'saml');
      c.header('Content-Type', 'application/samlmetadata+xml; charset=utf-8');
      return c.body(samlMetadata(c.var.ctx.db, c.var.deps.config.publicUrl, found));
    })
    .onError(renderError);
}
