import { Layout } from './layout.tsx';

/** An enabled identity provider as the login page names it. */
export interface SignInProvider {
  name: string;
  label: string;
  kind: 'oidc' | 'saml';
  domains: string[];
}

/**
 * The single sign-on part of the login page: the e-mail first (its domain chooses the provider), and
 * which provider each domain's people use.
 */
export function SsoChoice({ csrf, next, email, providers }: { csrf: string; next: string; email?: string; providers: SignInProvider[] }) {
  if (providers.length === 0) return null;
  return (
    <div class="sso-choice">
      <h2>Single sign-on</h2>
      <ul class="sso-providers">
        {providers.map((provider) => (
          <li>
            People at{' '}
            {provider.domains.map((domain, index) =>
              index === 0 ? (
                <strong>{domain}</strong>
              ) : (
                <>
                  , <strong>{domain}</strong>
                </>
              ),
            )}{' '}
            sign in with <a href={`/sso/${provider.kind}/${provider.name}/start?next=${encodeURIComponent(next)}`}>{provider.label}</a>.
          </li>
        ))}
      </ul>
      <form method="post" action="/sso/start" id="form-sso">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="next" value={next} />
        <label for="sso-email">Work e-mail</label>
        <input id="sso-email" name="email" type="email" autocomplete="username" required autofocus value={email ?? ''} />
        <p>
          <button type="submit">Continue with single sign-on</button>
        </p>
      </form>
      <h2>Local account</h2>
      <p class="muted">
        Passwords (with an authenticator code) are only for local accounts whose e-mail domain has no single sign-on, such as break-glass
        admin accounts.
      </p>
    </div>
  );
}

/** A single sign-on that did not succeed: why, and the way back. */
export function SsoRefusedPage({ message }: { message: string }) {
  return (
    <Layout title="Sign-in refused" viewer={null} section="login">
      <section class="card login" aria-labelledby="sso-refused-title">
        <h1 id="sso-refused-title">Sign-in refused</h1>
        <p class="form-error" role="alert">
          {message}
        </p>
        <p>
          <a href="/login">Back to the login page</a>
        </p>
      </section>
    </Layout>
  );
}
