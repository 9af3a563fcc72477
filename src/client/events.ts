// Event recorder in the manner of client-go's (tools/record: EventCorrelator): core/v1 Events named
// `<object>.<hex unix-nano timestamp>`; repeats of the same (source, object, type, reason, message) folded into one
// Event whose count and lastTimestamp are bumped by PATCH; from the tenth distinct message for the same
// (source, object, type, reason) within ten minutes, one "(combined from similar events)" Event instead; and a spam
// filter allowing a source a burst of 25 events per object and type, refilled at one every five minutes, beyond which
// events are dropped. A bounded background queue means recording never blocks or fails the caller.
import { isNotFound } from '../apimachinery/errors.js';
import type { KubeObject } from '../apimachinery/types.js';
import type { KubeClient } from './client.js';
import { builtin } from './resources.js';
import { rfc3339 } from '../apimachinery/time.js';
import type { ObjectReference } from '../api/generated/core-v1.js';
export type { ObjectReference } from '../api/generated/core-v1.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  /** source.component and reportingComponent, e.g. 'statefulset-controller'. */
  component: string;
  /** source.host and reportingInstance. */
  host?: string;
  /** Events waiting to be written; beyond this new ones are dropped (as client-go's 1000-deep broadcaster). */
  maxQueue?: number;
  /** Distinct events remembered for aggregation. */
  cacheSize?: number;
  now?: () => Date;
  onError?: (err: unknown) => void;
}

/** client-go's correlator defaults (events_cache.go). */
export const EVENT_AGGREGATE_MAX_MESSAGES = 10;
export const EVENT_AGGREGATE_INTERVAL_MS = 600_000;
export const EVENT_SPAM_BURST = 25;
export const EVENT_SPAM_REFILL_MS = 300_000;
const COMBINED_PREFIX = '(combined from similar events): ';

interface Aggregate {
  messages: Set<string>;
  lastMs: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

export class EventRecorder {
  private readonly queue: (() => Promise<void>)[] = [];
  private readonly seen = new Map<string, Seen>();
  private readonly aggregates = new Map<string, Aggregate>();
  private readonly spam = new Map<string, Bucket>();
  private draining?: Promise<void>;
  private readonly maxQueue: number;
  private readonly cacheSize: number;
  private readonly now: () => Date;

  constructor(private readonly client: KubeClient, private readonly opts: EventRecorderOptions) {
    this.maxQueue = opts.maxQueue ?? 1000;
    this.cacheSize = opts.cacheSize ?? 4096;
    this.now = opts.now ?? (() => new Date());
  }

  /** Records an event about `obj`; returns at once. `ref` fills in kind/apiVersion when the object lacks them. */
  event(obj: KubeObject, type: EventType, reason: string, message: string, ref: Partial<ObjectReference> = {}): void {
    const involved: ObjectReference = {
      kind: obj.kind ?? ref.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: obj.apiVersion ?? ref.apiVersion,
      resourceVersion: obj.metadata.resourceVersion,
      ...(ref.fieldPath ? { fieldPath: ref.fieldPath } : {}),
    };
    // A full queue drops the event before the correlator sees it, as client-go's broadcaster does.
    if (this.queue.length >= this.maxQueue) return;
    const write = this.correlate(involved, type, reason, message, this.now());
    if (!write) return;
    this.queue.push(write);
    this.draining ??= this.drain();
  }

