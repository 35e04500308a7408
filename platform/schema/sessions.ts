import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

/** 'mfa': the password was right, the TOTP code (or enrolment) is still owed; 'active': logged in. */
export const SESSION_STAGES = ['mfa', 'active'] as const;
export type SessionStage = (typeof SESSION_STAGES)[number];

/** Dashboard sessions. The cookie holds a random token; only its SHA-256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid().primaryKey().defaultRandom(),
    tokenHash: text().notNull().unique(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    stage: text({ enum: SESSION_STAGES }).notNull(),
    /** The TOTP secret shown at enrolment, until the user proves it with a code. */
    pendingTotpSecret: text(),
    /** The first step of the login ('password', 'oidc', 'saml'), so the second factor records the whole method. */
    loginMethod: text(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** Refreshed at most once a minute; idle expiry counts from it. */
    lastSeenAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** Absolute expiry, however active the session is. */
    expiresAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    revokedAt: timestamp({ withTimezone: true, precision: 3 }),
    userAgent: text(),
    sourceAddress: text(),
  },
  // Serves "log out everywhere" and the account page's list of a user's sessions.
  (table) => [index('sessions_user_idx').on(table.userId)],
);

export type Session = typeof sessions.$inferSelect;
