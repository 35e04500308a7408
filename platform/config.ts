import path from 'node:path';
import { z } from 'zod';
import { parseSecretKey } from './auth/secret-box.ts';
import { parseTrustedProxies } from './http/client-address.ts';
import { LOG_FORMATS } from './logger.ts';
import { SEVERITIES } from './severity.ts';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const optionalUrl = z.url().optional();

/** Three years: how long audit entries and breach records are kept unless a shorter time is set on purpose. */
export const MINIMUM_RECORD_RETENTION_DAYS = 1095;

/** Every environment variable Firebreak reads. The README documents each one. */
export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  DATABASE_LOOKUP_CONNECTIONS: z.coerce.number().int().min(0).max(100).default(2),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(LOG_FORMATS).default('auto'),
  PUBLIC_URL: optionalUrl,
  FIREBREAK_BOOTSTRAP_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Seals stored secrets (TOTP seeds); see platform/auth/secret-box.ts. */
  FIREBREAK_SECRET_KEY: z
    .string()
    .refine((value) => parseSecretKey(value) !== null, 'must be 32 bytes: 64 hex digits, or base64 (openssl rand -base64 32)')
    .optional(),
  /** Keys FIREBREAK_SECRET_KEY replaced, comma-separated: what they sealed still opens, and is sealed again at startup. */
  FIREBREAK_SECRET_KEY_PREVIOUS: z
    .string()
    .refine(
      (value) => value.split(',').every((key) => parseSecretKey(key) !== null),
      'must list 32-byte keys (64 hex digits or base64), separated by commas',
    )
    .optional(),
  /** Where the audit chain's signed head is written every hour (platform/audit/scheduled-checkpoint.ts); unset: not written. */
  AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_KEEP: z.coerce.number().int().min(1).default(168),
  /** Where backups are written (platform/backup); unset: DATA_DIR/backups. */
  BACKUP_DIR: z.string().min(1).optional(),
  /** Minutes between scheduled backups; 0: none. Unset: 60 on the embedded database, none on Postgres (its server has its own). */
  BACKUP_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .optional(),
  BACKUP_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(60),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  SCHEDULER_ENABLED: booleanFlag.default(true),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_SERVICE_NAME: z.string().min(1).default('firebreak'),
  /** A tracing UI's trace page with {traceId} in it (Jaeger: http://jaeger:16686/trace/{traceId}); unset: no links. */
  TRACE_UI_URL_TEMPLATE: z
    .string()
    .regex(/^https?:\/\/[^\s]*\{traceId\}/, 'must be an http(s) address containing {traceId}, such as http://jaeger:16686/trace/{traceId}')
    .optional(),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_API_URL: z.url().default('https://slack.com/api/'),
  PAGERDUTY_ROUTING_KEY: z.string().min(1).optional(),
  PAGERDUTY_SERVER: z.string().min(1).default('events.pagerduty.com'),
  SMTP_URL: optionalUrl,
  SMTP_FROM: z.string().min(3).default('Firebreak <firebreak@localhost>'),
  BREACH_REGIMES_FILE: z.string().min(1).optional(),
  /** Required to send a notice or a regulator report: the letters carry it. */
  BREACH_ORGANIZATION_NAME: z.string().trim().min(1).max(200).optional(),
  /** Regimes applied by themselves, once, when an incident becomes a (suspected) breach; empty: none. */
  BREACH_DEFAULT_REGIMES: z
    .string()
    .regex(/^\s*([a-z0-9][a-z0-9_-]*\s*(,\s*[a-z0-9][a-z0-9_-]*\s*)*)?$/, 'must be regime ids separated by commas')
    .default('contract-24h,contract-48h')
    .transform((value) =>
      value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  ALERT_GROUP_BY: z
    .string()
    .regex(/^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*)*$/, 'must be label names separated by commas')
    .default('alertname,service'),
  ALERT_RESOLVE_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .default(300),
  ALERT_SEVERITY_LABEL: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a label name')
    .default('severity'),
  ALERT_SEVERITY_MAP: z
    .string()
    .regex(/^\s*[^=,\s]+\s*=\s*sev[1-4]\s*(,\s*[^=,\s]+\s*=\s*sev[1-4]\s*)*$/, 'must be value=sevN pairs separated by commas')
    .default('critical=sev1,error=sev2,warning=sev3,info=sev4'),
  ALERT_DEFAULT_SEVERITY: z.enum(SEVERITIES).default('sev3'),
  ALERT_REFIRE_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 3600)
    .default(1800),
  ALERT_MAX_PER_REQUEST: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** An alert changing state more than this often within ALERT_FLAP_WINDOW_SECONDS is flapping. */
  ALERT_FLAP_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(4),
  ALERT_FLAP_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3600)
    .default(600),
  /** Heartbeats (dead man's switches) to apply at start, YAML or JSON; see docs/alerts.md. */
  HEARTBEATS_FILE: z.string().min(1).optional(),
  PLAYBOOKS_FILE: z.string().min(1).optional(),
  /** Alertmanager's inhibit_rules (YAML), loaded at start; the API's rules stay beside them. */
  INHIBIT_RULES_FILE: z.string().min(1).optional(),
  ACTION_ITEM_REMINDER_INTERVAL_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(24),
  /** Where an approved root-cause analysis is sent: Slack channels (#postmortems) and e-mail addresses, comma-separated. */
  RCA_DISTRIBUTION: z
    .string()
    .refine(
      (value) =>
        value
          .split(',')
          .map((target) => target.trim())
          .filter(Boolean)
          .every(
            (target) => /^#[a-z0-9][a-z0-9_-]{0,79}$/.test(target) || /^C[A-Z0-9]{6,}$/.test(target) || z.email().safeParse(target).success,
          ),
      'must list Slack channels (#postmortems, or a channel id such as C024BE91L) and e-mail addresses, separated by commas',
    )
    .default(''),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(20),
  /** The longest life of an API token, in days (a person's token lives 90 days unless it asks for less or more, up to this). */
  TOKEN_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /** The role of a person provisioned by SCIM whose identity provider sends none. */
  SCIM_DEFAULT_ROLE: z.enum(['admin', 'commander', 'responder', 'viewer']).default('viewer'),
  /** Proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For names the client; empty: none. */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .superRefine((value, context) => {
      try {
        parseTrustedProxies(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: `must list IP addresses or CIDR ranges: ${(error as Error).message}` });
      }
    }),
  SLACK_BROADCAST_CHANNEL: z.string().min(1).optional(),
  /** Break-glass without a second admin: a request is granted at once, announced loudly (platform/access). */
  ELEVATION_SELF_APPROVE: booleanFlag.default(false),
  /** Minutes a break-glass request waits for a decision before it expires unanswered (platform/access). */
  ELEVATION_REQUEST_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  /** Days between access reviews: the admins are reminded when one is due. */
  ACCESS_REVIEW_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  SLACK_MIN_SEVERITY: z.enum(SEVERITIES).default('sev3'),
  PAGERDUTY_MIN_SEVERITY: z.enum(SEVERITIES).default('sev2'),
  PAGERDUTY_ESCALATION_ROUTING_KEYS: z.string().default(''),
  PAGERDUTY_ESCALATE_AFTER_SECONDS: z.coerce.number().int().min(0).default(900),
  PAGERDUTY_MAX_ESCALATIONS: z.coerce.number().int().min(0).max(20).default(2),
  PAGERDUTY_CA_FILE: z.string().min(1).optional(),
  PAGERDUTY_WEBHOOK_SECRET: z.string().min(8).optional(),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  OUTBOX_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(1000),
  OUTBOX_BACKOFF_MAX_MS: z.coerce
    .number()
    .int()
    .min(1)
    .default(10 * 60_000),
  OUTBOX_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(1000),
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  NOTIFIER_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  TRACE_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024),
  TRACE_MAX_INFLIGHT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(128 * 1024 * 1024),
  TRACE_MAX_INFLIGHT_REQUESTS: z.coerce.number().int().min(1).default(64),
  TRACE_MAX_QUEUED_REQUESTS: z.coerce.number().int().min(0).max(100_000).default(256),
  // Below the OTLP exporters' 10 s export timeout, so that a refused request still has time to retry.
  TRACE_MAX_QUEUE_WAIT_MS: z.coerce.number().int().min(0).max(5000).default(2000),
  TRACE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
  TRACE_EVIDENCE_PER_MINUTE: z.coerce.number().int().min(0).max(10_000).default(20),
  TRACE_MAX_OPERATIONS_PER_SERVICE: z.coerce.number().int().min(1).max(100_000).default(200),
  TRACE_WINDOW_RETENTION_DAYS: z.coerce.number().int().min(4).max(3650).default(8),
  TRACE_EVIDENCE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  SLO_CONFIG_FILE: z.string().min(1).optional(),
  /** Resolved alerts are deleted this many days after they resolved (platform/retention). */
  ALERT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
  /** Ended sessions and failed-login records are deleted this many days after they ended. */
  SESSION_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(1),
  /** Below MINIMUM_RECORD_RETENTION_DAYS only on purpose: the start-up log warns (platform/retention). */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(MINIMUM_RECORD_RETENTION_DAYS),
  BREACH_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(MINIMUM_RECORD_RETENTION_DAYS),
  /** Card numbers, SSNs, tokens and secrets in alerts and spans are replaced before storage (platform/redaction). */
  REDACTION_ENABLED: booleanFlag.default(true),
  /** Extra and overriding redaction rules (YAML or JSON, RE2 patterns); a bad file stops the start. */
  REDACTION_RULES_FILE: z.string().min(1).optional(),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** Identity providers for single sign-on (YAML or JSON), applied at start; read-only in the API and web page. */
  SSO_CONFIG_FILE: z.string().min(1).optional(),
});

export type Config = z.infer<typeof ConfigSchema> & {
  /** DATA_DIR resolved to an absolute path. */
  dataDirectory: string;
  /** PUBLIC_URL, or the address the server listens on. */
  publicUrl: string;
  /** BACKUP_DIR resolved to an absolute path (default DATA_DIR/backups). */
  backupDirectory: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const values = parsed.data;
  return {
    ...values,
    dataDirectory: path.resolve(values.DATA_DIR),
    backupDirectory: path.resolve(values.BACKUP_DIR ?? path.join(values.DATA_DIR, 'backups')),
    publicUrl: (values.PUBLIC_URL ?? `http://${values.HOST}:${values.PORT}`).replace(/\/$/, ''),
  };
}
