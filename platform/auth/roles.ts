/** Roles, and what each may do. This file is the one place the matrix lives; the README mirrors it. */
export const ROLES = ['admin', 'commander', 'responder', 'viewer', 'ingest', 'scim'] as const;
export type Role = (typeof ROLES)[number];

/** The roles a person can have, most powerful first; ingest and scim are for service tokens only. */
export const PERSON_ROLES = ['admin', 'commander', 'responder', 'viewer'] as const satisfies readonly Role[];
export type PersonRole = (typeof PERSON_ROLES)[number];

/** Roles a token may have only when it belongs to a service, never to a person. */
export const SERVICE_ONLY_ROLES: readonly Role[] = ['ingest', 'scim'];

export function isPersonRole(role: Role): role is PersonRole {
  return (PERSON_ROLES as readonly Role[]).includes(role);
}

/**
 * The lesser of two person roles (a person's token never acts with more than its owner has now).
 * Each person role's permissions include those of the roles after it in PERSON_ROLES.
 */
export function lesserRole(first: PersonRole, second: PersonRole): PersonRole {
  return PERSON_ROLES.indexOf(first) >= PERSON_ROLES.indexOf(second) ? first : second;
}

export const PERMISSIONS = [
  'alerts:ingest',
  'traces:ingest',
  'alerts:read',
  'silences:write',
  'heartbeats:write',
  'services:read',
  'slos:write',
  'incidents:read',
  'incidents:declare',
  'incidents:update',
  'incidents:acknowledge',
  'incidents:transition',
  'incidents:assign',
  'incidents:note',
  'incidents:checklist',
  'rca:write',
  'rca:approve',
  'playbooks:write',
  'breach:read',
  'breach:assess',
  'notices:draft',
  'notices:approve',
  'regimes:write',
  'notifications:read',
  'notifications:retry',
  'routing:write',
  'audit:read',
  'tokens:manage',
  'users:manage',
  'data:export',
  'privacy:erase',
  'scim:provision',
  'backups:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const read: Permission[] = ['alerts:read', 'services:read', 'incidents:read', 'breach:read', 'notifications:read'];
const respond: Permission[] = [
  ...read,
  'incidents:declare',
  'incidents:acknowledge',
  'incidents:note',
  'incidents:checklist',
  'rca:write',
  'silences:write',
];
const command: Permission[] = [
  ...respond,
  'incidents:update',
  'incidents:transition',
  'incidents:assign',
  'rca:approve',
  'breach:assess',
  'notices:draft',
  'notices:approve',
  'slos:write',
  'heartbeats:write',
  'notifications:retry',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  // Ingesting and provisioning are what service tokens do; a person (an admin too) does neither.
  admin: new Set(PERMISSIONS.filter((permission) => !['alerts:ingest', 'traces:ingest', 'scim:provision'].includes(permission))),
  commander: new Set(command),
  responder: new Set(respond),
  viewer: new Set(read),
  ingest: new Set<Permission>(['alerts:ingest', 'traces:ingest']),
  // A SCIM token provisions people through /scim/v2 and can do nothing else.
  scim: new Set<Permission>(['scim:provision']),
};

export function permissionsOf(role: Role): ReadonlySet<Permission> {
  return ROLE_PERMISSIONS[role];
}
