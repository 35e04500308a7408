/** The SQLSTATE of a database error, looking through the wrappers (drizzle's DrizzleQueryError) to the driver's error. */
export function sqlStateOf(error: unknown): string | null {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * True when the database refused a value (SQLSTATE class 22, data exception: U+0000 in text or
 * jsonb, a number out of range): the same row would be refused again, so retrying it is pointless.
 */
export function isDataError(error: unknown): boolean {
  return sqlStateOf(error)?.startsWith('22') ?? false;
}
