// The shared kernel's surface: every other part imports from here.

export * from './access/index.ts';
export * from './audit/index.ts';
export * from './auth/index.ts';
export * from './backup/index.ts';
export type { Config } from './config.ts';
export { ConfigError, ConfigSchema, loadConfig } from './config.ts';
export * from './database/index.ts';
export * from './errors.ts';
export * from './http/index.ts';
export type { LogFormat, Logger } from './logger.ts';
export { createLogger, isPrettyLogFormat } from './logger.ts';
export { describeFatalError, listenError, OperatorError } from './operator-errors.ts';
export { peopleRoutes } from './people-routes.ts';
export * from './redaction/index.ts';
export * from './retention/index.ts';
export type { ReadinessCheck } from './routes.ts';
export { platformRoutes } from './routes.ts';
export * from './scheduler/index.ts';
export * from './scim/index.ts';
export type { Severity } from './severity.ts';
export { isAtLeast, SEVERITIES, severityRank } from './severity.ts';
export type { StartBanner } from './start-banner.ts';
export { formatStartBanner, localUrl, SERVER_URL_FILE, startBanner } from './start-banner.ts';
export * from './telemetry/index.ts';
export * from './text/index.ts';
export { FIREBREAK_VERSION } from './version.ts';
