import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { expect } from 'vitest';
import { signSlackRequest } from '../../notifier/slack/verify-signature.ts';
import { queryRows } from '../../platform/index.ts';
import type { TestFirebreak } from '../harness/app.ts';
import { browserFor, csrfOf } from '../harness/dashboard-session.ts';
import { describeOnBackends, it } from '../harness/fixtures.ts';

/*
 * Property-based fuzzing of every route that takes outside input (ingest, Slack and PagerDuty, the
 * incident API, and the admin and access API: people, tokens, SCIM, heartbeats, inhibit rules, identity
 * providers, erasure, export, elevations, access review): for random and hostile input the
 * service answers 4xx (never 5xx), stays up, stores nothing from a refused request, and a valid
 * request right after still works. `npm test` runs a few cases per route; `npm run fuzz` many more
 * (FUZZ_RUNS, default 300 there).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SLACK_SECRET = 'fuzz-slack-signing-secret-0123456789';
const PAGERDUTY_SECRET = 'fuzz-pagerduty-webhook-secret';

/** Strings a careless parser trips on: NUL, lone surrogates, controls, markup, huge, and any UTF-16. */
const hostileText = fc.oneof(
  fc.string(),
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes)),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udc00y',
    '<!channel>',
    '<script>alert(1)</script>',
    "' or 1=1 --",
    '%00',
    '../../etc/passwd',
    '\r\nX-Injected: 1',
    '${7*7}',
    'a'.repeat(70_000),
    '([a-z0-9.:-]+)+!',
  ),
);
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(hostileText, fc.oneof(hostileText, fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 6 }),
);

async function countRows(firebreak: TestFirebreak, table: string): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(firebreak.database.db, sql.raw(`select count(*) as n from ${table}`));
  return Number(row?.n ?? 0);
}

function expectNoServerError(status: number, what: string): void {
  expect(status, what).toBeLessThan(500);
}

