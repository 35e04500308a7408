import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../platform/index.ts';

/** Slack signs each request within this window; an older (or future) timestamp is a replay. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

/** Slack's v0 signature: "v0=" + hex HMAC-SHA256 of "v0:{timestamp}:{raw body}" with the signing secret. */
export function signSlackRequest(secret: string, timestamp: number | string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** Throws UnauthorizedError unless the request carries a fresh, valid Slack signature over the raw body. */
export function verifySlackSignature(
  secret: string,
  headers: { timestamp?: string; signature?: string },
  rawBody: string,
  now: Date = new Date(),
): void {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) throw new UnauthorizedError('Missing X-Slack-Request-Timestamp or X-Slack-Signature.');
  if (!/^\d{1,12}$/.test(timestamp)) throw new UnauthorizedError('X-Slack-Request-Timestamp is not a Unix time.');
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) {
    throw new UnauthorizedError('The Slack request timestamp is more than five minutes away from now (a replay?).');
  }
  const expected = Buffer.from(signSlackRequest(secret, timestamp, rawBody));
  const received = Buffer.from(signature);
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
    throw new UnauthorizedError('The Slack signature does not match the request.');
  }
}
