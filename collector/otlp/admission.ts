/**
 * Admission for /v1/traces. A request is admitted only while the bytes held by requests in flight
 * stay under a budget and their number under a limit. Beyond it, a request waits its turn in a short
 * line (first come, first served) instead of being refused at once: a SimpleSpanProcessor sends every
 * span as its own request, so bursts of hundreds are normal, and refusing them all with the same
 * Retry-After brings them back together a second later. A waiting request has not read its body, so
 * the line holds sockets, not bodies. Only when the line is full, or a request has waited its longest,
 * is it refused (429 + Retry-After), which OTLP exporters honour with backoff. Memory stays bounded
 * whatever the number of clients.
 */

export interface AdmissionLimits {
  maxInFlightBytes: number;
  maxInFlightRequests: number;
  /** Requests that may wait for a slot; 0 refuses at once when the budget is spent. */
  maxQueuedRequests: number;
  /** How long a request may wait for a slot before it is refused. */
  maxQueueWaitMs: number;
}

export type Release = () => void;

interface Waiter {
  bytes: number;
  admit: (release: Release | null) => void;
  timer: NodeJS.Timeout;
  signal?: AbortSignal;
  onAbort: () => void;
}

export class OtlpAdmission {
  private inFlightBytes = 0;
  private inFlightRequests = 0;
  private readonly line: Waiter[] = [];

  constructor(private readonly limits: AdmissionLimits) {}

  /**
   * Reserves `bytes` (the declared or assumed body size) and resolves to the release function, at once
   * when the budget allows, else when the request's turn comes; resolves to null when the line is full,
   * the wait runs out, or `signal` (the client went away) aborts first.
   */
  admit(bytes: number, signal?: AbortSignal): Promise<Release | null> {
    if (this.line.length === 0 && this.fits(bytes)) return Promise.resolve(this.take(bytes));
    if (this.line.length >= this.limits.maxQueuedRequests || signal?.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        bytes,
        admit: resolve,
        timer: setTimeout(() => this.leave(waiter), this.limits.maxQueueWaitMs),
        signal,
        onAbort: () => this.leave(waiter),
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.line.push(waiter);
    });
  }

  get load(): { requests: number; bytes: number; queued: number } {
    return { requests: this.inFlightRequests, bytes: this.inFlightBytes, queued: this.line.length };
  }

  /** A lone request is always admitted, whatever its size: the body limit bounds it. */
  private fits(bytes: number): boolean {
    if (this.inFlightRequests >= this.limits.maxInFlightRequests) return false;
    return this.inFlightRequests === 0 || this.inFlightBytes + bytes <= this.limits.maxInFlightBytes;
  }

  private take(bytes: number): Release {
    this.inFlightBytes += bytes;
    this.inFlightRequests++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlightBytes -= bytes;
      this.inFlightRequests--;
      this.drain();
    };
  }

  /** Admits waiters from the front of the line while they fit; one that does not holds the others back. */
  private drain(): void {
    for (let waiter = this.line[0]; waiter && this.fits(waiter.bytes); waiter = this.line[0]) {
      this.line.shift();
      this.forget(waiter);
      waiter.admit(this.take(waiter.bytes));
    }
  }

  private leave(waiter: Waiter): void {
    const at = this.line.indexOf(waiter);
    if (at < 0) return;
    this.line.splice(at, 1);
    this.forget(waiter);
    waiter.admit(null);
    // The one that left may have been holding the line back.
    if (at === 0) this.drain();
  }

  private forget(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }
}
