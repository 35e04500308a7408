import { Writable } from 'node:stream';
import pino from 'pino';
import { expect, it } from 'vitest';
import { createFirebreak } from '../../server.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../database/index.ts';

it('logs request paths without their query and never a public notice token, even at debug', { timeout: 120_000 }, async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const config = loadConfig({ LOG_LEVEL: 'debug', DATA_DIR: '/tmp/firebreak-request-log-test', SCHEDULER_ENABLED: 'false' });
  const firebreak = await createFirebreak(config, { database: await openDatabase({}), logger: pino({ level: 'debug' }, sink) });
  try {
    const token = 'ntk_Secret0123456789abcdefghijklmnopqrstuv';
    await firebreak.app.request(`/notices/${token}?ref=mail-secret-ref`);
    await firebreak.app.request('/login?next=%2Fincidents%3Fq%3Dpayroll-secret&email=pat%40example.com');
    await firebreak.app.request('/no/such/route?api_key=query-secret-key');
  } finally {
    await firebreak.close();
  }
  const requests = lines.filter((line) => line.includes('"msg":"request'));
  expect(requests.length).toBeGreaterThanOrEqual(3);
  const all = lines.join('');
  for (const secret of ['ntk_Secret0123456789', 'mail-secret-ref', 'payroll-secret', 'pat%40example.com', 'query-secret-key']) {
    expect(all).not.toContain(secret);
  }
  expect(all).toContain('"path":"/notices/:token"');
  expect(all).toContain('"path":"/login"');
});
