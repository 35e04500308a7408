/** Roles, and what each may do. This file is the one place the matrix lives; the README mirrors it. */
export const ROLES = ['admin', 'commander', 'responder', 'viewer', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'alerts:ingest',
  'traces:ingest',
  'alerts:read',
  'silences:write',
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
  'notifications:retry',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set(PERMISSIONS.filter((permission) => permission !== 'alerts:ingest' && permission !== 'traces:ingest')),
  commander: new Set(command),
  responder: new Set(respond),
  viewer: new Set(read),
  ingest: new Set<Permission>(['alerts:ingest', 'traces:ingest']),
};

export function permissionsOf(role: Role): ReadonlySet<Permission> {
  return ROLE_PERMISSIONS[role];
}
