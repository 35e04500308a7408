import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { TestFirebreak } from '../../test/harness/app.ts';
import { createTestFirebreak } from '../../test/harness/app.ts';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../test/fixtures/scim');
const fixture = (name: string, id = '') =>
  JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8').replaceAll('{id}', id)) as Record<string, unknown>;

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

  it("follows Okta's published requests: find, create, read, replace, deactivate, reactivate", async () => {
    expect((await findByUserName('test.user@okta.local')).totalResults).toBe(0);
    const createdResponse = await scim('POST', '/Users', fixture('okta-create-user.json'));
    expect(createdResponse.headers.get('content-type')).toContain('application/scim+json');
    const created = await read<ScimUser>(createdResponse, 201);
    expect(createdResponse.headers.get('location')).toBe(`http://firebreak.test/scim/v2/Users/${created.id}`);
    expect(created).toMatchObject({
      userName: 'test.user@okta.local',
      displayName: 'Test User',
      active: true,
      externalId: '00ujl29u0le5T6Aj10h7',
      emails: [{ value: 'test.user@okta.local', primary: true }],
      'urn:ietf:params:scim:schemas:extension:firebreak:2.0:User': { role: 'responder' },
    });
    const found = await findByUserName('TEST.USER@okta.local');
    expect(found).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(found.Resources[0]?.id).toBe(created.id);
    expect((await read<ScimUser>(await scim('GET', `/Users/${created.id}`), 200)).userName).toBe('test.user@okta.local');

    const replaced = await read<ScimUser>(await scim('PUT', `/Users/${created.id}`, fixture('okta-replace-user.json', created.id)), 200);
    expect(replaced.displayName).toBe('Another User');

    // The person has a token of their own; Okta deactivating them ends it at once.
    const personal = await firebreak.request('POST', '/api/tokens', {
      json: { name: 'laptop', role: 'responder', owner: 'test.user@okta.local' },
    });
    const personalToken = ((await read<{ token: string }>(personal, 201)) as { token: string }).token;
    expect((await firebreak.request('GET', '/api/me', { token: personalToken })).status).toBe(200);

    const deactivated = await read<ScimUser>(await scim('PATCH', `/Users/${created.id}`, fixture('okta-deactivate.json')), 200);
    expect(deactivated.active).toBe(false);
    expect((await firebreak.request('GET', '/api/me', { token: personalToken })).status).toBe(401);
    expect((await read<ScimUser>(await scim('GET', `/Users/${created.id}`), 200)).active).toBe(false);

    const reactivated = await read<ScimUser>(await scim('PATCH', `/Users/${created.id}`, fixture('okta-reactivate.json')), 200);
    expect(reactivated.active).toBe(true);
    // A token that died with its owner stays dead.
    expect((await firebreak.request('GET', '/api/me', { token: personalToken })).status).toBe(401);
    expect(await auditActions(created.id)).toEqual(expect.arrayContaining(['scim.user.create', 'scim.user.replace', 'scim.user.patch']));
  });

  it("follows Entra's published requests: create, find, multi- and single-valued updates, disable, string booleans", async () => {
    const created = await read<ScimUser>(await scim('POST', '/Users', fixture('entra-create-user.json')), 201);
    expect(created).toMatchObject({
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      displayName: 'givenName familyName',
      emails: [{ value: 'test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' }],
    });
    expect((await findByUserName('Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1')).Resources.map((user) => user.id)).toEqual([created.id]);
    const byExternalId = await read<ScimList>(
      await scim('GET', `/Users?filter=${encodeURIComponent('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')}`),
      200,
    );
    expect(byExternalId.totalResults).toBe(1);

    const multi = await read<ScimUser>(await scim('PATCH', `/Users/${created.id}`, fixture('entra-update-multi-valued.json')), 200);
    expect(multi.emails[0]?.value).toBe('updatedemail@microsoft.com');
    expect(multi.displayName).toBe('givenName updatedFamilyName');

    await read<ScimUser>(await scim('PATCH', `/Users/${created.id}`, fixture('entra-update-single-valued.json')), 200);
    expect((await findByUserName('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com')).Resources[0]?.id).toBe(created.id);

    expect((await read<ScimUser>(await scim('PATCH', `/Users/${created.id}`, fixture('entra-disable-user.json')), 200)).active).toBe(false);
    expect((await read<ScimUser>(await scim('PATCH', `/Users/${created.id}`, fixture('entra-enable-user-string.json')), 200)).active).toBe(
      true,
    );
    const pathless = await read<ScimUser>(
      await scim('PATCH', `/Users/${created.id}`, fixture('entra-disable-user-pathless-string.json')),
      200,
    );
    expect(pathless).toMatchObject({ active: false, displayName: 'Updated Display Name' });
    const inactive = await read<ScimList>(
      await scim('GET', `/Users?filter=${encodeURIComponent('active eq false and emails.value eq "updatedemail@microsoft.com"')}`),
      200,
    );
    expect(inactive.totalResults).toBe(1);
  });

  it('deletes a person for good (404 after, access ended) and takes them back when created again', async () => {
    const body = {
      ...fixture('okta-create-user.json'),
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
    const body = { ...fixture('okta-create-user.json'), userName: 'lead@example.com', emails: [], [extension]: { role: 'commander' } };
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

    const body = { ...fixture('okta-create-user.json'), userName: 'twice@example.com', emails: [] };
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
    expect((await scim('POST', '/Users', undefined, { 'content-type': 'text/plain' })).headers.get('content-type')).toContain('scim+json');
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
