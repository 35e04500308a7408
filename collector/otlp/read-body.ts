import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipCapped = promisify(gunzip);

/** The body, compressed or not, is larger than the limit. */
export class BodyTooLargeError extends Error {
  constructor(
    readonly limitBytes: number,
    readonly stage: 'received' | 'decompressed',
  ) {
    super(
      stage === 'received'
        ? `request body exceeds the limit of ${limitBytes} bytes`
        : `request body exceeds the limit of ${limitBytes} bytes once decompressed`,
    );
    this.name = 'BodyTooLargeError';
  }
}

/** The Content-Encoding is not one we read, or the gzip stream is broken. */
export class BodyEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyEncodingError';
  }
}

/** Reads a request body stream, stopping (and cancelling the stream) as soon as it passes the limit. */
export async function readLimited(stream: ReadableStream<Uint8Array> | null, limitBytes: number): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limitBytes, 'received');
    }
    chunks.push(value);
  }
  return chunks.length === 1
    ? Buffer.from((chunks[0] as Uint8Array).buffer, (chunks[0] as Uint8Array).byteOffset, total)
    : Buffer.concat(chunks, total);
}

/**
 * Undoes Content-Encoding. gzip is inflated on the libuv thread pool (not the event loop) and zlib stops
 * as soon as the output passes the limit, so a gzip bomb costs at most `limitBytes` of memory.
 */
export async function decodeContent(body: Buffer, contentEncoding: string | undefined, limitBytes: number): Promise<Buffer> {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return body;
  if (encoding !== 'gzip' && encoding !== 'x-gzip')
    throw new BodyEncodingError(`Content-Encoding "${contentEncoding}" is not supported; send gzip or none`);
  try {
    return await gunzipCapped(body, { maxOutputLength: limitBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new BodyTooLargeError(limitBytes, 'decompressed');
    }
    throw new BodyEncodingError(`the gzip body cannot be inflated: ${(error as Error).message}`);
  }
}
