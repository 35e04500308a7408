export { createBaseApp } from './create-app.ts';
export { jsonResponse, READ_RESPONSES, WRITE_RESPONSES } from './documented-responses.ts';
export type { AppDeps, AppEnv, SessionResolver } from './env.ts';
export { handleError } from './error-handler.ts';
export { jsonBody } from './json-body.ts';
export { ANONYMOUS_ACTOR, requirePermission } from './middleware.ts';
export { completeOperations, ERROR_SCHEMA, openApiDocument } from './openapi.ts';
export { streamBody } from './stream-body.ts';
export { describeIssue, invalidInputFromIssues, validate } from './validate.ts';
