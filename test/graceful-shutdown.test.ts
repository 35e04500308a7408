import { mkdtemp } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '../platform/index.ts';
import { createFirebreak, listen } from '../server.ts';
import { TEST_ADMIN_TOKEN } from './harness/app.ts';
import { databaseBackends, openTestDatabase } from './harness/database.ts';

/** Starts a POST whose body arrives in two parts; resolves with the status once the answer comes. */
function slowPost(port: number, firstPart: string, secondPartAfter: Promise<unknown>, secondPart: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/tokens',
        headers: {
          authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(firstPart + secondPart),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write(firstPart);
    void secondPartAfter.then(() => req.end(secondPart));
  });
}

describe.each(databaseBackends)('graceful shutdown on %s', (backend) => {
  it('finishes a request in flight, refuses new connections, then closes the database', async () => {
    const dataDirectory = await mkdtemp(path.join(tmpdir(), 'firebreak-shutdown-'));
    const config = loadConfig({ LOG_LEVEL: 'silent', PORT: '0', DATA_DIR: dataDirectory, FIREBREAK_BOOTSTRAP_TOKEN: TEST_ADMIN_TOKEN });
    const database = await openTestDatabase(backend);
    const running = await listen(await createFirebreak(config, { database, logger: createLogger('silent') }));

    let shutdownStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (shutdownStarted = resolve));
    const reached = new Promise((resolve) => running.server.once('request', resolve));
    const inFlight = slowPost(running.port, '{"name": "in-flight",', started, ' "role": "viewer"}');
    // Shut down once the request has reached the server, its body half sent (a fixed wait was too short
    // on a loaded machine: the connection was still unaccepted when the server stopped listening).
    await reached;
    const stopping = running.shutdown();
    shutdownStarted();

    const answer = await inFlight;
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({ name: 'in-flight', role: 'viewer' });
    await stopping;
    await expect(fetch(`http://127.0.0.1:${running.port}/healthz`)).rejects.toThrow();
  });
});
