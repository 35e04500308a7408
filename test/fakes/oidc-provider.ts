import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { closeAbruptly, listenOnLoopback } from './loopback.ts';

/** Who signs in at the fake provider next, and what it asserts about how. */
export interface OidcTestUser {
  sub: string;
  email: string;
  name: string;
  groups: string[];
  /** RFC 8176 methods the provider asserts (["pwd", "otp"] for MFA); none: the claim is absent. */
  amr?: string[];
  acr?: string;
}

function page(res: ServerResponse, html: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test IdP</title></head><body>${html}</body></html>`);
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * An OpenID provider on loopback built with the `oidc-provider` package (the certified implementation):
 * discovery, authorization code with PKCE, signed ID tokens. Its login page signs in `nextUser` at the
 * press of a button, with the amr/acr the test chooses; consent is given by itself.
 */
export class FakeOidcProvider {
  nextUser: OidcTestUser = { sub: 'user-1', email: 'user@example.com', name: 'Test User', groups: [] };
  issuer = '';
  private server = createServer((req, res) => void this.handle(req, res));
  private provider: Provider | null = null;

  constructor(readonly client: { clientId: string; clientSecret: string; redirectUri: string }) {}

  async start(): Promise<void> {
    const port = await listenOnLoopback(this.server);
    this.issuer = `http://127.0.0.1:${port}`;
    const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    this.provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: this.client.clientId,
          client_secret: this.client.clientSecret,
          redirect_uris: [this.client.redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      // amr and acr reach the ID token only through a scope that lists them.
      claims: {
        auth_time: null,
        iss: null,
        sid: null,
        openid: ['sub', 'amr', 'acr'],
        email: ['email', 'email_verified'],
        profile: ['name', 'groups'],
      },
      // Claims in the ID token itself, as Okta, Entra and Keycloak put groups there when asked to.
      conformIdTokenClaims: false,
      findAccount: async (_ctx, sub) => ({
        accountId: sub,
        claims: async () => {
          const user = this.nextUser;
          return { sub, email: user.email, email_verified: true, name: user.name, groups: user.groups };
        },
      }),
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      features: { devInteractions: { enabled: false } },
      pkce: { required: () => true },
      cookies: { keys: ['firebreak-test-idp-cookie-key'] },
      jwks: { keys: [{ ...signingKey, kid: 'test-key', use: 'sig', alg: 'RS256' }] as never },
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const provider = this.provider;
    if (!provider) {
      res.writeHead(503).end();
      return;
    }
    const match = /^\/interaction\/([^/?]+)(\/login)?/.exec(req.url ?? '');
    if (!match) {
      provider.callback()(req, res);
      return;
    }
    try {
      const details = await provider.interactionDetails(req, res);
      if (match[2] && req.method === 'POST') {
        const user = this.nextUser;
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: user.sub, ...(user.amr ? { amr: user.amr } : {}), ...(user.acr ? { acr: user.acr } : {}) } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      if (details.prompt.name === 'login') {
        page(
          res,
          `<h1>Test identity provider</h1><p>Sign in as ${escapeHtml(this.nextUser.email)}</p>` +
            `<form method="post" action="/interaction/${details.uid}/login"><button type="submit">Sign in at the IdP</button></form>`,
        );
        return;
      }
      const accountId = details.session?.accountId ?? this.nextUser.sub;
      const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String((error as Error).message));
    }
  }

  async stop(): Promise<void> {
    await closeAbruptly(this.server);
  }
}
