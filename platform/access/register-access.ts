import type { Config } from '../config.ts';
import type { Database } from '../database/index.ts';
import type { Scheduler } from '../scheduler/index.ts';
import type { AccessAnnouncer } from './announcements.ts';
import { ELEVATION_EXPIRY_TIMER, ELEVATION_REQUEST_EXPIRY_TIMER } from './elevation-roles.ts';
import { expireElevationOnTimer } from './end-elevation.ts';
import { expireElevationRequestOnTimer } from './expire-elevation-request.ts';
import { ACCESS_REVIEW_TIMER, ensureReviewReminder, remindReviewDue } from './review-reminder.ts';

/** Registers the elevation and request expiry and access review reminder timers, and makes sure a reminder is pending. */
export async function registerAccess(options: {
  scheduler: Scheduler;
  db: Database;
  config: Config;
  announce: AccessAnnouncer;
}): Promise<void> {
  const { scheduler, db, config, announce } = options;
  scheduler.onTimer(ELEVATION_EXPIRY_TIMER, expireElevationOnTimer(config, announce));
  scheduler.onTimer(ELEVATION_REQUEST_EXPIRY_TIMER, expireElevationRequestOnTimer(config, announce));
  scheduler.onTimer(ACCESS_REVIEW_TIMER, remindReviewDue(config, announce));
  await ensureReviewReminder(db, config);
}
