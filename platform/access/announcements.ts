import type { Config } from '../config.ts';
import type { Database } from '../database/index.ts';
import type { AccessReview } from '../schema/access-reviews.ts';
import type { Elevation } from '../schema/elevations.ts';

/** What access control tells people about: each elevation step, and a review falling due. */
export type AccessAnnouncement =
  | { kind: 'elevation.requested'; elevation: Elevation }
  /** Approved by another admin, or granted at once under ELEVATION_SELF_APPROVE (elevation.selfApproved). */
  | { kind: 'elevation.granted'; elevation: Elevation }
  | { kind: 'elevation.refused'; elevation: Elevation }
  | { kind: 'elevation.withdrawn'; elevation: Elevation }
  | { kind: 'elevation.ended'; elevation: Elevation }
  | { kind: 'elevation.expired'; elevation: Elevation }
  /** Nobody decided the request within ELEVATION_REQUEST_TTL_MINUTES. */
  | { kind: 'elevation.request_expired'; elevation: Elevation }
  | { kind: 'access_review.due'; dueAt: Date; lastReview: AccessReview | null };

/**
 * Writes an announcement's messages in the caller's transaction. Platform sends nothing itself: the
 * notifier provides this (its outbox), and server.ts hands it to the routes and the scheduler.
 */
export type AccessAnnouncer = (tx: Database, config: Config, announcement: AccessAnnouncement) => Promise<void>;