describeOnBackends('fuzzing the routes that take outside input', () => {
  it.override({ firebreakEnv: { SLACK_SIGNING_SECRET: SLACK_SECRET, PAGERDUTY_WEBHOOK_SECRET: PAGERDUTY_SECRET } });

  it('API: incidents, notes, silences and alerts answer 4xx to hostile JSON and store nothing from it', async ({ firebreak }) => {
    const declared = await firebreak.request('POST', '/api/incidents', { json: { title: 'Fuzz target', severity: 'sev3' } });
    const { reference } = (await declared.json()) as { reference: string };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/api/incidents',
          `/api/incidents/${reference}/notes`,
          '/api/silences',
          '/api/v2/alerts',
          '/api/incidents/INC-1/roles',
        ),
        fc.oneof(
          hostileJson,
          fc.record({ title: hostileText, severity: fc.oneof(fc.constant('sev2'), hostileText), services: fc.array(hostileText) }),
          fc.record({ text: hostileText }),
          fc.record({ matchers: hostileText, endsAt: hostileText, comment: hostileText }),
          fc.array(fc.record({ labels: fc.dictionary(hostileText, hostileText), annotations: fc.dictionary(hostileText, hostileText) })),
        ),
        async (path, body) => {
          const before = { incidents: await countRows(firebreak, 'incidents'), events: await countRows(firebreak, 'timeline_events') };
          const response = await firebreak.request('POST', path, { json: body as Record<string, unknown> });
          expectNoServerError(response.status, `${path} ${JSON.stringify(body).slice(0, 300)}`);
          if (response.status >= 400) {
            expect(await countRows(firebreak, 'incidents')).toBe(before.incidents);
            expect(await countRows(firebreak, 'timeline_events')).toBe(before.events);
          }
        },
      ),
      { numRuns: RUNS },
    );
    const valid = await firebreak.request('POST', `/api/incidents/${reference}/notes`, { json: { text: 'still answering' } });
    expect(valid.status).toBeLessThan(300);
  });

  it('ingest: /v1/traces answers 4xx or 200 to random bytes and JSON, and then takes a valid export', async ({ firebreak }) => {
    const token = await firebreak.tokenFor('ingest');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ type: 'application/x-protobuf', body: bytes as Uint8Array | string })),
          hostileJson.map((json) => ({ type: 'application/json', body: JSON.stringify(json) as Uint8Array | string })),
          fc.record({ name: hostileText, message: hostileText }).map(({ name, message }) => ({
            type: 'application/json',
            body: JSON.stringify({
              resourceSpans: [
                {
                  scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name, status: { code: 2, message } }] }],
                },
              ],
            }) as Uint8Array | string,
          })),
        ),
        async ({ type, body }) => {
          const response = await firebreak.request('POST', '/v1/traces', {
            token,
            body: body as RequestInit['body'],
            headers: { 'content-type': type },
          });
          expectNoServerError(response.status, `${type} ${String(body).slice(0, 200)}`);
        },
      ),
      { numRuns: RUNS },
    );
    await firebreak.scheduler.runJob('slo-evaluation', new Date());
    const valid = await firebreak.request('POST', '/v1/traces', {
      token,
      body: JSON.stringify({ resourceSpans: [] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(valid.status).toBe(200);
  });

  it('Slack and PagerDuty webhooks, signed or not, never answer 5xx', async ({ firebreak }) => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/slack/commands', '/slack/actions', '/slack/events', '/pagerduty/webhook'),
        fc.oneof(
          hostileText.map((text) => new URLSearchParams({ command: '/incident', text, user_id: 'U0NOBODY' }).toString()),
          hostileText.map((payload) => new URLSearchParams({ payload }).toString()),
          hostileJson.map((json) => JSON.stringify(json)),
        ),
        fc.boolean(),
        async (path, body, signed) => {
          const timestamp = Math.floor(Date.now() / 1000);
          const headers: Record<string, string> = {
            'content-type':
              path === '/slack/events' || path.startsWith('/pagerduty') ? 'application/json' : 'application/x-www-form-urlencoded',
          };
          if (signed && path.startsWith('/slack')) {
            headers['x-slack-request-timestamp'] = String(timestamp);
            headers['x-slack-signature'] = signSlackRequest(SLACK_SECRET, timestamp, body);
          }
          if (signed && path.startsWith('/pagerduty')) {
            headers['x-pagerduty-signature'] = `v1=${createHmac('sha256', PAGERDUTY_SECRET).update(body).digest('hex')}`;
          }
          const response = await firebreak.request('POST', path, { token: null, body, headers });
          expectNoServerError(response.status, `${path} ${body.slice(0, 200)}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  // Two cases per run, each a request and a count of six tables: `npm run fuzz` needs more than the default limit.
  it('admin and access API: hostile bodies, ids and queries get a 4xx naming the problem, and change nothing', {
    timeout: Math.max(90_000, RUNS * 2 * 400),
  }, async ({ firebreak }) => {
    const scim = await firebreak.tokenFor('scim');
    const commander = await firebreak.tokenFor('commander');
    const tables = ['users', 'api_tokens', 'heartbeats', 'inhibit_rules', 'identity_providers', 'elevations'];
    const counts = async () =>
      Object.fromEntries(await Promise.all(tables.map(async (table) => [table, await countRows(firebreak, table)])));
    // An id or a query value as it would arrive in a URL: any text percent-encoded (a lone surrogate has no
    // UTF-8, so it becomes U+FFFD), or percent-escapes that decode to nothing valid.
    const inUrl = fc.oneof(
      hostileText.map((text) => encodeURIComponent(text.slice(0, 2000).replace(/[\ud800-\udfff]/g, '\ufffd'))),
      fc.constantFrom('%', '%zz', '%ED%A0%80', '%C0%AF', '%00', '%FF%FE', '..%2F..%2Fetc'),
    );
    const body = fc.oneof(
      hostileJson,
      fc.record({ name: hostileText, email: hostileText, role: fc.oneof(fc.constant('viewer'), hostileText), password: hostileText }),
      fc.record({
        name: hostileText,
        matchers: hostileText,
        source: hostileText,
        interval: fc.oneof(fc.constant('1m'), fc.integer(), hostileText),
        grace: fc.oneof(fc.integer(), hostileText),
      }),
      fc.record({
        source_matchers: fc.array(hostileText),
        target_matchers: fc.array(hostileText),
        equal: fc.array(hostileText),
        comment: hostileText,
      }),
      fc.record({
        name: hostileText,
        kind: fc.oneof(fc.constantFrom('oidc', 'saml'), hostileText),
        settings: fc.record({
          issuer: hostileText,
          clientId: hostileText,
          scopes: fc.array(hostileText),
          entryPoint: hostileText,
          cert: hostileText,
        }),
      }),
      fc.record({ email: hostileText, name: hostileText, dryRun: fc.oneof(fc.constant(true), hostileJson) }),
      fc.record({ role: fc.oneof(fc.constant('admin'), hostileText), minutes: fc.oneof(fc.integer(), hostileText), reason: hostileText }),
      fc.record({ notes: hostileText, since: hostileText, note: hostileText }),
      fc.record({
        userName: hostileText,
        active: fc.oneof(fc.boolean(), hostileText),
        emails: fc.array(fc.record({ value: hostileText })),
      }),
      fc.record({ Operations: fc.array(fc.record({ op: hostileText, path: hostileText, value: hostileJson })) }),
    );
    // Something already there, that no refused request may change.
    const heartbeat = { name: 'prometheus', matchers: 'alertname="Watchdog"', source: 'prometheus', interval: '1m', grace: 30 };
    expect((await firebreak.request('POST', '/api/heartbeats', { json: heartbeat })).status).toBe(201);
    const rule = { source_matchers: ['alertname="ClusterDown"'], target_matchers: ['severity="warning"'], equal: ['cluster'] };
    expect((await firebreak.request('POST', '/api/inhibit-rules', { json: rule })).status).toBe(201);
    const request = fc.oneof(
      fc.record({
        method: fc.constantFrom('POST'),
        path: fc.constantFrom(
          '/api/heartbeats',
          '/api/inhibit-rules',
          '/api/identity-providers',
          '/api/privacy/erasure',
          '/api/elevations',
          '/api/access-review/reviews',
          '/api/users',
          '/api/tokens',
          '/api/me/tokens',
          '/scim/v2/Users',
        ),
        body,
      }),
      fc.record({
        method: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'POST'),
        path: fc
          .tuple(
            fc.constantFrom(
              '/api/heartbeats/',
              '/api/inhibit-rules/',
              '/api/identity-providers/',
              '/api/elevations/:/approve',
              '/api/elevations/:/refuse',
              '/api/elevations/:/end',
              '/api/users/',
              '/api/tokens/',
              '/api/me/tokens/',
              '/scim/v2/Users/',
            ),
            inUrl,
          )
          .map(([route, id]) => (route.includes(':') ? route.replace(':', id) : `${route}${id}`)),
        body,
      }),
      fc.record({
        method: fc.constant('GET'),
        path: fc
          .tuple(
            fc.constantFrom(
              '/api/export?kinds=',
              '/api/access-review?since=',
              '/api/access-review?format=',
              '/api/elevations?status=',
              '/api/elevations?since=',
              '/api/elevations?limit=',
              '/scim/v2/Users?filter=',
              '/scim/v2/Users?startIndex=',
              '/scim/v2/Users?count=',
              '/scim/v2/Users/',
              '/api/audit?before=',
              '/api/audit?limit=',
              '/api/audit?targetId=',
            ),
            inUrl,
          )
          .map(([route, value]) => `${route}${value}`),
        body: fc.constant(undefined),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, fc.constantFrom('admin', 'commander'), async ({ method, path, body }, who) => {
        const before = await counts();
        const token = path.startsWith('/scim') ? scim : who === 'admin' ? undefined : commander;
        const response = await firebreak.request(method, path, {
          ...(token ? { token } : {}),
          ...(body === undefined ? {} : { json: body as Record<string, unknown> }),
        });
        const what = `${method} ${path.slice(0, 200)} ${JSON.stringify(body)?.slice(0, 300)}`;
        expectNoServerError(response.status, what);
        if (response.status >= 400) {
          const answer = (await response.json().catch(() => null)) as { error?: { message?: string }; detail?: string } | null;
          // The one error shape names the problem (SCIM answers in its own shape, with a detail).
          expect(answer?.error?.message ?? answer?.detail, what).toMatch(/\S/);
          expect(await counts(), what).toEqual(before);
        }
      }),
      { numRuns: RUNS * 2 },
    );
    expect((await firebreak.request('GET', '/api/heartbeats')).status).toBe(200);
  });

  it('dashboard forms: the login form answers 4xx to anything typed, and still serves the form after', async ({ firebreak }) => {
    const browser = browserFor(firebreak);
    const csrf = csrfOf(await (await browser.get('/login')).text());
    await fc.assert(
      fc.asyncProperty(fc.record({ email: hostileText, password: hostileText, next: hostileText }), async (form) => {
        const response = await browser.post('/login', { _csrf: csrf, ...form });
        expectNoServerError(response.status, JSON.stringify(form).slice(0, 300));
      }),
      // Each attempt costs a password hash: fewer runs here.
      { numRuns: Math.ceil(RUNS / 3) },
    );
    expect((await browser.get('/login')).status).toBe(200);
  });
});
