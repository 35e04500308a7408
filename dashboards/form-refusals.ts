import { and, eq, gt, lt } from 'drizzle-orm';
import type { Context } from 'hono';
import type { z } from 'zod';
import { DomainError, hashSessionToken, InvalidInputError, replaceUnsafeText } from '../platform/index.ts';
import type { DashboardEnv } from './http.tsx';
import { formRefusals } from './schema/form-refusals.ts';

// Forms follow Post/Redirect/Get: a refused form is kept for the page view after the redirect, which
// shows it again with what was typed and a message next to each field at fault, so that a reload never
// submits twice and nothing typed is lost.

/** A refusal older than this is not shown (the person went elsewhere) and is deleted at the next one. */
const REFUSAL_TTL_MS = 15 * 60_000;
const MAX_VALUE_LENGTH = 100_000;
/** Fields never kept: secrets and the form's own plumbing. */
const NOT_KEPT = /password|^code$|^_csrf$|^_form$|secret|token/i;

/** A refused form, as the page after the redirect shows it again. */
export interface RefusedForm {
  /** Which form of the page (its `_form` field). */
  form: string;
  values: Record<string, string>;
  message: string;
  fieldErrors: Record<string, string>;
}

/** Zod's issues in plain words for a form (the schema's own messages, where it has them, win). */
export function plainIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === '' ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? "can't be empty" : `needs at least ${issue.minimum} characters`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return Number(issue.minimum) <= 1 ? 'needs at least one' : `needs at least ${issue.minimum}`;
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `takes at most ${issue.maximum}`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`;
    case 'invalid_format':
      if (issue.format === 'email') return 'must be an e-mail address, such as ana@example.com';
      if (issue.format === 'url') return 'must be a web address, such as https://example.com/…';
      if (issue.format === 'uuid') return 'is not a valid identifier';
      if (issue.format === 'datetime' || issue.format === 'date') return 'must be a date and time';
      return 'is not in the expected form';
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `has fields it does not know: ${issue.keys.join(', ')}`;
    default:
      return undefined;
  }
}

const article = (expected: string) =>
  ({ number: 'a number', date: 'a date and time', boolean: 'yes or no', array: 'a list' })[expected] ?? `a ${expected}`;

/** Validates a form with messages in plain words; a refusal names each field at fault (for the form to show it again). */
export function parseFormFields<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value, { error: plainIssueMessage });
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  const described: string[] = [];
  for (const issue of parsed.error.issues.slice(0, 20)) {
    const name = issue.path.map(String).join('.');
    described.push(name ? `${label(name)} ${issue.message}` : issue.message);
    if (name && !fields[name]) fields[name] = issue.message;
  }
  throw new InvalidInputError(`Please correct the form: ${described.join('; ')}.`, { issues: described, fields });
}

const label = (name: string) =>
  name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replaceAll(/[._]/g, ' ')
    .replace(/^./, (first) => first.toUpperCase());

/** The message of a refusal, and the fields it names. */
export function describeRefusal(error: DomainError): { message: string; fieldErrors: Record<string, string> } {
  const details = error.details as { fields?: Record<string, string> } | undefined;
  return { message: error.message, fieldErrors: details?.fields ?? {} };
}

/** What a submitted form held that is worth showing again: its text fields, never secrets. */
export function typedValues(form: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(form)) {
    if (typeof value === 'string' && !NOT_KEPT.test(name))
      values[replaceUnsafeText(name)] = replaceUnsafeText(value.slice(0, MAX_VALUE_LENGTH));
  }
  return values;
}

/** Keeps a refused form for the session's next view of `path`. */
export async function rememberRefusal(c: Context<DashboardEnv>, path: string, refused: RefusedForm): Promise<void> {
  const sessionTokenHash = hashSessionToken(c.var.sessionToken);
  const now = new Date();
  const row = { sessionTokenHash, path, ...refused, createdAt: now };
  await c.var.ctx.db.transaction(async (tx) => {
    await tx.delete(formRefusals).where(lt(formRefusals.createdAt, new Date(now.getTime() - REFUSAL_TTL_MS)));
    await tx.insert(formRefusals).values(row).onConflictDoUpdate({ target: formRefusals.sessionTokenHash, set: row });
  });
}

/** The form refused on `path` for this session, if any (once: reading it deletes it). */
export async function takeRefusal(c: Context<DashboardEnv>, path: string): Promise<RefusedForm | null> {
  const [row] = await c.var.ctx.db
    .delete(formRefusals)
    .where(
      and(
        eq(formRefusals.sessionTokenHash, hashSessionToken(c.var.sessionToken)),
        eq(formRefusals.path, path),
        gt(formRefusals.createdAt, new Date(Date.now() - REFUSAL_TTL_MS)),
      ),
    )
    .returning();
  return row ? { form: row.form, values: row.values, message: row.message, fieldErrors: row.fieldErrors } : null;
}

/** Statuses of refusals a form shows again (bad input, not allowed, conflicts, too many tries); others are errors. */
const SHOWN_AGAIN = new Set([400, 403, 409, 429]);

/**
 * Runs a form's action. Success goes where `run` says (303). A refusal is kept for the session and the
 * browser goes back (303) to `page`, whose form shows it again; other errors propagate.
 */
export async function submitForm(
  c: Context<DashboardEnv>,
  page: string,
  run: (form: Record<string, unknown>) => Promise<string>,
): Promise<Response> {
  const form = await c.req.parseBody();
  try {
    return c.redirect(await run(form), 303);
  } catch (error) {
    if (!(error instanceof DomainError) || !SHOWN_AGAIN.has(error.status)) throw error;
    const formId = typeof form._form === 'string' && /^[a-z0-9-]{1,60}$/.test(form._form) ? form._form : 'form';
    const path = new URL(page, 'http://page.invalid').pathname;
    await rememberRefusal(c, path, { form: formId, values: typedValues(form), ...describeRefusal(error) });
    return c.redirect(`${page}#form-${formId}`, 303);
  }
}
