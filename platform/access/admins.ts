import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Person } from '../auth/users.ts';
import type { Database } from '../database/index.ts';
import { users } from '../schema/users.ts';

/** The people with an enabled admin account, by name: who decides elevations and reviews access. */
export async function listAdminPeople(db: Database): Promise<Person[]> {
  return db
    .select({ id: users.id, name: users.name, email: users.email, slackUserId: users.slackUserId })
    .from(users)
    .where(and(eq(users.role, 'admin'), isNull(users.disabledAt)))
    .orderBy(asc(users.name), asc(users.email));
}
