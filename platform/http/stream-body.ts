/**
 * A response body that pulls from an async iterable, one chunk per read, so a slow client slows the
 * producer instead of growing a buffer. (ReadableStream.from does the same, but the DOM typings some
 * SAML dependencies bring in declare a ReadableStream without it.)
 */
export function streamBody(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}
