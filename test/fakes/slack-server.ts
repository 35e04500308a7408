import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Fault } from './faults.ts';
import { FaultPlan } from './faults.ts';
import { closeAbruptly, listenOnLoopback } from './loopback.ts';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token: string | null;
  at: number;
}

interface FakeChannel {
  id: string;
  name: string;
  botIsMember?: boolean;
  members: string[];
  messages: { ts: string; text: string; blocks: unknown; user?: string }[];
}

/**
 * A local server speaking the Slack Web API methods Firebreak uses (conversations.create, .invite,
 * .history, chat.postMessage, chat.update), recording every successful call. Faults make it answer
 * 500, 429 with Retry-After, slowly, or not at all.
 */
export class FakeSlackServer {
  readonly calls: SlackCall[] = [];
  /** What Firebreak posted to response_url addresses (answers to commands and buttons). */
  readonly responses: { path: string; body: Record<string, unknown> }[] = [];
  readonly faults = new FaultPlan();
  readonly channels = new Map<string, FakeChannel>();
  private server: Server | null = null;
  private counter = 0;
  port = 0;

  constructor(readonly token = 'xoxb-test-token') {
    // A broadcast channel that exists already, addressable by name.
    this.channels.set('C0BROADCAST', { id: 'C0BROADCAST', name: 'incidents', members: [], messages: [] });
  }

  /** The slackApiUrl the client is pointed at. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A response_url for a command or button, served by this fake. */
  responseUrl(name: string): string {
    return `http://127.0.0.1:${this.port}/response/${name}`;
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  channelByName(name: string): FakeChannel | undefined {
    return [...this.channels.values()].find((channel) => channel.name === name.replace(/^#/, ''));
  }

  /** The app's direct-message conversation with a user, as chat.postMessage to their user id opens it. */
  directMessagesTo(userId: string): FakeChannel | undefined {
    return this.channels.get(`D${userId}`);
  }

  /** A channel that exists already (as a team's #postmortems would), addressable by id or name. */
  addChannel(name: string): FakeChannel {
    const channel = { id: `C0${name.toUpperCase().replaceAll(/[^A-Z0-9]/g, '')}`, name, members: [], messages: [] };
    this.channels.set(channel.id, channel);
    return channel;
  }

  private resolveChannel(reference: unknown): FakeChannel | undefined {
    if (typeof reference !== 'string') return undefined;
    // Slack posts to a user id in the app's direct-message conversation with them.
    if (/^[UW][A-Z0-9]+$/.test(reference) && !this.channels.has(`D${reference}`))
      this.channels.set(`D${reference}`, { id: `D${reference}`, name: '', members: [reference], messages: [] });
    return this.channels.get(reference) ?? this.channels.get(`D${reference}`) ?? this.channelByName(reference);
  }

  async start(port = 0): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    this.port = await listenOnLoopback(server, port);
    this.server = server;
  }

  /** Stops answering (connections are refused) until start() is called again on the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await closeAbruptly(server);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.url?.startsWith('/response/')) {
      this.responses.push({ path: request.url, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');
      return;
    }
    const method = (request.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const fault = this.faults.next(method);
    if (fault && fault.kind !== 'lose-answer' && (await this.applyFault(fault, response))) return;
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const args: Record<string, unknown> = {};
    for (const [key, value] of form) args[key] = key === 'blocks' || key === 'attachments' ? JSON.parse(value) : value;
    const authorization = request.headers.authorization ?? null;
    const token = authorization?.replace(/^Bearer /, '') ?? (typeof args.token === 'string' ? args.token : null);
    const reply = (body: Record<string, unknown>) => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    };
    if (token !== this.token) return reply({ ok: false, error: 'invalid_auth' });
    const answer = this.answer(method, args);
    if (answer.ok) this.calls.push({ method, args, token, at: Date.now() });
    if (fault?.kind === 'lose-answer') {
      response.socket?.destroy();
      return;
    }
    reply(answer);
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
    response.end(fault.body ?? JSON.stringify({ ok: false, error: fault.status === 429 ? 'ratelimited' : 'internal_error' }));
    return true;
  }

  private nextTs(): string {
    this.counter++;
    return `${Math.floor(Date.now() / 1000)}.${String(this.counter).padStart(6, '0')}`;
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> & { ok: boolean } {
    switch (method) {
      case 'conversations.create': {
        const name = String(args.name ?? '');
        if (!/^[a-z0-9][a-z0-9_-]{0,79}$/.test(name)) return { ok: false, error: 'invalid_name_specials' };
        if (this.channelByName(name)) return { ok: false, error: 'name_taken' };
        // The creator (the bot) is a member of the channel it creates.
        const channel: FakeChannel = {
          id: `C${String(this.channels.size).padStart(8, '0')}`,
          name,
          members: [],
          messages: [],
          botIsMember: true,
        };
        this.channels.set(channel.id, channel);
        return { ok: true, channel: { id: channel.id, name } };
      }
      case 'conversations.invite': {
        const channel = this.resolveChannel(args.channel);
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const users = String(args.users ?? '')
          .split(',')
          .filter(Boolean);
        if (users.every((user) => channel.members.includes(user))) return { ok: false, error: 'already_in_channel' };
        channel.members.push(...users.filter((user) => !channel.members.includes(user)));
        return { ok: true, channel: { id: channel.id } };
      }
      case 'chat.postMessage': {
        const channel = this.resolveChannel(args.channel);
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const message = { ts: this.nextTs(), text: String(args.text ?? ''), blocks: args.blocks };
        channel.messages.push(message);
        return { ok: true, channel: channel.id, ts: message.ts, message };
      }
      case 'chat.update': {
        const channel = this.resolveChannel(args.channel);
        const message = channel?.messages.find((candidate) => candidate.ts === args.ts);
        if (!channel || !message) return { ok: false, error: 'message_not_found' };
        message.text = String(args.text ?? '');
        message.blocks = args.blocks;
        return { ok: true, channel: channel.id, ts: message.ts };
      }
      case 'conversations.list': {
        const channels = [...this.channels.values()].map((channel) => ({
          id: channel.id,
          name: channel.name,
          is_channel: true,
          is_member: channel.botIsMember === true,
        }));
        return { ok: true, channels, response_metadata: { next_cursor: '' } };
      }
      case 'conversations.history': {
        const channel = this.resolveChannel(args.channel);
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const messages = channel.messages.filter((message) => !args.latest || message.ts === args.latest);
        return { ok: true, messages: messages.map((message) => ({ type: 'message', ...message })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}
