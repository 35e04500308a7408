import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** The Subject header, unfolded and decoded (RFC 2047). */
  subject: string;
  messageId: string;
  /** The body as a person reads it: quoted-printable decoded (every part, text and HTML), lines ending in LF. */
  text: string;
}

/** Quoted-printable (or the Q encoding of headers, where "_" is a space) to text. */
function decodeQuotedPrintable(encoded: string, header = false): string {
  const bytes: number[] = [];
  const source = header ? encoded.replaceAll('_', ' ') : encoded.replace(/=\r?\n/g, '');
  for (let index = 0; index < source.length; index++) {
    const hex = source.slice(index + 1, index + 3);
    if (source[index] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else bytes.push(...Buffer.from(source[index] ?? '', 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A header's encoded words decoded; adjacent ones are joined first, since a character may span two. */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?UTF-8\?([QB])\?/gi, '')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_word, encoding: string, data: string) =>
      encoding.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data, true),
    );
}

/**
 * A real SMTP server on loopback (the smtp-server package) that records every accepted message and can
 * refuse the next ones with a temporary (4xx) or permanent (5xx) reply.
 */
export class FakeSmtpServer {
  readonly received: ReceivedMail[] = [];
  private refusals: number[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  /** The next `count` messages are refused with `code` (451: try again later; 550: never). */
  refuseNext(count: number, code: number): void {
    for (let index = 0; index < count; index++) this.refusals.push(code);
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const code = this.refusals.shift();
          if (code) {
            const error = Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: code });
            callback(error);
            return;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const headers = raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ');
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            raw,
            subject: decodeHeader(/^Subject: (.*)$/m.exec(headers)?.[1]?.trim() ?? ''),
            messageId: /^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim() ?? '',
            text: (/quoted-printable/i.test(raw) ? decodeQuotedPrintable(raw.slice(headers.length)) : raw.slice(headers.length)).replaceAll(
              '\r\n',
              '\n',
            ),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
