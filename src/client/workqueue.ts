// A work queue with client-go's guarantees: an item is queued at most once however often it is added, is never
// handed to two workers at once (an add during processing re-queues it for after `done`), can be delayed, and
// failing items come back with per-item exponential backoff under an overall token bucket.

export interface RateLimiter<K> {
  /** How long to wait before the item is retried; counts a failure. */
  when(item: K): number;
  /** Clears the item's failure history. */
  forget(item: K): void;
  numRequeues(item: K): number;
}

/** Per-item backoff base·2^failures, capped; default 5 ms → 1000 s as client-go. */
export class ItemExponentialRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();
  constructor(private readonly baseMs = 5, private readonly maxMs = 1_000_000) {}

  when(item: K): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }
  forget(item: K): void {
    this.failures.delete(item);
  }
  numRequeues(item: K): number {
    return this.failures.get(item) ?? 0;
  }
}

/** An overall token bucket (qps, burst): each retry reserves a token and waits until it is due. */
export class BucketRateLimiter<K> implements RateLimiter<K> {
  private tokens: number;
  private last: number;
  constructor(private readonly qps = 10, private readonly burst = 100, private readonly now: () => number = Date.now) {
    this.tokens = burst;
    this.last = now();
  }

  when(_item: K): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }
  forget(_item: K): void {}
  numRequeues(_item: K): number {
    return 0;
  }
}

/** The longest wait any of the limiters asks for. */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  private readonly limiters: RateLimiter<K>[];
  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }
  when(item: K): number {
    return Math.max(...this.limiters.map((l) => l.when(item)));
  }
  forget(item: K): void {
    for (const l of this.limiters) l.forget(item);
  }
  numRequeues(item: K): number {
    return Math.max(...this.limiters.map((l) => l.numRequeues(item)));
  }
}

/** client-go's DefaultControllerRateLimiter: 5 ms → 1000 s per item, 10 qps / 100 burst overall. */
export function defaultControllerRateLimiter<K>(): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(new ItemExponentialRateLimiter<K>(5, 1_000_000), new BucketRateLimiter<K>(10, 100));
}

/** Observability hooks (wire to prom-client gauges/histograms). */
export interface QueueMetrics<K> {
  depth?(n: number): void;
  added?(item: K): void;
  /** Time the item spent queued before a worker took it. */
  queued?(item: K, ms: number): void;
  /** Time a worker held the item. */
  worked?(item: K, ms: number): void;
  retried?(item: K): void;
}

export interface WorkQueueOptions<K> {
  name?: string;
  rateLimiter?: RateLimiter<K>;
  metrics?: QueueMetrics<K>;
}

export class WorkQueue<K = string> {
  readonly name: string;
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Map<K, number>(); // item → time taken
  private readonly addedAt = new Map<K, number>();
  private readonly waiters: ((item: K | undefined) => void)[] = [];
  private readonly delayed = new Map<K, { at: number; timer: NodeJS.Timeout }>();
  private readonly rateLimiter: RateLimiter<K>;
  private readonly metrics: QueueMetrics<K>;
  private shuttingDown = false;
  private drainWaiters: (() => void)[] = [];

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.name = opts.name ?? 'queue';
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>();
    this.metrics = opts.metrics ?? {};
  }

  /** Items waiting to be handed out (not counting delayed or in-process ones). */
  len(): number {
    return this.queue.length;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  add(item: K): void {
    if (this.shuttingDown || this.dirty.has(item)) return;
    this.metrics.added?.(item);
    this.dirty.add(item);
    if (!this.addedAt.has(item)) this.addedAt.set(item, Date.now());
    if (this.processing.has(item)) return; // handed out again after done()
    const waiter = this.waiters.shift();
    if (waiter) this.handOut(item, waiter);
    else {
      this.queue.push(item);
      this.metrics.depth?.(this.queue.length);
    }
  }

  /** Adds the item after `delayMs`; an earlier pending delay for the same item wins. */
  addAfter(item: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(item);
    const at = Date.now() + delayMs;
    const pending = this.delayed.get(item);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(item);
      this.add(item);
    }, delayMs);
    this.delayed.set(item, { at, timer });
  }

  /** Re-adds a failed item after its backoff. */
  addRateLimited(item: K): void {
    this.metrics.retried?.(item);
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /** The item succeeded: reset its backoff. */
  forget(item: K): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: K): number {
    return this.rateLimiter.numRequeues(item);
  }

  /** Next item, waiting if none; undefined once the queue is shut down and empty. Call done(item) after. */
  get(): Promise<K | undefined> {
    const item = this.queue.shift();
    if (item !== undefined) {
      this.metrics.depth?.(this.queue.length);
      return new Promise((resolve) => this.handOut(item, resolve));
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(item: K): void {
    const started = this.processing.get(item);
    if (started === undefined) return;
    this.processing.delete(item);
    this.metrics.worked?.(item, Date.now() - started);
    if (this.dirty.has(item)) {
      const waiter = this.waiters.shift();
      if (waiter) this.handOut(item, waiter);
      else {
        this.queue.push(item);
        this.metrics.depth?.(this.queue.length);
      }
    }
    if (this.processing.size === 0) for (const w of this.drainWaiters.splice(0)) w();
  }

  /** Stops accepting items; workers get what is queued, then undefined. Pending delays are dropped. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** Like shutDown, then resolves once every queued and in-process item is done. */
  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    // Items re-queued while draining are still handed out; wait until those finish too.
    if (this.queue.length > 0 || this.processing.size > 0) await this.shutDownWithDrain();
  }

  private handOut(item: K, to: (item: K) => void): void {
    this.dirty.delete(item);
    this.processing.set(item, Date.now());
    const since = this.addedAt.get(item);
    this.addedAt.delete(item);
    if (since !== undefined) this.metrics.queued?.(item, Date.now() - since);
    to(item);
  }
}
