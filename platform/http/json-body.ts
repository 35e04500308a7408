import type { Context } from 'hono';

/*
 * Hono's c.req.json() parses the body's text again on every call. An ingest request asked three times
 * (the alert-count limit, the unsafe-text check, the schema validator): three JSON.parse of up to a
 * few hundred kilobytes, and their garbage, for one body.
 */

interface ParsedBody {
  text: string;
  value: unknown;
}

const parsedBodies = new WeakMap<object, Promise<ParsedBody>>();

/** The request's body text and the value it parses to, parsed once per request (rejects on malformed JSON). */
export function parsedJsonBody(c: Context): Promise<ParsedBody> {
  let parsed = parsedBodies.get(c.req);
  if (!parsed) {
    const once = c.req.text().then((text) => ({ text, value: JSON.parse(text) as unknown }));
    parsed = once;
    parsedBodies.set(c.req, once);
    // Hono's validator calls c.req.json() itself; it gets the same value (nothing downstream mutates it).
    c.req.json = (() => once.then((body) => body.value)) as typeof c.req.json;
  }
  return parsed;
}

/** c.req.json(), parsed once per request. */
export async function jsonBody(c: Context): Promise<unknown> {
  return (await parsedJsonBody(c)).value;
}
