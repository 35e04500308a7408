import { z } from 'zod';
import type { PersonRole } from '../auth/roles.ts';
import { isPersonRole, PERSON_ROLES } from '../auth/roles.ts';
import type { User } from '../schema/users.ts';
import { scimRefusal } from './scim-error.ts';
import { FIREBREAK_USER_SCHEMA, USER_SCHEMA } from './scim-schemas.ts';

/**
 * SCIM booleans as identity providers send them: JSON booleans, and the strings "True" and "False"
 * that Microsoft Entra sends for `active` (a known deviation it documents).
 */
export const ScimBoolean = z.union([
  z.boolean(),
  z
    .string()
    .regex(/^(true|false)$/i, 'must be true or false')
    .transform((value) => value.toLowerCase() === 'true'),
]);

const optionalText = z.string().max(500).nullable().optional();

const ScimEmail = z.looseObject({ value: z.string().max(254), type: optionalText, primary: ScimBoolean.optional() });
const ScimRole = z.looseObject({ value: z.string().max(100), primary: ScimBoolean.optional() });

/** A User resource as Okta and Entra send it (RFC 7643 §4.1); attributes Firebreak does not keep pass through unread. */
export const ScimUserBody = z.looseObject({
  schemas: z.array(z.string()).optional(),
  userName: z.string().trim().min(1, 'userName is required').max(254),
  externalId: optionalText,
  displayName: optionalText,
  name: z.looseObject({ formatted: optionalText, givenName: optionalText, familyName: optionalText }).nullable().optional(),
  emails: z.array(ScimEmail).nullable().optional(),
  active: ScimBoolean.optional(),
  roles: z.array(ScimRole).nullable().optional(),
  [FIREBREAK_USER_SCHEMA]: z.looseObject({ role: optionalText }).nullable().optional(),
});
export type ScimUserBody = z.infer<typeof ScimUserBody>;

/** What Firebreak keeps of a SCIM User. */
export interface ScimPerson {
  userName: string;
  email: string;
  name: string;
  externalId: string | null;
  active: boolean;
  /** Absent: the provider sent no role (a new person gets SCIM_DEFAULT_ROLE; a known one keeps theirs). */
  role?: PersonRole;
}

const Email = z.email().max(254);

/** The e-mail of a set of SCIM emails: the primary one, else the work one, else the first. */
export function pickEmail(emails: { value: string; type?: string | null; primary?: boolean }[] | null | undefined): string | undefined {
  if (!emails?.length) return undefined;
  return (emails.find((email) => email.primary) ?? emails.find((email) => email.type?.toLowerCase() === 'work') ?? emails[0])?.value;
}

/** A role the provider sent, or a 400 naming the attribute. */
export function parseRole(value: string | null | undefined, attribute: string): PersonRole | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const role = value.trim().toLowerCase();
  if (!isPersonRole(role as PersonRole))
    throw scimRefusal(`${attribute}: "${value}" is not a Firebreak role (one of ${PERSON_ROLES.join(', ')}).`, 'invalidValue');
  return role as PersonRole;
}

export function checkedEmail(value: string, attribute: string): string {
  const parsed = Email.safeParse(value.trim());
  if (!parsed.success) throw scimRefusal(`${attribute}: "${value}" is not an e-mail address.`, 'invalidValue');
  return parsed.data.toLowerCase();
}

/** A name from what the provider sent, most specific first. */
export function nameOf(body: Pick<ScimUserBody, 'displayName' | 'name'>, fallback: string): string {
  const parts = [body.name?.givenName, body.name?.familyName].filter((part): part is string => Boolean(part?.trim()));
  return (body.displayName?.trim() || body.name?.formatted?.trim() || parts.join(' ') || fallback).slice(0, 100);
}

/** Validates a User resource (create, replace) into what Firebreak keeps; refusals name the attribute. */
export function parseScimUser(body: unknown): ScimPerson {
  const parsed = ScimUserBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') || 'body';
    throw scimRefusal(`${path}: ${issue?.message ?? 'invalid'}.`, 'invalidValue');
  }
  const user = parsed.data;
  const emailValue = pickEmail(user.emails) ?? (Email.safeParse(user.userName).success ? user.userName : undefined);
  if (!emailValue) throw scimRefusal('emails: a person needs an e-mail address (in emails, or a userName that is one).', 'invalidValue');
  const extension = user[FIREBREAK_USER_SCHEMA];
  const primaryRole = user.roles?.find((role) => role.primary) ?? user.roles?.[0];
  const role = parseRole(extension?.role, `${FIREBREAK_USER_SCHEMA}:role`) ?? parseRole(primaryRole?.value, 'roles');
  return {
    userName: user.userName,
    email: checkedEmail(emailValue, 'emails'),
    name: nameOf(user, user.userName),
    externalId: user.externalId?.trim() || null,
    active: user.active ?? true,
    ...(role ? { role } : {}),
  };
}

/** The SCIM User resource of a person (RFC 7643 §4.1), with its ETag version. */
export function toScimUser(user: User, baseUrl: string) {
  return {
    schemas: [USER_SCHEMA, FIREBREAK_USER_SCHEMA],
    id: user.id,
    ...(user.scimExternalId ? { externalId: user.scimExternalId } : {}),
    userName: user.scimUserName ?? user.email,
    name: { formatted: user.name },
    displayName: user.name,
    emails: [{ value: user.email, type: 'work', primary: true }],
    active: !user.disabledAt,
    [FIREBREAK_USER_SCHEMA]: { role: user.role },
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      location: `${baseUrl}/Users/${user.id}`,
      version: etagOf(user),
    },
  };
}

export function etagOf(user: Pick<User, 'version'>): string {
  return `W/"${user.version}"`;
}
