// Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection"); a tab or
// carriage return is there because some spreadsheets strip it first.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field per RFC 4180: in double quotes (inner quotes doubled) only when it holds a comma, a quote
 * or a line break. Text a spreadsheet would run as a formula gets a leading apostrophe, so it reads as the
 * text it is; numbers and booleans are written as they are (a negative number is not a formula).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'string') text = FORMULA_START.test(value) ? `'${value}` : value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (value instanceof Date) text = value.toISOString();
  else text = JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record, CRLF-terminated as RFC 4180 says. */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
