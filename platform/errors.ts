import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An error the domain expects; the HTTP layer turns it into `{ error: { code, message, requestId } }`. */
export class DomainError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends DomainError {
  constructor(message: string, details?: unknown, code = 'invalid_input') {
    super(400, code, message, details);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Authentication required: send "Authorization: Bearer <token>" or log in.') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code = 'conflict', details?: unknown) {
    super(409, code, message, details);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `Request body exceeds the limit of ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  constructor(received: string | undefined, expected: readonly string[]) {
    super(
      415,
      'unsupported_media_type',
      `Content-Type ${received ? `"${received}"` : '(none)'} is not accepted here; send ${expected.join(' or ')}.`,
    );
  }
}

export class UnavailableError extends DomainError {
  constructor(message: string, readonly retryAfterSeconds?: number) {
    super(503, 'unavailable', message);
  }
}
