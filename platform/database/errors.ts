/** The driver's error under the wrappers (drizzle's DrizzleQueryError): the first with a SQLSTATE. */
function driverErrorOf(error: unknown): { code: string; constraint?: unknown; constraint_name?: unknown } | null {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return current as { code: string };
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** The SQLSTATE of a database error, looking through the wrappers (drizzle's DrizzleQueryError) to the driver's error. */
export function sqlStateOf(error: unknown): string | null {
  return driverErrorOf(error)?.code ?? null;
}

/** The constraint a violation names (postgres.js calls the field constraint_name, PGlite constraint). */
export function violatedConstraintOf(error: unknown): string | null {
  const driverError = driverErrorOf(error);
  const name = driverError?.constraint_name ?? driverError?.constraint;
  return typeof name === 'string' ? name : null;
}

/**
 * True when the database refused a value (SQLSTATE class 22, data exception: U+0000 in text or
 * jsonb, a number out of range): the same row would be refused again, so retrying it is pointless.
 */
export function isDataError(error: unknown): boolean {
  return sqlStateOf(error)?.startsWith('22') ?? false;
}