  /** Resolves when every queued event has been written (or has failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
        try {
          await job();
        } catch (e) {
          this.opts.onError?.(e);
        }
      }
    } finally {
      this.draining = undefined;
    }
  }

  /**
   * client-go's EventCorrelate: aggregate, then observe (dedupe count), then the spam filter. The caches are updated
   * even for an event the filter drops, so a later write carries the full count. Returns the write, or undefined.
   */
  private correlate(involved: ObjectReference, type: EventType, reason: string, eventMessage: string, at: Date): (() => Promise<void>) | undefined {
    const atMs = at.getTime();
    const { component } = this.opts;
    const host = this.opts.host ?? '';
    const object = [component, host, involved.kind, involved.namespace, involved.name, involved.uid, involved.apiVersion];
    // Aggregation: from the tenth distinct message about this (object, type, reason), they share one Event.
    const aggregateKey = JSON.stringify([...object, type, reason, component, host]);
    let aggregate = this.aggregates.get(aggregateKey);
    if (!aggregate || atMs - aggregate.lastMs > EVENT_AGGREGATE_INTERVAL_MS) aggregate = { messages: new Set(), lastMs: 0 };
    aggregate.messages.add(eventMessage);
    aggregate.lastMs = atMs;
    this.remember(this.aggregates, aggregateKey, aggregate);
    let key = JSON.stringify([...object, involved.fieldPath, type, reason, eventMessage]);
    let message = eventMessage;
    if (aggregate.messages.size >= EVENT_AGGREGATE_MAX_MESSAGES) {
      aggregate.messages.delete(aggregate.messages.values().next().value!); // the set stays below the limit
      key = aggregateKey;
      message = COMBINED_PREFIX + eventMessage;
    }
    // Observation: a repeat takes the earlier Event's name and first timestamp and the next count.
    const stamp = rfc3339(at);
    const namespace = involved.namespace || 'default';
    const prior = this.seen.get(key);
    const observed: Seen = prior
      ? { ...prior, count: prior.count + 1 }
      : { name: `${involved.name}.${hexUnixNano(at)}`, namespace, count: 1, firstTimestamp: stamp };
    this.remember(this.seen, key, observed);
    // The spam filter: a token bucket per source, object and type.
    if (!this.takeToken(JSON.stringify([...object, type]), atMs)) return undefined;
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: observed.name, namespace: observed.namespace },
      involvedObject: involved,
      reason,
      message,
      source: { component, ...(this.opts.host ? { host: this.opts.host } : {}) },
      firstTimestamp: observed.firstTimestamp,
      lastTimestamp: stamp,
      count: observed.count,
      type,
      reportingComponent: component,
      reportingInstance: host,
    };
    if (observed.count === 1) return async () => void (await this.client.create(builtin.events, event));
    return async () => {
      try {
        await this.client.patch(builtin.events, observed.name, { count: observed.count, lastTimestamp: stamp, message }, 'strategic', { namespace: observed.namespace });
      } catch (e) {
        // The Event is gone (TTL) or was never written (dropped or failed): create it under the same name.
        if (!isNotFound(e)) throw e;
        await this.client.create(builtin.events, event);
      }
    };
  }

  /** One token from the bucket of `key` (burst 25, one more every five minutes); false when it is empty. */
  private takeToken(key: string, nowMs: number): boolean {
    const bucket = this.spam.get(key) ?? { tokens: EVENT_SPAM_BURST, atMs: nowMs };
    bucket.tokens = Math.min(EVENT_SPAM_BURST, bucket.tokens + Math.max(0, nowMs - bucket.atMs) / EVENT_SPAM_REFILL_MS);
    bucket.atMs = nowMs;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.remember(this.spam, key, bucket);
    return allowed;
  }

  // Insertion-ordered Maps as LRUs: refreshed keys move to the end, the oldest fall off.
  private remember<V>(cache: Map<string, V>, key: string, value: V): void {
    cache.delete(key);
    cache.set(key, value);
    if (cache.size > this.cacheSize) cache.delete(cache.keys().next().value!);
  }
}

// Go's UnixNano in hex; the millisecond clock padded with a counter keeps names distinct within one millisecond.
let lastNano = 0n;
function hexUnixNano(d: Date): string {
  let n = BigInt(d.getTime()) * 1_000_000n;
  if (n <= lastNano) n = lastNano + 1n;
  lastNano = n;
  return n.toString(16);
}
