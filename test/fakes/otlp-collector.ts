import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { closeAbruptly, listenOnLoopback } from './loopback.ts';

export interface OtlpExport {
  path: string;
  contentType: string;
  body: Buffer;
}

/**
 * A local OTLP/HTTP collector for Firebreak's own traces (OTEL_EXPORTER_OTLP_ENDPOINT): it records every
 * request it receives and answers 200.
 */
export class FakeOtlpCollector {
  readonly received: OtlpExport[] = [];
  private server: Server | null = null;
  port = 0;

  /** The OTEL_EXPORTER_OTLP_ENDPOINT to point the exporter at. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    this.port = await listenOnLoopback(server, port);
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await closeAbruptly(server);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    this.received.push({ path: request.url ?? '', contentType: request.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
    response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  }
}
