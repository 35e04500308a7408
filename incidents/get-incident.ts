import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../platform/index.ts';
import { NotFoundError } from '../platform/index.ts';
import { parseIncidentNumber } from './incident-reference.ts';
import type { Incident } from './schema/incidents.ts';
import { incidents } from './schema/incidents.ts';

const isUuid = (value: string) => z.uuid().safeParse(value).success;

/** Finds an incident by id or by reference ("INC-42" or "42"); NotFoundError otherwise. */
export async function getIncident(db: Database, idOrReference: string): Promise<Incident> {
  const number = parseIncidentNumber(idOrReference);
  const condition = number !== null ? eq(incidents.number, number) : isUuid(idOrReference) ? eq(incidents.id, idOrReference) : null;
  const [incident] = condition ? await db.select().from(incidents).where(condition).limit(1) : [];
  if (!incident) throw new NotFoundError(`No incident "${idOrReference}".`);
  return incident;
}

/** The same, locking the row for the rest of the transaction (for read-modify-write). */
export async function getIncidentForUpdate(tx: Database, idOrReference: string): Promise<Incident> {
  const found = await getIncident(tx, idOrReference);
  const [locked] = await tx.select().from(incidents).where(eq(incidents.id, found.id)).for('update');
  if (!locked) throw new NotFoundError(`No incident "${idOrReference}".`);
  return locked;
}
