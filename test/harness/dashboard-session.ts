import { generate } from 'otplib';
import type { PersonRole } from '../../platform/index.ts';
import { createUser, systemContext } from '../../platform/index.ts';
import type { Firebreak } from '../../server.ts';

/** What the helpers need of an app: its fetch entry point and its database. */
type App = Pick<Firebreak, 'app' | 'database' | 'config'>;

/** The origin dashboard forms are posted from in tests (PUBLIC_URL of createTestFirebreak). */
export const TEST_ORIGIN = 'http://firebreak.test';

/** A minimal cookie jar for driving the dashboard through app.request(). */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  readonly attributes = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
      this.attributes.set(name, line);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export interface Browser {
  jar: CookieJar;
  get(path: string): Promise<Response>;
  /** Posts a form from the test origin; `_csrf` is taken from `csrfFrom` (a page's HTML) unless given. */
  post(path: string, form: Record<string, string>, options?: { origin?: string | null }): Promise<Response>;
  /**
   * Follows a form's answer as a browser does: a 303 is followed to the page it names (Post/Redirect/Get),
   * whose HTML is returned with where it came from; anything else is returned as it is.
   */
  follow(response: Response): Promise<{ status: number; location: string | null; html: string }>;
}

export function browserFor(firebreak: App): Browser {
  const jar = new CookieJar();
  return {
    jar,
    async get(path) {
      const response = await firebreak.app.request(path, { headers: { cookie: jar.header(), accept: 'text/html' } });
      jar.store(response);
      return response;
    },
    async post(path, form, options = {}) {
      const headers: Record<string, string> = {
        cookie: jar.header(),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
      };
      const origin = options.origin === undefined ? TEST_ORIGIN : options.origin;
      if (origin) headers.origin = origin;
      const response = await firebreak.app.request(path, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
      jar.store(response);
      return response;
    },
    async follow(response) {
      const location = response.status === 303 ? response.headers.get('location') : null;
      if (!location) return { status: response.status, location: null, html: await response.text() };
      const page = await this.get(location);
      return { status: page.status, location, html: await page.text() };
    },
  };
}

/** The value of the first hidden `_csrf` field in a page. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no _csrf field in the page');
  return match[1];
}

export async function createDashboardUser(
  firebreak: App,
  role: PersonRole,
  email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`,
  password = 'correct horse battery staple',
) {
  const user = await createUser(systemContext(firebreak.database.db, firebreak.config), {
    email,
    name: `${role[0]?.toUpperCase()}${role.slice(1)} Person`,
    role,
    password,
  });
  return { ...user, password };
}

/** A TOTP code for the secret at a moment (seconds offset from now). */
export function totpCode(secret: string, offsetSeconds = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });
}

/** Logs in through the forms, enrolling an authenticator on the way if needed; answers the browser and the secret. */
export async function logIn(
  firebreak: App,
  credentials: { email: string; password: string },
  secret?: string,
): Promise<{ browser: Browser; secret: string }> {
  const browser = browserFor(firebreak);
  const loginPage = await browser.get('/login');
  const started = await browser.post('/login', {
    _csrf: csrfOf(await loginPage.text()),
    email: credentials.email,
    password: credentials.password,
    next: '/incidents',
  });
  const location = started.headers.get('location') ?? '';
  if (started.status !== 303) throw new Error(`password step answered ${started.status}: ${await started.text()}`);
  if (location.startsWith('/login/enrol')) {
    const page = await (await browser.get(location)).text();
    const enrolled = /id="totp-secret">([A-Z2-7]+)</.exec(page)?.[1];
    if (!enrolled) throw new Error('no secret on the enrolment page');
    const done = await browser.post('/login/enrol', { _csrf: csrfOf(page), code: await totpCode(enrolled), next: '/incidents' });
    if (done.status !== 303) throw new Error(`enrolment answered ${done.status}`);
    return { browser, secret: enrolled };
  }
  if (!secret) throw new Error('the account is enrolled: pass its secret');
  const page = await (await browser.get(location)).text();
  // The next time step: the code of the current one may have been used already by this test.
  const done = await browser.post('/login/code', { _csrf: csrfOf(page), code: await totpCode(secret, 30), next: '/incidents' });
  if (done.status !== 303) throw new Error(`code step answered ${done.status}: ${await done.text()}`);
  return { browser, secret };
}
