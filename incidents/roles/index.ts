// The roles room's surface: what other rooms and parts use of it.
export { AssignRoleInput, assignRole } from './assign-role.ts';
export type { RoleHolder } from './current-roles.ts';
export { commanderOf, currentCommander, currentRoles } from './current-roles.ts';
export { eraseSubjectFromRoles } from './erase-from-roles.ts';
export { ReleaseRoleInput, releaseRole } from './release-role.ts';
export { roleRoutes } from './routes.ts';
export { INCIDENT_ROLES } from './schema/incident-roles.ts';
