import type { Database } from '../../platform/index.ts';
import { findPerson, InvalidInputError } from '../../platform/index.ts';

/**
 * The owner as stored: a person picked by account gives their name (unless one is given too); an
 * account that does not exist or is disabled is refused, since nobody would be reminded.
 */
export async function resolveOwner(
  tx: Database,
  owner: { ownerName?: string; ownerUserId?: string | null },
): Promise<{ ownerName?: string; ownerUserId?: string | null }> {
  if (!owner.ownerUserId) return owner;
  const person = await findPerson(tx, owner.ownerUserId);
  if (!person)
    throw new InvalidInputError('The owner must be a person with an enabled account: pick one from the list.', {
      fields: { ownerUserId: 'is not a person with an enabled account' },
    });
  return { ownerName: owner.ownerName ?? person.name, ownerUserId: person.id };
}
