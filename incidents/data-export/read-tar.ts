const BLOCK = 512;

/** One file of a tar archive: its path, and its content as it arrives (read it before asking for the next entry). */
export interface TarEntry {
  path: string;
  size: number;
  content: AsyncGenerator<Uint8Array>;
}

/** A NUL-terminated text field of a ustar header. */
function textField(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
}

/** Pulls exact byte counts out of a stream of chunks of any size, holding no more than one chunk. */
class ChunkReader {
  private pending: Buffer = Buffer.alloc(0);
  private readonly iterator: AsyncIterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Up to `limit` bytes (at least one), or null at the end of the stream. */
  async take(limit: number): Promise<Buffer | null> {
    if (!this.pending.length) {
      const next = await this.iterator.next();
      if (next.done) return null;
      this.pending = Buffer.from(next.value);
    }
    const taken = this.pending.subarray(0, limit);
    this.pending = this.pending.subarray(taken.length);
    return taken;
  }

  /** Exactly `length` bytes; throws when the stream ends first. */
  async exactly(length: number, what: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < length) {
      const part = await this.take(length - have);
      if (!part) throw new Error(`the archive ends inside ${what}: the download was cut short`);
      parts.push(part);
      have += part.length;
    }
    return Buffer.concat(parts);
  }

  /** The next `length` bytes as they arrive. */
  async *stream(length: number, what: string): AsyncGenerator<Uint8Array> {
    let left = length;
    while (left > 0) {
      const part = await this.take(left);
      if (!part) throw new Error(`the archive ends inside ${what}: the download was cut short`);
      left -= part.length;
      yield part;
    }
  }
}

/**
 * The files of a ustar archive (as tar-entries.ts writes them), read as the bytes arrive: memory
 * holds one chunk, whatever the size of a file. Throws when a header's checksum is wrong or the
 * archive ends before its two closing zero blocks.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<TarEntry> {
  const reader = new ChunkReader(source);
  for (;;) {
    const header = await reader.exactly(BLOCK, 'a header');
    if (header.every((byte) => byte === 0)) {
      await reader.exactly(BLOCK, 'the end blocks');
      return;
    }
    const stored = Number.parseInt(textField(header, 148, 8).trim(), 8);
    let sum = 0;
    for (let index = 0; index < BLOCK; index++) sum += index >= 148 && index < 156 ? 32 : (header[index] ?? 0);
    if (stored !== sum) throw new Error('a header of the archive does not match its checksum: the download is damaged');
    const name = textField(header, 0, 100);
    const prefix = textField(header, 345, 155);
    const path = prefix ? `${prefix}/${name}` : name;
    const size = Number.parseInt(textField(header, 124, 12).trim(), 8);
    let read = 0;
    const content = (async function* () {
      for await (const part of reader.stream(size, path)) {
        read += part.length;
        yield part;
      }
    })();
    yield { path, size, content };
    // Whatever the consumer left unread of the file, then the padding to the next block.
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (size - read + padding) await reader.exactly(size - read + padding, path);
  }
}
