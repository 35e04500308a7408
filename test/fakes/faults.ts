/** What a fake server does to the next matching request instead of answering it properly. */
export type Fault =
  | { kind: 'status'; status: number; retryAfterSeconds?: number; body?: string }
  /** Hangs for this long (past the client's timeout), then drops the connection unprocessed. */
  | { kind: 'hang'; ms: number }
  /** Closes the connection without an answer. */
  | { kind: 'reset' }
  /** Does the work, then drops the connection before answering (the client never learns it succeeded). */
  | { kind: 'lose-answer' }
  /** Answers normally (to let earlier requests through before a fault). */
  | { kind: 'pass' };

/** A queue of faults per target (a Slack method, or '*' for any request). */
export class FaultPlan {
  private readonly queues = new Map<string, Fault[]>();

  add(target: string, fault: Fault, times = 1): void {
    const queue = this.queues.get(target) ?? [];
    for (let index = 0; index < times; index++) queue.push(fault);
    this.queues.set(target, queue);
  }

  next(target: string): Fault | undefined {
    return this.queues.get(target)?.shift() ?? this.queues.get('*')?.shift();
  }

  clear(): void {
    this.queues.clear();
  }
}
