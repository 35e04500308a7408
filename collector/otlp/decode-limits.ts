import type { TraceBatch } from '../../incidents/index.ts';

/** Attributes kept per span, event or resource; the rest are dropped (spans are evidence, not storage). */
export const MAX_ATTRIBUTES = 64;
export const MAX_RESOURCE_ATTRIBUTES = 64;
/** Longest attribute or status text kept, in characters. Stack traces are cut later, by the evidence store. */
export const MAX_TEXT = 8192;
/** How many rejection reasons the partial_success message names. */
const MAX_REASONS = 5;

/** The body is not a well-formed OTLP request: the whole request is refused with 400. */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

export function limitText(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** Counts spans refused one by one (they go into partial_success) and keeps the first reasons. */
export class SpanRejections {
  constructor(private readonly batch: TraceBatch) {}

  reject(reason: string): null {
    this.batch.rejectedSpans++;
    if (this.batch.rejections.length < MAX_REASONS) this.batch.rejections.push(reason);
    return null;
  }
}

/** The partial_success error_message for a batch with rejected spans. */
export function describeRejections(batch: TraceBatch): string {
  const more = batch.rejectedSpans > batch.rejections.length ? `; and ${batch.rejectedSpans - batch.rejections.length} more` : '';
  return `${batch.rejectedSpans} span(s) rejected: ${batch.rejections.join('; ')}${more}`;
}
