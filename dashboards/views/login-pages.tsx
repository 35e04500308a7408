import type { TotpEnrolment } from '../../platform/index.ts';
import { Flash, Layout } from './layout.tsx';
import type { SignInProvider } from './sso-login.tsx';
import { SsoChoice } from './sso-login.tsx';

/** A page that moves on at once to `target` on this site (meta refresh: no script needed). */
export function SameSiteHop({ target }: { target: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="refresh" content={`0;url=${target}`} />
        <title>Firebreak</title>
      </head>
      <body>
        <p>
          <a href={target}>Continue to Firebreak</a>
        </p>
      </body>
    </html>
  );
}

export function PasswordPage({
  csrf,
  next,
  email,
  error,
  providers = [],
}: {
  csrf: string;
  next: string;
  email?: string;
  error?: string | null;
  providers?: SignInProvider[];
}) {
  return (
    <Layout title="Log in" viewer={null} section="login">
      <section class="card login" aria-labelledby="login-title">
        <h1 id="login-title">Log in to Firebreak</h1>
        <Flash error={error} />
        <SsoChoice csrf={csrf} next={next} email={email} providers={providers} />
        <form method="post" action="/login">
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="next" value={next} />
          <label for="email">E-mail</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="username"
            required
            autofocus={providers.length === 0}
            value={email ?? ''}
          />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
          <p>
            <button type="submit">Continue</button>
          </p>
        </form>
        <p class="muted">You will be asked for a code from your authenticator app next.</p>
      </section>
    </Layout>
  );
}

export function CodePage({ csrf, next, error }: { csrf: string; next: string; error?: string | null }) {
  return (
    <Layout title="Authenticator code" viewer={null} section="login">
      <section class="card login" aria-labelledby="code-title">
        <h1 id="code-title">Enter your authenticator code</h1>
        <Flash error={error} />
        <form method="post" action="/login/code">
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="next" value={next} />
          <label for="code">6-digit code</label>
          <input
            id="code"
            name="code"
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxlength={7}
            required
            autofocus
          />
          <p>
            <button type="submit">Log in</button>
          </p>
        </form>
        <p>
          <a href="/login">Start again</a>
        </p>
      </section>
    </Layout>
  );
}

export function EnrolPage({
  csrf,
  next,
  enrolment,
  error,
}: {
  csrf: string;
  next: string;
  enrolment: TotpEnrolment;
  error?: string | null;
}) {
  return (
    <Layout title="Set up your authenticator" viewer={null} section="login">
      <section class="card login" aria-labelledby="enrol-title">
        <h1 id="enrol-title">Set up two-factor authentication</h1>
        <Flash error={error} />
        <p>Firebreak requires an authenticator app (such as 1Password, Google Authenticator or Authy) for every account.</p>
        <ol>
          <li>Scan this QR code with the app:</li>
        </ol>
        <img
          class="qr"
          src={enrolment.qrCodeDataUrl}
          width={240}
          height={240}
          alt="QR code holding your authenticator secret; the same secret is written below."
        />
        <p>
          Or enter this key by hand:{' '}
          <code class="secret" id="totp-secret">
            {enrolment.secret}
          </code>
        </p>
        <form method="post" action="/login/enrol">
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="next" value={next} />
          <label for="code">Then enter the 6-digit code the app shows</label>
          <input
            id="code"
            name="code"
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxlength={7}
            required
          />
          <p>
            <button type="submit">Turn on and log in</button>
          </p>
        </form>
      </section>
    </Layout>
  );
}
