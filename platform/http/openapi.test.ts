import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3_1 } from 'openapi-types';
import { expect } from 'vitest';
import { describeOnBackends, it } from '../../test/harness/fixtures.ts';
import { ERROR_CODES } from '../errors.ts';

type Schema = OpenAPIV3_1.SchemaObject;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** The values a (dereferenced) schema requires that the answer lacks, as paths: a small check of shape. */
function missing(schema: Schema | undefined, value: unknown, at = '$'): string[] {
  if (!schema || value === null || value === undefined) return [];
  if (schema.type === 'array' && Array.isArray(value))
    return value.flatMap((item, index) => missing(schema.items as Schema, item, `${at}[${index}]`));
  if (schema.type !== 'object' || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  return [
    ...(schema.required ?? []).filter((key) => !(key in record)).map((key) => `${at}.${key}`),
    ...Object.entries(schema.properties ?? {}).flatMap(([key, property]) => missing(property as Schema, record[key], `${at}.${key}`)),
  ];
}

describeOnBackends('/openapi.json', () => {
  it('passes an OpenAPI validator, and every operation documents its answers and the one error shape', async ({ firebreak }) => {
    const answer = await firebreak.app.request('/openapi.json');
    expect(answer.status).toBe(200);
    const document = (await answer.json()) as OpenAPIV3_1.Document;
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();

    const errorSchema = document.components?.schemas?.Error as Schema;
    const codes = ((errorSchema.properties?.error as Schema).properties?.code as Schema).enum;
    expect(codes).toEqual(Object.keys(ERROR_CODES));

    const problems: string[] = [];
    let operations = 0;
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const method of METHODS) {
        const operation = item?.[method];
        if (!operation) continue;
        operations++;
        const name = `${method.toUpperCase()} ${path}`;
        const responses = Object.entries(operation.responses ?? {}) as [string, OpenAPIV3_1.ResponseObject][];
        if (!responses.some(([status]) => Number(status) < 400)) problems.push(`${name}: no success answer`);
        for (const [status, response] of responses) {
          if (!response.description) problems.push(`${name} ${status}: no description`);
          // SCIM answers its own error shape (RFC 7644 §3.12); everything else the one of Firebreak.
          const [type, shape] = path.startsWith('/scim/')
            ? ['application/scim+json', '#/components/schemas/ScimError']
            : ['application/json', '#/components/schemas/Error'];
          const schema = response.content?.[type]?.schema as { $ref?: string } | undefined;
          if (Number(status) >= 400 && schema?.$ref !== shape) problems.push(`${name} ${status}: not the error shape`);
        }
        const statuses = responses.map(([status]) => status);
        if (operation.requestBody && !statuses.includes('400')) problems.push(`${name}: body without a 400`);
        if (operation.security?.length !== 0 && !statuses.includes('401')) problems.push(`${name}: no 401`);
      }
    }
    expect(problems).toEqual([]);
    expect(operations).toBeGreaterThan(80);

    // Creations answer 201, and say so.
    for (const path of [
      '/api/incidents',
      '/api/tokens',
      '/api/users',
      '/api/silences',
      '/api/regimes',
      '/api/notifications/routing-rules',
      '/api/incidents/{id}/notes',
      '/api/incidents/{id}/evidence',
      '/api/incidents/{id}/checklist',
      '/api/incidents/{id}/action-items',
      '/api/incidents/{id}/breach/facts',
    ]) {
      expect(Object.keys(document.paths?.[path]?.post?.responses ?? {}), path).toContain('201');
      expect(Object.keys(document.paths?.[path]?.post?.responses ?? {}), path).not.toContain('200');
    }
  }, 120_000);

  it('answers in the shapes it documents', async ({ firebreak }) => {
    const document = (await SwaggerParser.dereference(
      (await (await firebreak.app.request('/openapi.json')).json()) as never,
    )) as OpenAPIV3_1.Document;
    const documented = (path: string, method: (typeof METHODS)[number], status: string) => {
      const response = document.paths?.[path]?.[method]?.responses?.[status] as OpenAPIV3_1.ResponseObject | undefined;
      const schema = response?.content?.['application/json']?.schema as Schema | undefined;
      expect(schema, `${method} ${path} ${status}`).toBeDefined();
      return schema;
    };
    const headers = { authorization: `Bearer ${firebreak.adminToken}`, 'content-type': 'application/json' };
    const call = async (path: string, init: RequestInit = {}) => {
      const response = await firebreak.app.request(path, { headers, ...init });
      return { status: String(response.status), body: (await response.json()) as unknown };
    };

    const declared = await call('/api/incidents', { method: 'POST', body: JSON.stringify({ title: 'Checkout down', severity: 'sev2' }) });
    expect(declared.status).toBe('201');
    expect(missing(documented('/api/incidents', 'post', '201'), declared.body)).toEqual([]);
    const listed = await call('/api/incidents');
    expect(missing(documented('/api/incidents', 'get', '200'), listed.body)).toEqual([]);
    const reference = (declared.body as { reference: string }).reference;
    const detail = await call(`/api/incidents/${reference}`);
    expect(missing(documented('/api/incidents/{id}', 'get', '200'), detail.body)).toEqual([]);
    const me = await call('/api/me');
    expect(missing(documented('/api/me', 'get', '200'), me.body)).toEqual([]);
    const token = await call('/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'docs', role: 'viewer' }) });
    expect(token.status).toBe('201');
    expect(missing(documented('/api/tokens', 'post', '201'), token.body)).toEqual([]);

    // Errors, from the lifecycle and from the breach routes alike, in the one documented shape.
    const errorSchema = document.components?.schemas?.Error as Schema;
    for (const [path, body] of [
      ['/api/incidents', { title: '' }],
      [`/api/incidents/${reference}/breach/facts`, { nonsense: true }],
    ] as const) {
      const refused = await call(path, { method: 'POST', body: JSON.stringify(body) });
      expect(refused.status, path).toBe('400');
      expect(missing(errorSchema, refused.body), path).toEqual([]);
      expect(documented(path.replace(reference, '{id}'), 'post', '400')).toEqual(errorSchema);
    }
  });
});
