import { describe, expect, it } from 'vitest';
import { retryCause } from './retry.ts';

describe('which failed ingest transactions run again', () => {
  it('runs again after a deadlock, a serialization failure, or a new alert stored by another transaction first', () => {
    expect(retryCause({ code: '40P01' })).toBe('deadlock');
    expect(retryCause({ code: '40001' })).toBe('serialization');
    // postgres.js names the constraint in constraint_name, PGlite in constraint; drizzle wraps either.
    expect(retryCause({ code: '23505', constraint_name: 'alerts_fingerprint_unique' })).toBe('claimed');
    expect(retryCause({ code: '23505', constraint: 'alerts_fingerprint_unique' })).toBe('claimed');
    expect(
      retryCause(Object.assign(new Error('query failed'), { cause: { code: '23505', constraint_name: 'alerts_fingerprint_unique' } })),
    ).toBe('claimed');
  });

  it('does not run again for anything else, another unique violation included', () => {
    expect(retryCause({ code: '23505', constraint_name: 'incidents_number_unique' })).toBeNull();
    expect(retryCause({ code: '23505' })).toBeNull();
    expect(retryCause({ code: '22P02' })).toBeNull();
    expect(retryCause(new Error('connection refused'))).toBeNull();
  });
});
