import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { ROLES } from '../auth/roles.ts';
import { users } from './users.ts';

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    role: text({ enum: ROLES }).notNull(),
    /** SHA-256 of the token; the token itself is shown once and never stored. */
    tokenHash: text().notNull().unique(),
    /** The first characters of the token, so a person can tell their tokens apart. */
    prefix: text().notNull(),
    createdBy: text(),
    /**
     * The person the token acts for (whoever created it, when a person did): four-eyes rules compare
     * people, so a token counts as its owner. Null for a service token, which can never approve.
     */
    ownerUserId: uuid().references(() => users.id),
    /** The service a service token belongs to (ingest, scraping, automation, SCIM); null for a person's token. */
    service: text(),
    /** After this the token answers 401 "expired"; a person's token always has one, a service token when asked. */
    expiresAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  // Serves the bootstrap check "is there any live admin token?".
  (table) => [index('api_tokens_role_idx').on(table.role, table.revokedAt)],
);

export type ApiToken = typeof apiTokens.$inferSelect;
