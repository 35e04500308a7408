export { createBaseApp } from './create-app.ts';
export type { AppDeps, AppEnv, SessionResolver } from './env.ts';
export { requirePermission, ANONYMOUS_ACTOR } from './middleware.ts';
export { validate, invalidInputFromIssues, describeIssue } from './validate.ts';
export { handleError } from './error-handler.ts';
export { READ_RESPONSES, WRITE_RESPONSES } from './documented-responses.ts';
