// The shared kernel's surface: every other part imports from here.
export { loadConfig, ConfigError, ConfigSchema } from './config.ts';
export type { Config } from './config.ts';
export * from './errors.ts';
export { SEVERITIES, isAtLeast, severityRank } from './severity.ts';
export type { Severity } from './severity.ts';
export { createLogger } from './logger.ts';
export type { Logger } from './logger.ts';
export * from './database/index.ts';
export * from './auth/index.ts';
export * from './audit/index.ts';
export * from './scheduler/index.ts';
export * from './http/index.ts';
export * from './telemetry/index.ts';
export { platformRoutes } from './routes.ts';
export type { ReadinessCheck } from './routes.ts';
