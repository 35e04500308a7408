// The privacy room's surface: data-subject requests.
export type { ErasureReport } from './erase-person.ts';
export { ErasureInput, erasePerson } from './erase-person.ts';
export { privacyRoutes } from './routes.ts';
