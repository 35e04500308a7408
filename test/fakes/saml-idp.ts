import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { inflateRawSync } from 'node:zlib';
import * as samlify from 'samlify';
import { closeAbruptly, listenOnLoopback } from './loopback.ts';
import type { TestCertificate } from './tls.ts';
import { makeTestCertificate } from './tls.ts';

/** Who signs in at the fake IdP next. */
export interface SamlTestUser {
  nameId: string;
  email: string;
  name: string;
  groups: string[];
  /** The AuthnContextClassRef it asserts (MultiFactor, PasswordProtectedTransport, …). */
  authnContextClassRef: string;
}

/** What a test changes in one response, to see it refused. */
export interface ResponseOverrides {
  assertionId?: string;
  audience?: string;
  recipient?: string;
  destination?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
  /** false: the assertion is not signed (the response around it is, which is not enough). */
  signAssertion?: boolean;
}

export const PASSWORD_CONTEXT = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';
export const MULTIFACTOR_CONTEXT = 'urn:oasis:names:tc:SAML:2.0:ac:classes:MultiFactor';

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The ID of an AuthnRequest sent by HTTP-Redirect (deflated, base64, in SAMLRequest). */
export function authnRequestId(redirectUrl: string): string {
  const request = new URL(redirectUrl).searchParams.get('SAMLRequest') ?? '';
  const xml = inflateRawSync(Buffer.from(request, 'base64')).toString('utf8');
  const id = /<(?:\w+:)?AuthnRequest\b[^>]*?\sID="([^"]+)"/.exec(xml)?.[1];
  if (!id) throw new Error(`no AuthnRequest ID in ${xml.slice(0, 200)}`);
  return id;
}

/**
 * A SAML 2.0 identity provider on loopback built with samlify: it answers an AuthnRequest (HTTP-Redirect)
 * with a Response whose assertion it signs (RSA-SHA256) with a certificate made for the test, posted to
 * the SP's ACS by an auto-submitting form, as real IdPs do.
 */
export class FakeSamlIdp {
  nextUser: SamlTestUser = {
    nameId: 'user-1',
    email: 'user@example.org',
    name: 'Test User',
    groups: [],
    authnContextClassRef: PASSWORD_CONTEXT,
  };
  certificate: TestCertificate | null = null;
  base = '';
  private server = createServer((req, res) => void this.handle(req, res));

  constructor(readonly sp: { entityId: string; acsUrl: string }) {}

  get ssoUrl(): string {
    return `${this.base}/sso`;
  }

  get entityId(): string {
    return `${this.base}/metadata`;
  }

  async start(): Promise<void> {
    this.certificate = await makeTestCertificate({ keyType: 'rsa' });
    this.base = `http://127.0.0.1:${await listenOnLoopback(this.server)}`;
  }

  /** A signed Response (base64, as posted in SAMLResponse) answering the request `inResponseTo`. */
  async loginResponse(inResponseTo: string, overrides: ResponseOverrides = {}, user: SamlTestUser = this.nextUser): Promise<string> {
    const certificate = this.certificate;
    if (!certificate) throw new Error('start the IdP first');
    const idp = samlify.IdentityProvider({
      entityID: this.entityId,
      privateKey: certificate.key,
      signingCert: certificate.cert,
      nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified'],
      singleSignOnService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: this.ssoUrl }],
      singleLogoutService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: `${this.base}/slo` }],
      requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    });
    const sp = samlify.ServiceProvider({
      entityID: this.sp.entityId,
      assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: this.sp.acsUrl }],
      wantAssertionsSigned: overrides.signAssertion !== false,
      wantMessageSigned: false,
    });
    const now = new Date();
    const notOnOrAfter = (overrides.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000)).toISOString();
    const attributes = (
      [
        ['email', [user.email]],
        ['name', [user.name]],
        ['groups', user.groups],
      ] as const
    )
      .map(
        ([name, values]) =>
          `<saml:Attribute Name="${name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${values
            .map((value) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(value)}</saml:AttributeValue>`)
            .join('')}</saml:Attribute>`,
      )
      .join('');
    const authnStatement = `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="_${randomUUID()}"><saml:AuthnContext><saml:AuthnContextClassRef>${escapeXml(user.authnContextClassRef)}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`;
    const id = `_${randomUUID()}`;
    const values = {
      ID: id,
      AssertionID: overrides.assertionId ?? `_${randomUUID()}`,
      Destination: overrides.destination ?? this.sp.acsUrl,
      Audience: overrides.audience ?? this.sp.entityId,
      SubjectRecipient: overrides.recipient ?? this.sp.acsUrl,
      Issuer: this.entityId,
      IssueInstant: now.toISOString(),
      StatusCode: samlify.Constants.StatusCode.Success,
      ConditionsNotBefore: (overrides.notBefore ?? new Date(now.getTime() - 60_000)).toISOString(),
      ConditionsNotOnOrAfter: notOnOrAfter,
      SubjectConfirmationDataNotOnOrAfter: notOnOrAfter,
      NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      NameID: user.nameId,
      InResponseTo: inResponseTo,
    };
    const result = await idp.createLoginResponse(
      sp,
      { extract: { request: { id: inResponseTo } } },
      'post',
      { email: user.email },
      {
        customTagReplacement: (template: string) => ({
          id,
          context: samlify.SamlLib.replaceTagsByValue(
            template
              .replace('{AuthnStatement}', authnStatement)
              .replace('{AttributeStatement}', `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>`),
            values,
          ),
        }),
      },
    );
    return result.context;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', this.base);
      if (url.pathname !== '/sso') {
        res.writeHead(404).end();
        return;
      }
      const response = await this.loginResponse(authnRequestId(url.href));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test SAML IdP</title></head><body>` +
          `<h1>Test SAML identity provider</h1><p>Signing in ${escapeXml(this.nextUser.email)}</p>` +
          `<form method="post" action="${escapeXml(this.sp.acsUrl)}"><input type="hidden" name="SAMLResponse" value="${response}">` +
          `<input type="hidden" name="RelayState" value="${escapeXml(url.searchParams.get('RelayState') ?? '')}">` +
          `<button type="submit">Continue to the service</button></form></body></html>`,
      );
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String((error as Error).stack));
    }
  }

  async stop(): Promise<void> {
    await closeAbruptly(this.server);
    await this.certificate?.remove();
  }
}
