import { and, eq, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import { users } from '../schema/users.ts';
import { scimRefusal } from './scim-error.ts';

// RFC 7644 §3.4.2.2 filters, as far as identity providers use them to find a person before creating
// one: `attribute eq "value"` clauses joined by `and` (Okta: userName; Entra: userName, externalId,
// emails[type eq "work"].value). Anything else is refused with scimType invalidFilter.
const CLAUSE = /^\s*([A-Za-z][\w:.-]*(?:\[\s*type\s+eq\s+"[^"]*"\s*\])?(?:\.value)?)\s+eq\s+("(?:[^"\\]|\\.)*"|true|false)\s*/i;
const AND = /^and\s+/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function condition(attribute: string, literal: string): SQL {
  const name = attribute.toLowerCase().replace(/\s+/g, ' ');
  const value = literal.startsWith('"') ? (JSON.parse(literal) as string) : literal.toLowerCase() === 'true';
  if (name === 'active') {
    if (typeof value !== 'boolean') throw scimRefusal('filter: active is compared with true or false.', 'invalidFilter');
    return value ? isNull(users.disabledAt) : isNotNull(users.disabledAt);
  }
  if (typeof value !== 'string') throw scimRefusal(`filter: ${attribute} is compared with a "string".`, 'invalidFilter');
  // userName is case-insensitive (RFC 7643 §4.1.1); it is the e-mail unless the provider sent another.
  if (name === 'username') return sql`lower(coalesce(${users.scimUserName}, ${users.email})) = ${value.toLowerCase()}`;
  if (name === 'externalid') return eq(users.scimExternalId, value);
  if (name === 'id') return UUID.test(value) ? eq(users.id, value) : sql`false`;
  if (name === 'emails' || name === 'emails.value' || /^emails\[type eq "work"\]\.value$/.test(name))
    return eq(users.email, value.toLowerCase());
  throw scimRefusal(`filter: Firebreak cannot filter on "${attribute}" (userName, externalId, id, emails.value, active).`, 'invalidFilter');
}

/** The WHERE condition of a SCIM filter, or a 400 invalidFilter saying what is not understood. */
export function parseScimFilter(filter: string): SQL {
  const conditions: SQL[] = [];
  let rest = filter.trim();
  while (rest) {
    const match = CLAUSE.exec(rest);
    if (!match?.[1] || !match[2])
      throw scimRefusal(
        `filter: cannot read "${rest.slice(0, 80)}"; Firebreak understands attribute eq "value" joined by and.`,
        'invalidFilter',
      );
    conditions.push(condition(match[1], match[2]));
    rest = rest.slice(match[0].length);
    if (rest) {
      const joined = AND.exec(rest);
      if (!joined) throw scimRefusal(`filter: expected "and" before "${rest.slice(0, 40)}".`, 'invalidFilter');
      rest = rest.slice(joined[0].length);
    }
  }
  const [first, ...others] = conditions;
  if (!first) throw scimRefusal('filter: empty.', 'invalidFilter');
  return others.length ? (and(first, ...others) as SQL) : first;
}
