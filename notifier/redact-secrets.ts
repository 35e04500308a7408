import type { Actor } from '../platform/index.ts';
import { can } from '../platform/index.ts';

/** Names of fields that hold a secret: PagerDuty routing keys, tokens, webhook secrets, passwords. */
const SECRET_NAME = /routing_?keys?$|token|secret|password|signature|authorization|^escalationRoutingKeys$/i;

/** "…0042": enough to tell two keys apart, not enough to use one. */
export function maskSecret(value: string): string {
  return value.length > 8 ? `…${value.slice(-4)}` : '…';
}

function masked(value: unknown): unknown {
  if (typeof value === 'string') return maskSecret(value);
  if (Array.isArray(value)) return value.map(masked);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, masked(inner)]));
  return value;
}

/** A copy of a value with every secret-named field masked, at any depth. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item)) as T;
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) copy[key] = SECRET_NAME.test(key) ? masked(inner) : redactSecrets(inner);
  return copy as T;
}

/**
 * Secrets are shown only to whom may manage them (routing:write: who sets routing keys); everyone
 * else, viewers included, sees them masked.
 */
export function secretsFor<T>(actor: Actor, value: T): T {
  return can(actor, 'routing:write') ? value : redactSecrets(value);
}
