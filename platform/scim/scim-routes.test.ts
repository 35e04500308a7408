import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { createTestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/scim');

/** A request as a vendor's page prints it (test/fixtures/scim/*.http): request line, headers, body. */
interface PublishedRequest {
  method: string;
  target: string;
  headers: [string, string][];
  body: string | undefined;
}

function readPublishedRequest(name: string): PublishedRequest {
  const lines = readFileSync(path.join(FIXTURES, name), 'utf8').split('\n');
  let at = 0;
  while (lines[at]?.startsWith('#')) at++;
  // "PATCH /Users/… HTTP/1.1", or Entra's "GET /Users?filter=userName eq "…"" with spaces in its query.
  const requestLine = (lines[at++] ?? '').replace(/\s+HTTP\/1\.1\s*$/, '');
  const space = requestLine.indexOf(' ');
  const headers: [string, string][] = [];
  for (; at < lines.length && lines[at]?.trim(); at++) {
    const line = lines[at] ?? '';
    const colon = line.indexOf(':');
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const body = lines.slice(at).join('\n').trim();
  return { method: requestLine.slice(0, space), target: requestLine.slice(space + 1), headers, body: body || undefined };
}

/** The body of Okta's published create request, for tests that vary it. */
const oktaCreateBody = () => JSON.parse(readPublishedRequest('okta-create-user.http').body ?? '{}') as Record<string, unknown>;

/** The target as a client sends it: under the tenant URL (PUBLIC_URL/scim/v2), its query percent-encoded. */
function wireTarget(target: string): string {
  const question = target.indexOf('?');
  const route = question < 0 ? target : target.slice(0, question);
  const full = route.startsWith('/scim/v2/') ? route : `/scim/v2${route}`;
  if (question < 0) return full;
  const query = target
    .slice(question + 1)
    .split('&')
    .map((pair) => {
      const [name = '', ...value] = pair.split('=');
      return `${name}=${encodeURIComponent(decodeURIComponent(value.join('=')))}`;
    });
  return `${full}?${query.join('&')}`;
}

interface ScimUser {
  id: string;
  userName: string;
  displayName: string;
  active: boolean;
  externalId?: string;
  emails: { value: string }[];
  meta: { location: string; version: string };
  'urn:ietf:params:scim:schemas:extension:firebreak:2.0:User': { role: string };
}
interface ScimList {
  totalResults: number;
  itemsPerPage: number;
  startIndex: number;
  Resources: ScimUser[];
}
interface ScimErrorBody {
  schemas: string[];
  status: string;
  scimType?: string;
  detail: string;
}

describeOnBackends('SCIM 2.0 at /scim/v2', (backend) => {
  let firebreak: TestFirebreak;
  let scimToken: string;
  // One service for the file: each test makes people of its own.
  beforeAll(async () => {
    firebreak = await createTestFirebreak(backend, { SCIM_DEFAULT_ROLE: 'responder' });
    const made = await firebreak.request('POST', '/api/tokens', { json: { name: 'okta', role: 'scim', service: 'okta' } });
    expect(made.status).toBe(201);
    scimToken = ((await made.json()) as { token: string }).token;
  });
  afterAll(() => firebreak?.close());

  const scim = (method: string, route: string, json?: unknown, headers: Record<string, string> = {}) =>
    firebreak.request(method, `/scim/v2${route}`, {
      token: scimToken,
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      headers: { 'content-type': 'application/scim+json', ...headers },
    });
  /**
   * Sends a vendor's published request as it is: its method, headers (the credentials replaced by the
   * scim token; Entra's pages show none, and it sends a bearer token) and body, with no Content-Type
   * when the page shows none. `ids` maps the vendor's example ids to those Firebreak assigned.
   */
  const replay = (name: string, ids: Record<string, string> = {}) => {
    const published = readPublishedRequest(name);
    const withIds = (text: string) => Object.entries(ids).reduce((result, [from, to]) => result.replaceAll(from, to), text);
    const headers: Record<string, string> = {};
    for (const [header, value] of published.headers) headers[header.toLowerCase()] = value;
    headers.authorization = `Bearer ${scimToken}`;
    // A Uint8Array body, since a string would get a text/plain Content-Type the vendor never sent.
    const body = published.body === undefined ? undefined : new TextEncoder().encode(withIds(published.body));
    return firebreak.request(published.method, wireTarget(withIds(published.target)), { token: null, headers, body });
  };
  const read = async <T>(response: Response, status: number): Promise<T> => {
    const body = await response.text();
    expect(response.status, body).toBe(status);
    return JSON.parse(body) as T;
  };
  const findByUserName = async (userName: string) =>
    read<ScimList>(await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`), 200);
  const auditActions = async (userId: string) => {
    const page = (await (await firebreak.request('GET', `/api/audit?targetId=${userId}`)).json()) as { entries: { action: string }[] };
    return page.entries.map((entry) => entry.action);
  };

  it("answers Okta's published requests: find, create, list, read, replace, deactivate; a second create is a 409", async () => {
    const okta = '23a35c27-23d3-4c03-b4c5-6443c09e7173';
    const none = await replay('okta-find-user.http');
    expect(none.headers.get('content-type')).toContain('application/scim+json');
    expect(await read<ScimList>(none, 200)).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    const createdResponse = await replay('okta-create-user.http');
    const created = await read<ScimUser>(createdResponse, 201);
    expect(createdResponse.headers.get('location')).toBe(`http://firebreak.test/scim/v2/Users/${created.id}`);
    expect(created).toMatchObject({
      schemas: expect.arrayContaining(['urn:ietf:params:scim:schemas:core:2.0:User']),
      userName: 'test.user@okta.local',
      displayName: 'Test User',
      active: true,
      externalId: '00ujl29u0le5T6Aj10h7',
      emails: [{ value: 'test.user@okta.local', primary: true, type: 'work' }],
      'urn:ietf:params:scim:schemas:extension:firebreak:2.0:User': { role: 'responder' },
    });
    // Okta keeps the id it is given and finds the person by userName from then on (whatever the case).
    const found = await read<ScimList>(await replay('okta-find-user.http'), 200);
    expect(found).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(found.Resources.map((user) => user.id)).toEqual([created.id]);
    expect((await findByUserName('TEST.USER@okta.local')).Resources.map((user) => user.id)).toEqual([created.id]);
    const listed = await read<ScimList>(await replay('okta-list-users.http'), 200);
    expect(listed).toMatchObject({ startIndex: 1, totalResults: expect.any(Number) });
    expect(listed.Resources.map((user) => user.id)).toContain(created.id);
    expect((await read<ScimUser>(await replay('okta-get-user.http', { [okta]: created.id }), 200)).userName).toBe('test.user@okta.local');

    // The same person again: Okta stops on a 409 in SCIM's error shape.
    expect(await read<ScimErrorBody>(await replay('okta-create-user.http'), 409)).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '409',
      scimType: 'uniqueness',
    });

    const replaced = await read<ScimUser>(await replay('okta-replace-user.http', { [okta]: created.id }), 200);
    expect(replaced).toMatchObject({ id: created.id, displayName: 'Another User', active: true });

    // The person has a token of their own; Okta deactivating them ends it at once.
    const personal = await firebreak.request('POST', '/api/tokens', {
      json: { name: 'laptop', role: 'responder', owner: 'test.user@okta.local' },
    });
    const personalToken = (await read<{ token: string }>(personal, 201)).token;
    expect((await firebreak.request('GET', '/api/me', { token: personalToken })).status).toBe(200);

    const deactivated = await read<ScimUser>(await replay('okta-deactivate-user.http', { [okta]: created.id }), 200);
    expect(deactivated).toMatchObject({ id: created.id, active: false });
    expect((await firebreak.request('GET', '/api/me', { token: personalToken })).status).toBe(401);
    // Okta still reads a deactivated person (its imports), and finds them by userName.
    expect((await read<ScimUser>(await replay('okta-get-user.http', { [okta]: created.id }), 200)).active).toBe(false);
    expect((await read<ScimList>(await replay('okta-find-user.http'), 200)).totalResults).toBe(1);

    // Reactivation: Okta names it among its PATCH operations without printing it; the deactivation's shape, with true.
    const reactivated = await read<ScimUser>(
      await scim('PATCH', `/Users/${created.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', value: { active: true } }],
      }),
      200,
    );
    expect(reactivated.active).toBe(true);
    // A token that died with its owner stays dead.
    expect((await firebreak.request('GET', '/api/me', { token: personalToken })).status).toBe(401);
    expect(await auditActions(created.id)).toEqual(expect.arrayContaining(['scim.user.create', 'scim.user.replace', 'scim.user.patch']));
  });

  it("answers Entra's published requests: create, read, query, updates, disable (booleans as strings too), delete", async () => {
    const notFound = await read<ScimErrorBody>(await replay('entra-get-user-not-found.http'), 404);
    expect(notFound).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
    expect(await read<ScimList>(await replay('entra-find-user-none.http'), 200)).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      Resources: [],
      startIndex: 1,
    });

    const createdResponse = await replay('entra-create-user.http');
    expect(createdResponse.headers.get('content-type')).toContain('application/scim+json');
    const created = await read<ScimUser>(createdResponse, 201);
    expect(created).toMatchObject({
      userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      displayName: 'givenName familyName',
      active: true,
      emails: [{ value: 'test_user_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com', type: 'work', primary: true }],
    });
    // Each of Entra's examples names a user of its own; here they are all the one created.
    const as = (example: string) => ({ [example]: created.id });
    expect((await read<ScimUser>(await replay('entra-get-user.http', as('5d48a0a8e9f04aa38008')), 200)).id).toBe(created.id);
    const found = await read<ScimList>(await replay('entra-find-user.http'), 200);
    expect(found).toMatchObject({ totalResults: 1, startIndex: 1 });
    expect(found.Resources.map((user) => user.id)).toEqual([created.id]);
    // Entra also matches on externalId and the work e-mail (its tutorial's query requirements).
    for (const filter of [
      'externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"',
      'emails[type eq "work"].value eq "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"',
    ]) {
      const matched = await read<ScimList>(await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`), 200);
      expect(
        matched.Resources.map((user) => user.id),
        filter,
      ).toEqual([created.id]);
    }

    const multi = await read<ScimUser>(await replay('entra-update-multi-valued.http', as('6764549bef60420686bc')), 200);
    expect(multi.emails[0]?.value).toBe('updatedemail@microsoft.com');
    expect(multi.displayName).toBe('givenName updatedFamilyName');
    const single = await read<ScimUser>(await replay('entra-update-single-valued.http', as('5171a35d82074e068ce2')), 200);
    expect(single.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
    expect((await findByUserName('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com')).Resources.map((user) => user.id)).toEqual([
      created.id,
    ]);
    const added = await read<ScimUser>(await replay('entra-add-single-value.http', as('5171a35d82074e068ce2')), 200);
    expect(added.id).toBe(created.id);

    const replaced = await read<ScimUser>(await replay('entra-replace-attributes.http', as('5171a35d82074e068ce2')), 200);
    expect(replaced).toMatchObject({ displayName: 'Pvlo', externalId: 'Eqpj', emails: [{ value: 'testbcwqnm@test.microsoft.com' }] });
    const compliant = await read<ScimUser>(await replay('entra-replace-attributes-compliant.http', as('5171a35d82074e068ce2')), 200);
    expect(compliant).toMatchObject({ displayName: 'Bjfe', emails: [{ value: 'testmhvaes@test.microsoft.com' }] });
    // The enterprise extension's manager (in Entra's attribute table) is accepted, and not kept.
    const manager = await scim('PATCH', `/Users/${created.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: '5d48a0a8e9f04aa38008' },
      ],
    });
    expect((await read<ScimUser>(manager, 200)).active).toBe(true);

    // Disabled three ways: the tutorial's boolean, the default "False" string, the flag's lower-case op.
    for (const disable of ['entra-disable-user.http', 'entra-disable-user-string.http', 'entra-disable-user-compliant.http']) {
      const disabled = await read<ScimUser>(await replay(disable, as('5171a35d82074e068ce2')), 200);
      expect(disabled.active, disable).toBe(false);
      // A soft-deleted person is still returned (the tutorial's requirement), until deleted for good.
      expect((await read<ScimUser>(await replay('entra-get-user.http', as('5d48a0a8e9f04aa38008')), 200)).active).toBe(false);
      const restored = await scim('PATCH', `/Users/${created.id}`, { Operations: [{ op: 'Replace', path: 'active', value: 'True' }] });
      expect((await read<ScimUser>(restored, 200)).active).toBe(true);
    }

    const deleted = await replay('entra-delete-user.http', as('5171a35d82074e068ce2'));
    expect(deleted.status).toBe(204);
    expect(await read<ScimErrorBody>(await replay('entra-get-user.http', as('5d48a0a8e9f04aa38008')), 404)).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
    });
    expect(await auditActions(created.id)).toEqual(expect.arrayContaining(['scim.user.create', 'scim.user.patch', 'scim.user.delete']));
  });

  it('deletes a person for good (404 after, access ended) and takes them back when created again', async () => {
    const body = {
      ...oktaCreateBody(),
      userName: 'leaver@example.com',
      emails: [{ value: 'leaver@example.com', primary: true }],
    };
    const created = await read<ScimUser>(await scim('POST', '/Users', body), 201);
    const deleted = await scim('DELETE', `/Users/${created.id}`);
    expect(deleted.status).toBe(204);
    const gone = await read<ScimErrorBody>(await scim('GET', `/Users/${created.id}`), 404);
    expect(gone).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
    expect((await findByUserName('leaver@example.com')).totalResults).toBe(0);
    const users = (await (await firebreak.request('GET', '/api/users')).json()) as { users: { email: string }[] };
    expect(users.users.map((user) => user.email)).not.toContain('leaver@example.com');
    const back = await read<ScimUser>(await scim('POST', '/Users', body), 201);
    expect(back).toMatchObject({ id: created.id, active: true });
    expect(await auditActions(created.id)).toEqual(expect.arrayContaining(['scim.user.delete', 'scim.user.create']));
  });

  it("takes the role from Firebreak's extension, and refuses one it does not know", async () => {
    const extension = 'urn:ietf:params:scim:schemas:extension:firebreak:2.0:User';
    const body = { ...oktaCreateBody(), userName: 'lead@example.com', emails: [], [extension]: { role: 'commander' } };
    const created = await read<ScimUser>(await scim('POST', '/Users', body), 201);
    expect(created[extension].role).toBe('commander');
    const patched = await read<ScimUser>(
      await scim('PATCH', `/Users/${created.id}`, { Operations: [{ op: 'replace', path: `${extension}:role`, value: 'viewer' }] }),
      200,
    );
    expect(patched[extension].role).toBe('viewer');
    const refused = await read<ScimErrorBody>(
      await scim('POST', '/Users', { ...body, userName: 'x@example.com', [extension]: { role: 'owner' } }),
      400,
    );
    expect(refused).toMatchObject({ scimType: 'invalidValue', status: '400' });
    expect(refused.detail).toContain('role');
  });

  it('answers errors in the SCIM shape: auth, permission, invalid values, uniqueness, filters, ops, versions', async () => {
    const anonymous = await firebreak.request('GET', '/scim/v2/Users', { token: null });
    expect(await read<ScimErrorBody>(anonymous, 401)).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '401',
    });
    // An admin can do much, but not provision: SCIM is the scim token's alone, and that token nothing else.
    expect((await read<ScimErrorBody>(await firebreak.request('GET', '/scim/v2/Users'), 403)).detail).toContain('scim:provision');
    expect((await firebreak.request('GET', '/api/incidents', { token: scimToken })).status).toBe(403);
    expect((await firebreak.request('GET', '/api/users', { token: scimToken })).status).toBe(403);

    const noUserName = await read<ScimErrorBody>(await scim('POST', '/Users', { schemas: [], emails: [{ value: 'a@example.com' }] }), 400);
    expect(noUserName).toMatchObject({ scimType: 'invalidValue' });
    expect(noUserName.detail).toContain('userName');
    const noEmail = await read<ScimErrorBody>(await scim('POST', '/Users', { userName: 'no-mail' }), 400);
    expect(noEmail.detail).toContain('emails');

    const body = { ...oktaCreateBody(), userName: 'twice@example.com', emails: [] };
    const first = await read<ScimUser>(await scim('POST', '/Users', body), 201);
    expect(await read<ScimErrorBody>(await scim('POST', '/Users', body), 409)).toMatchObject({ scimType: 'uniqueness', status: '409' });

    expect(await read<ScimErrorBody>(await scim('GET', `/Users?filter=${encodeURIComponent('title sw "x"')}`), 400)).toMatchObject({
      scimType: 'invalidFilter',
    });
    expect(
      await read<ScimErrorBody>(await scim('PATCH', `/Users/${first.id}`, { Operations: [{ op: 'move', path: 'active' }] }), 400),
    ).toMatchObject({
      scimType: 'invalidSyntax',
    });
    expect(
      await read<ScimErrorBody>(
        await scim('PATCH', `/Users/${first.id}`, { Operations: [{ op: 'replace', path: 'active', value: 'maybe' }] }),
        400,
      ),
    ).toMatchObject({ scimType: 'invalidValue' });
    expect(await read<ScimErrorBody>(await scim('PATCH', `/Users/${first.id}`, { Operations: [{ op: 'remove' }] }), 400)).toMatchObject({
      scimType: 'noTarget',
    });
    const stale = await scim('PUT', `/Users/${first.id}`, body, { 'if-match': 'W/"999"' });
    expect((await read<ScimErrorBody>(stale, 409)).detail).toContain('changed');
    const current = await scim('GET', `/Users/${first.id}`);
    const etag = current.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\/"\d+"$/);
    expect((await scim('PUT', `/Users/${first.id}`, body, { 'if-match': etag })).status).toBe(200);
    expect(await read<ScimErrorBody>(await scim('GET', '/Users/00000000-0000-4000-8000-000000000000'), 404)).toMatchObject({
      status: '404',
    });
    const plainText = await scim('POST', '/Users', undefined, { 'content-type': 'text/plain' });
    expect(plainText.headers.get('content-type')).toContain('scim+json');
    expect((await read<ScimErrorBody>(plainText, 415)).detail).toContain('application/scim+json');
    // Without a Content-Type a body is JSON (as Okta and Entra send it), and must be a JSON object.
    const noType = (text: string) =>
      firebreak.request('POST', '/scim/v2/Users', { token: scimToken, body: new TextEncoder().encode(text) });
    expect(await read<ScimErrorBody>(await noType('{"userName": '), 400)).toMatchObject({ scimType: 'invalidSyntax' });
    expect((await read<ScimErrorBody>(await noType('[{"userName": "x@example.com"}]'), 400)).detail).toContain('JSON object');
    expect((await read<ScimErrorBody>(await noType('{"userName": "nul\\u0000@example.com"}'), 400)).detail).toContain('userName');
    expect(await read<ScimErrorBody>(await scim('GET', '/Groups'), 404)).toMatchObject({ status: '404' });
  });

  it('pages with startIndex and count, and describes itself', async () => {
    for (const name of ['page-a', 'page-b', 'page-c'])
      await read<ScimUser>(await scim('POST', '/Users', { userName: `${name}@paging.example`, emails: [] }), 201);
    const all = await read<ScimList>(await scim('GET', '/Users?count=1000'), 200);
    const second = await read<ScimList>(await scim('GET', '/Users?startIndex=2&count=1'), 200);
    expect(second).toMatchObject({ startIndex: 2, itemsPerPage: 1, totalResults: all.totalResults });
    expect(second.Resources[0]?.id).toBe(all.Resources[1]?.id);
    expect((await read<ScimList>(await scim('GET', '/Users?count=0'), 200)).Resources).toEqual([]);

    const config = await read<{ patch: { supported: boolean }; filter: { supported: boolean }; authenticationSchemes: { type: string }[] }>(
      await scim('GET', '/ServiceProviderConfig'),
      200,
    );
    expect(config).toMatchObject({
      patch: { supported: true },
      filter: { supported: true },
      authenticationSchemes: [{ type: 'oauthbearertoken' }],
    });
    const types = await read<ScimList>(await scim('GET', '/ResourceTypes'), 200);
    expect(types.Resources).toEqual([expect.objectContaining({ id: 'User', endpoint: '/Users' })]);
    const schemas = await read<{ Resources: { id: string }[] }>(await scim('GET', '/Schemas'), 200);
    expect(schemas.Resources.map((schema) => schema.id)).toContain('urn:ietf:params:scim:schemas:core:2.0:User');
  });
});
