export type { AccessReview } from '../schema/access-reviews.ts';
export type { Elevation, ElevationStatus } from '../schema/elevations.ts';
export type { AccessReviewReport, ReviewedChange, ReviewedPerson, ReviewedToken } from './access-review.ts';
export { AccessReviewQuery, buildAccessReview } from './access-review.ts';
export { accessReviewCsv } from './access-review-csv.ts';
export { applyActiveElevation } from './active-elevation.ts';
export { listAdminPeople } from './admins.ts';
export type { AccessAnnouncement, AccessAnnouncer } from './announcements.ts';
export type { ElevationDecision } from './decide-elevation.ts';
export { decideElevation } from './decide-elevation.ts';
export { ElevationDecisionInput, ElevationRequestInput } from './elevation-input.ts';
export {
  ELEVATION_EXPIRY_TIMER,
  ELEVATION_MINUTES,
  ELEVATION_REQUEST_EXPIRY_TIMER,
  PERSON_ROLES_BY_RANK,
  requestExpiresAt,
  roleRank,
} from './elevation-roles.ts';
export { endElevation } from './end-elevation.ts';
export type { LastLogin } from './last-logins.ts';
export { lastLogins } from './last-logins.ts';
export { ElevationListQuery, listElevations } from './list-elevations.ts';
export { AccessReviewInput, recordAccessReview } from './record-access-review.ts';
export { registerAccess } from './register-access.ts';
export { requestElevation } from './request-elevation.ts';
export { ACCESS_REVIEW_TIMER } from './review-reminder.ts';
export { accessRoutes } from './routes.ts';
