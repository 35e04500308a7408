import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { boolean, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { ROLES } from '../auth/roles.ts';
import { identityProviders } from './identity-providers.ts';

export const users = pgTable('users', {
  id: uuid().primaryKey().defaultRandom(),
  email: text().notNull().unique(),
  name: text().notNull(),
  role: text({ enum: ROLES }).notNull(),
  /** scrypt hash in the form scrypt$N$r$p$salt$hash. */
  passwordHash: text().notNull(),
  /** Base32 TOTP secret; set at enrolment, required before the dashboard opens. */
  totpSecret: text(),
  totpEnabled: boolean().notNull().default(false),
  /** The RFC 6238 time step of the last code accepted, so a code cannot be used twice. */
  totpLastTimeStep: integer(),
  /** Slack user id, so that actions taken in Slack carry this user's permissions. */
  slackUserId: text().unique(),
  failedLoginCount: integer().notNull().default(0),
  lockedUntil: timestamp({ withTimezone: true }),
  /** Set by an admin's password reset: every dashboard page sends the user to change it first. */
  mustChangePassword: boolean().notNull().default(false),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  disabledAt: timestamp({ withTimezone: true }),
  /** The identity provider the person signs in with (set at their first SSO login), and their subject there. */
  identityProviderId: uuid().references((): AnyPgColumn => identityProviders.id, { onDelete: 'set null' }),
  externalSubject: text(),
  lastLoginAt: timestamp({ withTimezone: true }),
  /** How the last login was made: password+totp, oidc, oidc+totp, saml, saml+totp, … */
  lastLoginMethod: text(),
  /** Bumped by every change of the person's details: an update naming the version it read is refused if another came first. */
  version: integer().notNull().default(1),
  /** The identity provider's id of this person (SCIM externalId), as the provider sent it. */
  scimExternalId: text(),
  /** The SCIM userName, when the identity provider's differs from the e-mail (Entra may send a non-mail name). */
  scimUserName: text().unique(),
  /** Removed by the identity provider (SCIM DELETE): disabled, hidden from SCIM, kept for the audit trail. */
  deletedAt: timestamp({ withTimezone: true }),
});

export type User = typeof users.$inferSelect;
