import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import { createServer } from 'node:https';
import type { Fault } from './faults.ts';
import { FaultPlan } from './faults.ts';
import { closeAbruptly, listenOnLoopback } from './loopback.ts';
import type { TestCertificate } from './tls.ts';

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key?: string;
  payload?: { summary: string; source: string; severity: string; component?: string; custom_details?: Record<string, unknown> };
  links?: { href: string; text?: string }[];
}

/**
 * A local HTTPS server speaking PagerDuty's Events API v2 (POST /v2/enqueue), with a certificate the
 * test made. It validates events as PagerDuty does and records those it accepts.
 */
export class FakePagerDutyServer {
  readonly events: (PagerDutyEvent & { at: number })[] = [];
  readonly faults = new FaultPlan();
  /** Every request that arrived, accepted or not. */
  requests = 0;
  /** TLS connections opened (keep-alive reuses them). */
  connections = 0;
  private server: Server | null = null;
  port = 0;

  constructor(private readonly certificate: TestCertificate) {}

  /** The PAGERDUTY_SERVER value: host and port. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    const server = createServer(
      { cert: this.certificate.cert, key: this.certificate.key },
      (request, response) => void this.handle(request, response),
    );
    server.on('secureConnection', () => this.connections++);
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
    this.requests++;
    const reply = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url !== '/v2/enqueue') return reply(404, { status: 'not found' });
    const fault = this.faults.next('enqueue');
    if (fault && (await this.applyFault(fault, response))) return;
    let event: PagerDutyEvent;
    try {
      event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PagerDutyEvent;
    } catch {
      return reply(400, { status: 'invalid event', message: 'Event object is invalid', errors: ['Malformed JSON'] });
    }
    const errors: string[] = [];
    if (typeof event.routing_key !== 'string' || event.routing_key.length !== 32) errors.push("'routing_key' must be 32 characters");
    if (!['trigger', 'acknowledge', 'resolve'].includes(event.event_action)) errors.push("'event_action' is invalid");
    if (event.event_action === 'trigger' && (!event.payload?.summary || !event.payload.source || !event.payload.severity))
      errors.push("'payload' is missing summary, source or severity");
    if (event.event_action !== 'trigger' && !event.dedup_key) errors.push("'dedup_key' is required to acknowledge or resolve");
    if (errors.length) return reply(400, { status: 'invalid event', message: 'Event object is invalid', errors });
    this.events.push({ ...event, at: Date.now() });
    reply(202, { status: 'success', message: 'Event processed', dedup_key: event.dedup_key ?? `generated-${this.events.length}` });
  }

  private async applyFault(fault: Fault, response: ServerResponse): Promise<boolean> {
    if (fault.kind === 'pass' || fault.kind === 'lose-answer') return false;
    if (fault.kind === 'reset') {
      response.socket?.destroy();
      return true;
    }
    if (fault.kind === 'hang') {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      response.socket?.destroy();
      return true;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
    response.writeHead(fault.status, headers);
    response.end(fault.body ?? JSON.stringify({ status: fault.status === 429 ? 'throttle event' : 'error', message: 'fault injected' }));
    return true;
  }
}
