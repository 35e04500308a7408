import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

const BLOCK = 512;

function field(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, length, 'utf8');
}

const octal = (value: number, digits: number) => `${value.toString(8).padStart(digits, '0')}\0`;

/** A POSIX ustar header; names over 100 bytes are split into prefix and name at a slash. */
function ustarHeader(name: string, size: number, mtime: Date): Buffer {
  const header = Buffer.alloc(BLOCK);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  field(header, 0, 100, base);
  field(header, 100, 8, octal(0o644, 7));
  field(header, 108, 8, octal(0, 7));
  field(header, 116, 8, octal(0, 7));
  field(header, 124, 12, octal(size, 11));
  field(header, 136, 12, octal(Math.floor(mtime.getTime() / 1000), 11));
  field(header, 148, 8, '        ');
  field(header, 156, 1, '0');
  field(header, 257, 6, 'ustar\0');
  field(header, 263, 2, '00');
  field(header, 345, 155, prefix);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

/** The tar entry of one file under ROOT, streamed from disk: header, content, padding. */
export async function* tarFile(root: string, relativePath: string): AsyncGenerator<Uint8Array> {
  const full = path.join(root, relativePath);
  const info = await stat(full);
  yield ustarHeader(relativePath.split(path.sep).join('/'), info.size, info.mtime);
  for await (const chunk of createReadStream(full)) yield chunk as Buffer;
  const padding = (BLOCK - (info.size % BLOCK)) % BLOCK;
  if (padding) yield Buffer.alloc(padding);
}

/** The two zero blocks that end an archive. */
export const TAR_END: Uint8Array = Buffer.alloc(2 * BLOCK);
