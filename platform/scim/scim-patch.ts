import { z } from 'zod';
import { scimRefusal } from './scim-error.ts';
import { ENTERPRISE_USER_SCHEMA, FIREBREAK_USER_SCHEMA } from './scim-schemas.ts';
import { checkedEmail, parseRole, pickEmail, ScimBoolean, type ScimPerson } from './scim-user.ts';

/** RFC 7644 §3.5.2: a PatchOp request. Okta and Entra write `op` in either case ("replace", "Replace"). */
export const ScimPatchBody = z.looseObject({
  schemas: z.array(z.string()).optional(),
  Operations: z
    .array(z.looseObject({ op: z.string(), path: z.string().max(300).optional(), value: z.unknown().optional() }))
    .min(1, 'Operations needs at least one operation')
    .max(100),
});
export type ScimPatchBody = z.infer<typeof ScimPatchBody>;

// An attribute path Firebreak accepts without keeping it (title, locale, phoneNumbers, the enterprise
// extension's department, …): an identity provider maps many attributes, and refusing them would stop
// provisioning altogether.
const ATTRIBUTE_PATH = /^([A-Za-z][\w:.-]*)(\[[^\]]*\])?(\.[A-Za-z]\w*)?$/;

interface NameParts {
  given?: string;
  family?: string;
  whole?: string;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string') throw scimRefusal(`${path}: must be a string.`, 'invalidValue');
  return value;
}

/** Applies one attribute of a PATCH (with or without a path) to the person as it will be. */
function setAttribute(person: ScimPerson, name: NameParts, path: string, value: unknown, remove: boolean): void {
  const lower = path.toLowerCase();
  if (lower === FIREBREAK_USER_SCHEMA.toLowerCase()) {
    const role = remove ? undefined : (value as { role?: unknown } | null)?.role;
    if (role !== undefined) person.role = parseRole(text(role, `${path}.role`), `${path}.role`);
    return;
  }
  if (lower.startsWith(`${FIREBREAK_USER_SCHEMA.toLowerCase()}:`)) {
    if (lower.endsWith(':role') && !remove) person.role = parseRole(text(value, path), path);
    return;
  }
  if (lower.startsWith(ENTERPRISE_USER_SCHEMA.toLowerCase())) return;
  if (lower === 'active') {
    if (remove) throw scimRefusal('active cannot be removed; replace it with false.', 'mutability');
    const active = ScimBoolean.safeParse(value);
    if (!active.success) throw scimRefusal('active: must be true or false.', 'invalidValue');
    person.active = active.data;
  } else if (lower === 'username') {
    if (remove) throw scimRefusal('userName cannot be removed.', 'mutability');
    person.userName = text(value, path).trim();
    if (!person.userName) throw scimRefusal('userName: cannot be empty.', 'invalidValue');
  } else if (lower === 'externalid') {
    person.externalId = remove || value === null ? null : text(value, path).trim() || null;
  } else if (lower === 'displayname' || lower === 'name.formatted') {
    if (!remove) name.whole = text(value, path);
  } else if (lower === 'name') {
    const parts = (value ?? {}) as { formatted?: unknown; givenName?: unknown; familyName?: unknown };
    if (remove) return;
    if (parts.formatted !== undefined && parts.formatted !== null) name.whole = text(parts.formatted, 'name.formatted');
    if (parts.givenName !== undefined && parts.givenName !== null) name.given = text(parts.givenName, 'name.givenName');
    if (parts.familyName !== undefined && parts.familyName !== null) name.family = text(parts.familyName, 'name.familyName');
  } else if (lower === 'name.givenname') {
    if (!remove) name.given = text(value, path);
  } else if (lower === 'name.familyname') {
    if (!remove) name.family = text(value, path);
  } else if (lower === 'emails' || lower === 'emails.value' || /^emails\[[^\]]*\]\.value$/.test(lower)) {
    if (remove) throw scimRefusal('emails cannot be removed: a person needs an e-mail address.', 'mutability');
    const email = Array.isArray(value) ? pickEmail(value as { value: string }[]) : text(value, path);
    if (email) person.email = checkedEmail(email, path);
  } else if (lower === 'roles' || /^roles\[[^\]]*\]\.value$/.test(lower)) {
    if (remove) return;
    const role = Array.isArray(value) ? pickRole(value) : text(value, path);
    person.role = parseRole(role, path) ?? person.role;
  } else if (!ATTRIBUTE_PATH.test(path)) {
    throw scimRefusal(`path: cannot read "${path}".`, 'invalidPath');
  }
}

function pickRole(values: unknown[]): string | undefined {
  const roles = values.filter(
    (role): role is { value: string; primary?: unknown } => typeof (role as { value?: unknown })?.value === 'string',
  );
  return (roles.find((role) => ScimBoolean.safeParse(role.primary).data === true) ?? roles[0])?.value;
}

/**
 * The person after a PATCH: each operation in order, with a path (`"path": "active"`,
 * `emails[type eq "work"].value`) or without one (a value object, as Okta sends `{"active": false}`).
 */
export function applyScimPatch(current: ScimPerson, body: ScimPatchBody): ScimPerson {
  const person: ScimPerson = { ...current };
  const name: NameParts = {};
  for (const operation of body.Operations) {
    const op = operation.op.toLowerCase();
    if (op !== 'add' && op !== 'replace' && op !== 'remove')
      throw scimRefusal(`op: "${operation.op}" is not add, replace or remove.`, 'invalidSyntax');
    if (operation.path) {
      if (op !== 'remove' && operation.value === undefined) throw scimRefusal(`${operation.path}: ${op} needs a value.`, 'invalidValue');
      setAttribute(person, name, operation.path, operation.value, op === 'remove');
    } else {
      if (op === 'remove') throw scimRefusal('remove needs a path.', 'noTarget');
      if (typeof operation.value !== 'object' || operation.value === null || Array.isArray(operation.value))
        throw scimRefusal(`${op} without a path needs an object of attributes as its value.`, 'invalidValue');
      for (const [path, value] of Object.entries(operation.value)) setAttribute(person, name, path, value, false);
    }
  }
  if (name.whole?.trim()) person.name = name.whole.trim().slice(0, 100);
  else if (name.given !== undefined || name.family !== undefined) {
    // Firebreak keeps one name: a changed given or family name replaces that part of it ("Given Family").
    const [given = '', ...family] = current.name.split(' ');
    person.name = [name.given ?? given, name.family ?? family.join(' ')].filter(Boolean).join(' ').slice(0, 100) || current.name;
  }
  return person;
}
