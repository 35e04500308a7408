import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { createWriteStream } from 'node:fs';
import path from 'node:path';

/** A file of the export as the manifest lists it: its path inside the export, size, lines of data and SHA-256. */
export interface ExportedFile {
  path: string;
  bytes: number;
  /** Records: NDJSON lines, CSV rows below the header, 1 for a report. */
  rows: number;
  sha256: string;
}

/** Writes one file of the export, hashing as it goes and waiting for the disk when the stream's buffer is full. */
export class ExportFileWriter {
  private readonly stream: WriteStream;
  private readonly hash = createHash('sha256');
  private bytes = 0;
  rows = 0;

  constructor(
    private readonly root: string,
    readonly relativePath: string,
  ) {
    this.stream = createWriteStream(path.join(root, relativePath), { mode: 0o600 });
  }

  async write(text: string): Promise<void> {
    const chunk = Buffer.from(text, 'utf8');
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<ExportedFile> {
    this.stream.end();
    await once(this.stream, 'finish');
    return { path: this.relativePath, bytes: this.bytes, rows: this.rows, sha256: this.hash.digest('hex') };
  }

  /** Closes the file after a failure, keeping what was written (a resumed export rewrites it). */
  abandon(): void {
    this.stream.destroy();
  }
}
