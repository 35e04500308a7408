import type { Config } from '../config.ts';
import type { Database } from '../database/index.ts';
import { ForbiddenError } from '../errors.ts';
import type { Permission, Role } from './roles.ts';
import { permissionsOf } from './roles.ts';

/** Who is acting: an API token, a dashboard user, a Slack user mapped to a user, or Firebreak itself. */
export interface Actor {
  kind: 'token' | 'user' | 'slack' | 'system';
  id: string;
  name: string;
  role: Role;
  permissions: ReadonlySet<Permission>;
  /** The person behind the action, where there is one (users, and Slack users mapped to users). */
  userId?: string;
  /** An admin reset this user's password: the dashboard opens nothing but the change form until it is changed. */
  mustChangePassword?: boolean;
  /** A break-glass elevation in force: `role` and `permissions` are the elevated ones; audit entries name it. */
  elevation?: ActorElevation;
}

/** The elevation an actor acts under: which one, from which role, until when, and why. */
export interface ActorElevation {
  id: string;
  fromRole: Role;
  endsAt: Date;
  reason: string;
}

/**
 * Who a person is across their tokens and sessions: their user id when known, else the token or Slack
 * identity. Four-eyes rules (approving one's own notice or RCA, editing another's note) compare these.
 */
export function personKey(actor: Actor): string {
  return actor.userId ? `user:${actor.userId}` : `${actor.kind}:${actor.id}`;
}

/**
 * Four-eyes approvals need a person: a service token (one that belongs to nobody) may draft and send,
 * never approve, as a second token minted by the drafter would otherwise count as a second person.
 */
export function assertPersonMayApprove(actor: Actor): void {
  if (actor.kind === 'token' && !actor.userId) {
    throw new ForbiddenError(
      `The token "${actor.name}" is a service token, which belongs to no person and cannot approve (four eyes compare people). Approve as a person, or with a token that person made.`,
    );
  }
}

/**
 * What every domain action receives: the database, the actor, where the request came from, and the
 * configuration the service was started with (how to route, group and notify are settings).
 */
export interface ActionContext {
  db: Database;
  actor: Actor;
  requestId: string | null;
  sourceAddress: string | null;
  config: Config;
}

export const SYSTEM_ACTOR: Actor = {
  kind: 'system',
  id: 'firebreak',
  name: 'Firebreak',
  role: 'admin',
  permissions: permissionsOf('admin'),
};

/** A context for work Firebreak does on its own (scheduler jobs, workers). */
export function systemContext(db: Database, config: Config, requestId: string | null = null): ActionContext {
  return { db, actor: SYSTEM_ACTOR, requestId, sourceAddress: null, config };
}

export function can(actor: Actor, permission: Permission): boolean {
  return actor.permissions.has(permission);
}

/** Throws ForbiddenError naming the missing permission. */
export function assertPermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) {
    throw new ForbiddenError(`Role "${actor.role}" lacks the permission "${permission}".`);
  }
}
