export { isScimPath, scimErrorResponse } from './scim-error.ts';
export { SCIM_BASE_PATH, scimRoutes } from './scim-routes.ts';
