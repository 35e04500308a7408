import type { Hono } from 'hono';
import { generateSpecs } from 'hono-openapi';
import type { OpenAPIV3_1 } from 'openapi-types';
import { ERROR_CODES } from '../errors.ts';
import { FIREBREAK_VERSION } from '../version.ts';
import type { AppEnv } from './env.ts';

type Document = OpenAPIV3_1.Document;
type Operation = OpenAPIV3_1.OperationObject;
type Response = OpenAPIV3_1.ResponseObject;

const ERROR_REF = { $ref: '#/components/schemas/Error' };

/** The one error shape, as every error answer of every operation documents it. */
export const ERROR_SCHEMA: OpenAPIV3_1.SchemaObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CODES), description: 'Stable: scripts may branch on it' },
        message: { type: 'string', description: 'What went wrong, for a person; names the field for invalid input' },
        requestId: { type: ['string', 'null'], description: 'Also in the X-Request-Id header and in the logs' },
        details: { description: 'More for some codes (the validation issues of invalid_input, …)' },
      },
    },
  },
};

/** SCIM answers its own error shape (RFC 7644 §3.12), which identity providers read. */
const SCIM_ERROR_SCHEMA: OpenAPIV3_1.SchemaObject = {
  type: 'object',
  required: ['schemas', 'status', 'detail'],
  properties: {
    schemas: { type: 'array', items: { type: 'string', enum: ['urn:ietf:params:scim:api:messages:2.0:Error'] } },
    status: { type: 'string', description: 'The HTTP status, as a string' },
    scimType: { type: 'string', description: 'invalidValue, invalidFilter, uniqueness, mutability, invalidPath, …' },
    detail: { type: 'string', description: 'What went wrong, naming the attribute' },
  },
};

function errorResponse(description: string, path = ''): Response {
  if (path.startsWith('/scim/'))
    return { description, content: { 'application/scim+json': { schema: { $ref: '#/components/schemas/ScimError' } } } };
  return { description, content: { 'application/json': { schema: ERROR_REF } } };
}

/** Descriptions of the error answers an operation gets when its route says nothing more precise. */
const ERROR_DESCRIPTIONS: Record<string, string> = {
  '400': 'Invalid input; the message names the field',
  '401': 'No or unknown credentials',
  '403': 'The role lacks the permission (named in the message)',
  '404': 'No such resource',
  '409': 'A rule refuses the change, or the version sent is stale (error.code says which)',
  '413': 'The body is too large',
  '415': 'The body is not application/json',
  '429': 'Too many requests: retry later',
  '503': 'Not configured or not ready',
};

/** Paths anyone may call (they check a signature or an unguessable token instead of a bearer token). */
function isPublic(path: string): boolean {
  return ['/healthz', '/readyz', '/openapi.json', '/api/docs', '/notices/', '/slack/', '/pagerduty/'].some(
    (prefix) => path === prefix || (prefix.endsWith('/') && path.startsWith(prefix)),
  );
}

/**
 * Completes what routes leave out, so that each operation documents a success answer and its errors in
 * the one shape `{ error: { code, message, requestId } }` (routes document their own bodies).
 */
export function completeOperations(document: Document): Document {
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Error: ERROR_SCHEMA, ScimError: SCIM_ERROR_SCHEMA },
  };
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation: Operation | undefined = item?.[method];
      if (!operation) continue;
      const responses = (operation.responses ?? {}) as Record<string, Response>;
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400) {
          responses[status] = errorResponse(
            response.description && response.description !== 'Validation Error'
              ? response.description
              : (ERROR_DESCRIPTIONS[status] ?? 'Error'),
            path,
          );
        } else if (!response.description) {
          responses[status] = { ...response, description: 'OK' };
        }
      }
      if (!Object.keys(responses).some((status) => Number(status) < 400)) responses['200'] = { description: 'OK' };
      const needed = [
        ...(isPublic(path) ? [] : ['401', '403']),
        ...(operation.requestBody || operation.parameters?.length ? ['400'] : []),
        ...(operation.requestBody && method !== 'get' ? ['415'] : []),
      ];
      for (const status of needed) responses[status] ??= errorResponse(ERROR_DESCRIPTIONS[status] ?? 'Error', path);
      responses['500'] ??= errorResponse('An unexpected error; the request id finds it in the logs', path);
      operation.responses = responses;
      if (isPublic(path)) operation.security = [];
    }
  }
  return document;
}

/** /openapi.json: what the routes declare, completed (see completeOperations). */
export async function openApiDocument(app: Hono<AppEnv>): Promise<Document> {
  const generated = await generateSpecs(app, {
    documentation: {
      info: {
        title: 'Firebreak',
        version: FIREBREAK_VERSION,
        description:
          'Incident response: alerts and traces in, incidents, deadlines and notifications out.\n\n' +
          'Authenticate with `Authorization: Bearer <token>` (tokens: `npx firebreak token create`, or the dashboard at /admin/tokens). ' +
          'Every error answers `{ "error": { "code", "message", "requestId" } }`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    defaultValidationErrorResponse: errorResponse(ERROR_DESCRIPTIONS['400'] ?? 'Invalid input'),
  });
  return completeOperations(generated as Document);
}
