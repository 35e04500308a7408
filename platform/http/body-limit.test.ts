import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitBodySize } from './body-limit.ts';

const LIMIT = 1000;

/**
 * Whether @hono/node-server had to make a full Web Request (with a body stream) of its light one: it
 * keeps that under a symbol it names requestCache.
 */
function madeFullRequest(raw: Request): boolean {
  const own = raw as unknown as Record<symbol, unknown>;
  return Object.getOwnPropertySymbols(raw).some((key) => key.description === 'requestCache' && own[key] !== undefined);
}

/** A server on loopback, as in production (@hono/node-server): the limit, then a handler that echoes what it read. */
function startServer(limit: MiddlewareHandler) {
  const app = new Hono();
  const full: boolean[] = [];
  app.use(limit);
  app.post('/echo', async (c) => {
    full.push(madeFullRequest(c.req.raw));
    return c.text(await c.req.text());
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  return { server, full };
}

const tooLarge = (c: Context) => c.text('too large', 413);

/** Posts a body, with its Content-Length or chunked (no length stated). */
function post(port: number, body: string, chunked: boolean): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'text/plain' };
    if (!chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const req = httpRequest({ host: '127.0.0.1', port, path: '/echo', method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (chunked) {
      // Several chunks, as a streaming client sends them.
      for (let start = 0; start < body.length; start += 300) req.write(body.slice(start, start + 300));
    } else {
      req.write(body);
    }
    req.end();
  });
}

describe('limitBodySize', () => {
  let running: ReturnType<typeof startServer>;
  let port: number;
  beforeAll(async () => {
    running = startServer(limitBodySize(LIMIT, tooLarge));
    await new Promise<void>((resolve) => running.server.once('listening', () => resolve()));
    port = (running.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => running.server.close(() => resolve())));

  it('passes a body within the limit, stated length or chunked, whole', async () => {
    const body = `${'é'.repeat(200)}-${'x'.repeat(500)}`;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(LIMIT);
    expect(await post(port, body, false)).toEqual({ status: 200, text: body });
    expect(await post(port, body, true)).toEqual({ status: 200, text: body });
    expect(await post(port, 'x'.repeat(LIMIT), false)).toEqual({ status: 200, text: 'x'.repeat(LIMIT) });
    // The bodies with a stated length were read straight from the socket (the chunked one was counted
    // by Hono's limit, which hands on a new Request of what it read).
    expect([running.full[0], running.full[2]]).toEqual([false, false]);
  });

  it("reads a body with a stated length without the Web stream that Hono's own limit makes", async () => {
    const hono = startServer(bodyLimit({ maxSize: LIMIT, onError: tooLarge }));
    await new Promise<void>((resolve) => hono.server.once('listening', () => resolve()));
    try {
      expect((await post((hono.server.address() as AddressInfo).port, 'stated', false)).text).toBe('stated');
      expect(hono.full).toEqual([true]);
    } finally {
      await new Promise<void>((resolve) => hono.server.close(() => resolve()));
    }
  });

  it('refuses a body over the limit by its stated length, and a chunked one as it arrives', async () => {
    expect(await post(port, 'x'.repeat(LIMIT + 1), false)).toEqual({ status: 413, text: 'too large' });
    expect((await post(port, 'x'.repeat(LIMIT + 1), true)).status).toBe(413);
    // Counted in bytes, not characters: 600 two-byte characters are 1200 bytes.
    expect((await post(port, 'é'.repeat(600), false)).status).toBe(413);
    expect((await post(port, 'é'.repeat(600), true)).status).toBe(413);
  });

  it('judges a request in process (app.request, no Content-Length) by its body', async () => {
    const app = new Hono();
    app.use(limitBodySize(LIMIT, tooLarge));
    app.post('/echo', async (c) => c.text(await c.req.text()));
    expect((await app.request('/echo', { method: 'POST', body: 'x'.repeat(LIMIT + 1) })).status).toBe(413);
    expect(await (await app.request('/echo', { method: 'POST', body: 'small' })).text()).toBe('small');
  });
});
