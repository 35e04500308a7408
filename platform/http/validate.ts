import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { MiddlewareHandler, ValidationTargets } from 'hono';
import { uniqueSymbol, validator } from 'hono-openapi';
import { InvalidInputError, UnsupportedMediaTypeError } from '../errors.ts';
import { findUnsafeText, unsafeText } from '../text/index.ts';
import { parsedJsonBody } from './json-body.ts';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

interface Issue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** "alerts.0.labels: Invalid input: expected string, received number" */
export function describeIssue(issue: Issue): string {
  const path = (issue.path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

export function invalidInputFromIssues(where: string, issues: readonly Issue[]): InvalidInputError {
  const described = issues.slice(0, 20).map(describeIssue);
  const more = issues.length > 20 ? ` (and ${issues.length - 20} more)` : '';
  return new InvalidInputError(`Invalid ${where}: ${described.join('; ')}${more}`, { issues: described });
}

/**
 * Text from outside is checked here, once, for U+0000 and lone surrogates (which the database refuses
 * and no reader can use): 400 naming the field, before any schema or domain code sees it.
 */
function refuseUnsafeText(target: string, value: unknown): void {
  const found = findUnsafeText(value);
  if (found) {
    unsafeText.inc({ source: 'api', action: 'refused' });
    const message = `${found.path}: ${found.reason}`;
    throw new InvalidInputError(`Invalid ${targetNames[target] ?? target}: ${message}`, { issues: [message] });
  }
}

/*
 * JSON text decoded from UTF-8 holds no lone surrogate (the decoder replaces bad bytes) and no raw
 * U+0000 (JSON.parse refuses control characters in strings): either can only come from a \u escape.
 * A body without such an escape needs no walk (an escaped backslash before "u0000" only costs the walk).
 */
const UNSAFE_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

function mayHoldUnsafeText(text: string): boolean {
  return UNSAFE_ESCAPE.test(text);
}

const targetNames: Record<string, string> = {
  json: 'request body',
  query: 'query parameters',
  param: 'path parameters',
  header: 'headers',
  form: 'form',
};

/**
 * Validates a request part with a zod schema and documents it in /openapi.json. For JSON bodies it
 * first answers 415 to another content type and 400 to malformed JSON, each with a message that says so.
 */
export function validate<Schema extends StandardSchemaV1, Target extends keyof ValidationTargets>(target: Target, schema: Schema) {
  const inner = validator(target, schema, (result) => {
    if (!result.success) throw invalidInputFromIssues(targetNames[target] ?? target, result.error);
  });
  const checked: MiddlewareHandler = async (c, next) => {
    if (target === 'json') {
      const contentType = c.req.header('content-type');
      if (!contentType || !JSON_TYPE.test(contentType)) throw new UnsupportedMediaTypeError(contentType, ['application/json']);
      let body: { text: string; value: unknown };
      try {
        body = await parsedJsonBody(c);
      } catch (error) {
        throw new InvalidInputError(`Request body is not valid JSON: ${(error as Error).message}`, undefined, 'malformed_json');
      }
      if (mayHoldUnsafeText(body.text)) refuseUnsafeText(target, body.value);
    } else if (target === 'query') refuseUnsafeText(target, c.req.queries());
    else if (target === 'param') refuseUnsafeText(target, c.req.param());
    else if (target === 'header') refuseUnsafeText(target, c.req.header());
    else if (target === 'form') refuseUnsafeText(target, await c.req.parseBody({ all: true }));
    return inner(c, next);
  };
  return Object.assign(checked, { [uniqueSymbol]: (inner as unknown as Record<symbol, unknown>)[uniqueSymbol] }) as unknown as typeof inner;
}
