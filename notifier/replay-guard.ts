/**
 * Remembers what signed webhooks delivered (a signature, an event id) for as long as their signature
 * stays acceptable, so an exact replay inside that window is refused. Bounded: past `capacity` the
 * oldest is forgotten first. In memory, per process: the timestamp window still bounds replays across
 * restarts and replicas.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity = 10_000,
  ) {}

  /** Records `key`; false if it was already seen within the window (a replay). */
  firstTime(key: string, now: number = Date.now()): boolean {
    // Every key lives the same time, so insertion order is expiry order.
    for (const [old, expiresAt] of this.seen) {
      if (expiresAt > now && this.seen.size < this.capacity) break;
      this.seen.delete(old);
    }
    if (this.seen.has(key)) return false;
    this.seen.set(key, now + this.ttlMs);
    return true;
  }

  /** Forgets `key`, so that a delivery that failed on our side can be retried. */
  forget(key: string): void {
    this.seen.delete(key);
  }
}
