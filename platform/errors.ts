import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Every error code Firebreak answers with, and the HTTP status it goes with. The list is closed:
 * clients and scripts may branch on these codes, so a new one is added here, on purpose.
 */
export const ERROR_CODES = {
  invalid_input: 400,
  malformed_json: 400,
  reason_required: 400,
  delay_reason_required: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  invalid_code: 401,
  session_expired: 401,
  token_expired: 401,
  forbidden: 403,
  self_approval: 403,
  sso_required: 403,
  sso_refused: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  stale_version: 409,
  incident_closed: 409,
  already_in_phase: 409,
  invalid_transition: 409,
  invalid_phase: 409,
  commander_required: 409,
  checklist_incomplete: 409,
  rca_incomplete: 409,
  rca_approved: 409,
  rca_not_approved: 409,
  regime_exists: 409,
  provider_from_file: 409,
  regime_built_in: 409,
  regime_from_file: 409,
  regime_missing: 409,
  regime_already_applied: 409,
  not_applicable: 409,
  obligation_closed: 409,
  already_submitted: 409,
  notice_incomplete: 409,
  notice_not_draft: 409,
  approval_required: 409,
  already_sent: 409,
  no_escalation: 409,
  not_configured: 409,
  obligations_open: 409,
  elevation_open: 409,
  elevation_closed: 409,
  elevation_request_expired: 409,
  export_required: 409,
  slo_from_file: 409,
  slo_burning: 409,
  heartbeat_exists: 409,
  heartbeat_from_file: 409,
  backup_running: 409,
  payload_too_large: 413,
  too_many_alerts: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  locked: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;
export type ErrorCode = keyof typeof ERROR_CODES;

/** The general code of an HTTP status (the first listed with it), for errors raised outside the domain. */
export function errorCodeForStatus(status: number): ErrorCode {
  for (const [code, codeStatus] of Object.entries(ERROR_CODES) as [ErrorCode, number][]) if (codeStatus === status) return code;
  return status >= 500 ? 'internal' : 'invalid_input';
}

/** The codes that go with one HTTP status, so that each error class takes only its own. */
export type ErrorCodeWithStatus<Status extends ContentfulStatusCode> = {
  [Code in ErrorCode]: (typeof ERROR_CODES)[Code] extends Status ? Code : never;
}[ErrorCode];

/** An error the domain expects; the HTTP layer turns it into `{ error: { code, message, requestId } }`. */
export class DomainError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
    this.status = ERROR_CODES[code];
  }
}

export class InvalidInputError extends DomainError {
  constructor(message: string, details?: unknown, code: ErrorCodeWithStatus<400> = 'invalid_input') {
    super(code, message, details);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Authentication required: send "Authorization: Bearer <token>" or log in.') {
    super('unauthorized', message);
  }
}

/** A token that was good once: the caller should make a new one, not check its spelling. */
export class TokenExpiredError extends DomainError {
  constructor(name: string, expiredAt: Date) {
    super('token_expired', `The token "${name}" expired at ${expiredAt.toISOString()}; make a new one.`);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super('not_found', message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code: ErrorCodeWithStatus<409> = 'conflict', details?: unknown) {
    super(code, message, details);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(limitBytes: number) {
    super('payload_too_large', `Request body exceeds the limit of ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  constructor(received: string | undefined, expected: readonly string[]) {
    super(
      'unsupported_media_type',
      `Content-Type ${received ? `"${received}"` : '(none)'} is not accepted here; send ${expected.join(' or ')}.`,
    );
  }
}

export class UnavailableError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super('unavailable', message);
  }
}
