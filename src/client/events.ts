// Event recorder in the manner of client-go's: core/v1 Events named `<object>.<hex unix-nano timestamp>`, repeats
// of the same (object, type, reason, message, source) folded into one Event whose count and lastTimestamp are
// bumped by PATCH, and a bounded background queue so recording never blocks or fails the caller.
import { ApiError } from '../apimachinery/errors.js';
import type { KubeObject } from '../apimachinery/types.js';
import type { KubeClient } from './client.js';
import { builtin } from './resources.js';

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

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export class EventRecorder {
  private readonly queue: (() => Promise<void>)[] = [];
  private readonly seen = new Map<string, Seen>();
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
    if (this.queue.length >= this.maxQueue) return;
    const at = this.now();
    this.queue.push(() => this.write(involved, type, reason, message, at));
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

  private async write(involved: ObjectReference, type: EventType, reason: string, message: string, at: Date): Promise<void> {
    const namespace = involved.namespace || 'default';
    const stamp = rfc3339(at);
    const key = JSON.stringify([this.opts.component, this.opts.host ?? '', involved.kind, involved.namespace, involved.name, involved.uid, involved.apiVersion, type, reason, message]);
    const prior = this.seen.get(key);
    if (prior) {
      try {
        await this.client.patch(builtin.events, prior.name, { count: prior.count + 1, lastTimestamp: stamp, message }, 'strategic', { namespace: prior.namespace });
        prior.count++;
        this.remember(key, prior);
        return;
      } catch (e) {
        // The earlier Event expired (events have a TTL) — start a new one.
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
    const name = `${involved.name}.${hexUnixNano(at)}`;
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: involved,
      reason,
      message,
      source: { component: this.opts.component, ...(this.opts.host ? { host: this.opts.host } : {}) },
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      count: 1,
      type,
      reportingComponent: this.opts.component,
      reportingInstance: this.opts.host ?? '',
    };
    await this.client.create(builtin.events, event);
    this.remember(key, { name, namespace, count: 1, firstTimestamp: stamp });
  }

  // Insertion-ordered Map as an LRU: refreshed keys move to the end, the oldest fall off.
  private remember(key: string, s: Seen): void {
    this.seen.delete(key);
    this.seen.set(key, s);
    if (this.seen.size > this.cacheSize) this.seen.delete(this.seen.keys().next().value!);
  }
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Go's UnixNano in hex; the millisecond clock padded with a counter keeps names distinct within one millisecond.
let lastNano = 0n;
function hexUnixNano(d: Date): string {
  let n = BigInt(d.getTime()) * 1_000_000n;
  if (n <= lastNano) n = lastNano + 1n;
  lastNano = n;
  return n.toString(16);
}
