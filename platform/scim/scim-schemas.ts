/** The URNs of SCIM 2.0 (RFC 7643, RFC 7644) that Firebreak speaks, and its own extension. */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** Firebreak's extension: the person's role (admin, commander, responder, viewer). */
export const FIREBREAK_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:firebreak:2.0:User';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
/** Pages of a list are at most this long (ServiceProviderConfig says so). */
export const MAX_RESULTS = 200;

const attribute = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  name,
  type,
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});

/** RFC 7643 §7: the attributes Firebreak keeps of a person (others an identity provider sends are accepted and not kept). */
export function schemaDocuments(baseUrl: string) {
  const user = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: USER_SCHEMA,
    name: 'User',
    description: 'A person who uses Firebreak',
    attributes: [
      attribute('userName', 'string', { required: true, uniqueness: 'server' }),
      attribute('externalId', 'string', { caseExact: true }),
      attribute('displayName', 'string'),
      attribute('name', 'complex', {
        subAttributes: [attribute('formatted', 'string'), attribute('givenName', 'string'), attribute('familyName', 'string')],
      }),
      attribute('emails', 'complex', {
        multiValued: true,
        subAttributes: [attribute('value', 'string'), attribute('type', 'string'), attribute('primary', 'boolean')],
      }),
      attribute('active', 'boolean'),
      attribute('roles', 'complex', { multiValued: true, subAttributes: [attribute('value', 'string'), attribute('primary', 'boolean')] }),
    ],
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${USER_SCHEMA}` },
  };
  const firebreak = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: FIREBREAK_USER_SCHEMA,
    name: 'FirebreakUser',
    description: "The person's Firebreak role",
    attributes: [attribute('role', 'string', { canonicalValues: ['admin', 'commander', 'responder', 'viewer'] })],
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${FIREBREAK_USER_SCHEMA}` },
  };
  return [user, firebreak];
}

export function resourceTypeDocuments(baseUrl: string) {
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A person who uses Firebreak',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: FIREBREAK_USER_SCHEMA, required: false }],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
    },
  ];
}

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: `${baseUrl.replace(/\/scim\/v2$/, '')}/api/docs`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'A Firebreak service token with the scim role (Authorization: Bearer fbk_…)',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}
