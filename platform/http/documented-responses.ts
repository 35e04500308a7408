import type { StandardSchemaV1 } from '@standard-schema/spec';
import { resolver } from 'hono-openapi';

/** The answers every read route may give, for describeRoute({ responses }). */
export const READ_RESPONSES = {
  200: { description: 'OK' },
  401: { description: 'No or unknown credentials' },
  403: { description: 'The role lacks the permission (named in the message)' },
  404: { description: 'No such resource' },
};

/** The answers every JSON write route may give. */
export const WRITE_RESPONSES = {
  ...READ_RESPONSES,
  400: { description: 'Invalid input; the message names the field' },
  409: { description: 'A rule refuses the change, or the version sent is stale (error.code says which)' },
  415: { description: 'The body is not application/json' },
};

/** A success answer with a JSON body of this schema (error answers are completed for every route in openapi.ts). */
export function jsonResponse(description: string, schema: StandardSchemaV1) {
  return { description, content: { 'application/json': { schema: resolver(schema) } } };
}
