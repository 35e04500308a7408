/**
 * Load shedding for /v1/traces. A request is admitted only while the bytes held by requests in flight
 * stay under a budget; beyond it the exporter is told to come back (429 + Retry-After), which OTLP
 * exporters honour with backoff. Memory stays bounded whatever the number of clients.
 */
export class OtlpAdmission {
  private inFlightBytes = 0;
  private inFlightRequests = 0;

  constructor(
    private readonly maxInFlightBytes: number,
    private readonly maxInFlightRequests: number,
  ) {}

  /** Reserves `bytes` (the declared or assumed body size); returns the release function, or null when full. */
  tryAdmit(bytes: number): (() => void) | null {
    if (this.inFlightRequests >= this.maxInFlightRequests) return null;
    if (this.inFlightRequests > 0 && this.inFlightBytes + bytes > this.maxInFlightBytes) return null;
    this.inFlightBytes += bytes;
    this.inFlightRequests++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlightBytes -= bytes;
      this.inFlightRequests--;
    };
  }

  get load(): { requests: number; bytes: number } {
    return { requests: this.inFlightRequests, bytes: this.inFlightBytes };
  }
}
