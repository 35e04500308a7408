import type { Role } from '../auth/roles.ts';

/** The roles a person can hold, lowest first: an elevation asks for one above their own. */
export const PERSON_ROLES_BY_RANK = ['viewer', 'responder', 'commander', 'admin'] as const satisfies readonly Role[];

/** A role's rank among people's roles; -1 for ingest (nobody is elevated to or from it). */
export function roleRank(role: Role): number {
  return (PERSON_ROLES_BY_RANK as readonly Role[]).indexOf(role);
}

/** The shortest and longest elevation, in minutes: long enough to fix something, short enough to stay break-glass. */
export const ELEVATION_MINUTES = { min: 15, max: 12 * 60 } as const;

/** The timer kind that expires a request nobody decided within ELEVATION_REQUEST_TTL_MINUTES. */
export const ELEVATION_REQUEST_EXPIRY_TIMER = 'access.elevation_request_expiry';

/** When a request asked at `requestedAt` expires unanswered. */
export function requestExpiresAt(requestedAt: Date, ttlMinutes: number): Date {
  return new Date(requestedAt.getTime() + ttlMinutes * 60_000);
}

/** The timer kind that ends an elevation at its time. */
export const ELEVATION_EXPIRY_TIMER = 'access.elevation_expiry';
