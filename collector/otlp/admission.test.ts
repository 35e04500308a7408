import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AdmissionLimits, Release } from './admission.ts';
import { OtlpAdmission } from './admission.ts';

const limits: AdmissionLimits = { maxInFlightBytes: 1000, maxInFlightRequests: 2, maxQueuedRequests: 2, maxQueueWaitMs: 2000 };

/** Follows a promise so that a test can tell, without awaiting it, whether and how it settled. */
function follow(admitted: Promise<Release | null>): { state: 'waiting' | 'admitted' | 'refused'; release: Release } {
  const seen = { state: 'waiting' as 'waiting' | 'admitted' | 'refused', release: (() => undefined) as Release };
  void admitted.then((release) => {
    seen.state = release ? 'admitted' : 'refused';
    if (release) seen.release = release;
  });
  return seen;
}

describe('OTLP admission', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('admits within the budget, lines up the next ones in order, and refuses once the line is full', async () => {
    const admission = new OtlpAdmission(limits);
    const first = follow(admission.admit(100));
    const second = follow(admission.admit(100));
    const third = follow(admission.admit(100));
    const fourth = follow(admission.admit(100));
    const fifth = follow(admission.admit(100));
    await vi.advanceTimersByTimeAsync(0);
    expect([first.state, second.state, third.state, fourth.state, fifth.state]).toEqual([
      'admitted',
      'admitted',
      'waiting',
      'waiting',
      'refused',
    ]);
    expect(admission.load).toEqual({ requests: 2, bytes: 200, queued: 2 });

    second.release();
    await vi.advanceTimersByTimeAsync(0);
    expect([third.state, fourth.state]).toEqual(['admitted', 'waiting']);
    second.release(); // a second call changes nothing
    await vi.advanceTimersByTimeAsync(0);
    expect(fourth.state).toBe('waiting');

    first.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(fourth.state).toBe('admitted');
    third.release();
    fourth.release();
    expect(admission.load).toEqual({ requests: 0, bytes: 0, queued: 0 });
  });

  it('refuses a request that waited its longest, and the one behind it still gets its turn', async () => {
    const admission = new OtlpAdmission({ ...limits, maxInFlightRequests: 1 });
    const first = follow(admission.admit(100));
    const second = follow(admission.admit(100));
    await vi.advanceTimersByTimeAsync(1500);
    const third = follow(admission.admit(100));
    await vi.advanceTimersByTimeAsync(600);
    expect([first.state, second.state, third.state]).toEqual(['admitted', 'refused', 'waiting']);
    first.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(third.state).toBe('admitted');
    third.release();
    expect(admission.load).toEqual({ requests: 0, bytes: 0, queued: 0 });
  });

  it('lets a request leave the line when its client goes away', async () => {
    const admission = new OtlpAdmission({ ...limits, maxInFlightRequests: 1 });
    const first = follow(admission.admit(100));
    const gone = new AbortController();
    const second = follow(admission.admit(100, gone.signal));
    const third = follow(admission.admit(100));
    gone.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect([second.state, admission.load.queued]).toEqual(['refused', 1]);
    first.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(third.state).toBe('admitted');
    // A client already gone does not join the line at all.
    expect(await admission.admit(100, gone.signal)).toBeNull();
  });

  it('holds the line behind a request too large for what is left, and admits it alone once the others are done', async () => {
    const admission = new OtlpAdmission({ ...limits, maxInFlightRequests: 4, maxQueuedRequests: 4 });
    const small = follow(admission.admit(600));
    const large = follow(admission.admit(5000));
    const after = follow(admission.admit(10));
    await vi.advanceTimersByTimeAsync(0);
    // 10 bytes would fit, but it came after the large one.
    expect([small.state, large.state, after.state]).toEqual(['admitted', 'waiting', 'waiting']);
    small.release();
    await vi.advanceTimersByTimeAsync(0);
    expect([large.state, after.state]).toEqual(['admitted', 'waiting']);
    large.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(after.state).toBe('admitted');
  });

  it('refuses at once when no line is allowed', async () => {
    const admission = new OtlpAdmission({ ...limits, maxInFlightRequests: 1, maxQueuedRequests: 0 });
    expect(await admission.admit(1)).not.toBeNull();
    expect(await admission.admit(1)).toBeNull();
  });
});
