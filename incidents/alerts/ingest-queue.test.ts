import { describe, expect, it } from 'vitest';
import { worthAnotherTransaction } from './ingest-queue.ts';

const request = (alerts: number, since: number) => ({ incoming: { size: alerts }, since });

describe('a transaction beside the running one', () => {
  it('is not started for nothing', () => {
    expect(worthAnotherTransaction([], 1000)).toBe(false);
  });

  it('waits while the requests waiting hold fewer than 400 alerts and none has waited 25 ms', () => {
    expect(worthAnotherTransaction([request(100, 1000), request(100, 1001), request(199, 1010)], 1020)).toBe(false);
    expect(worthAnotherTransaction([request(1, 1000)], 1024.9)).toBe(false);
  });

  it('starts for 400 waiting alerts, however briefly they waited', () => {
    expect(worthAnotherTransaction([request(100, 1000), request(100, 1000), request(200, 1000)], 1000)).toBe(true);
    expect(worthAnotherTransaction([request(2000, 1000)], 1000)).toBe(true);
  });

  it('starts once the oldest request has waited 25 ms, however few alerts wait', () => {
    expect(worthAnotherTransaction([request(1, 1000), request(1, 1020)], 1025)).toBe(true);
  });
});
