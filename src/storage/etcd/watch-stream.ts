// Watches over one etcd gRPC watch stream, as clientv3's watcher multiplexes them (client/v3/watch.go) and the
// apiserver's etcd3 watcher consumes them (k8s.io/apiserver/pkg/storage/etcd3/watcher.go): each watch names its own
// id, starts at a revision and asks for previous values; each remembers the last revision it delivered, so when the
// stream breaks (a member died, the network hiccuped) every watch is created again from the revision after it and
// no event is lost or delivered twice. A watch whose start revision was compacted is cancelled by etcd with the
// compact revision: reported as such, never silently resumed further on.
import type { Etcd3, IEvent, IWatchResponse } from 'etcd3';

/** The etcd side of one watch: what to watch and where its events go. */
export interface EtcdWatchTarget {
  key: Buffer;
  rangeEnd: Buffer;
  /** The last revision delivered (the watch resumes after it). */
  lastRevision: number;
  /** Events of one response, in revision order, all after lastRevision. */
  onEvents(events: IEvent[]): void;
  /** Nothing happened under the range up to `revision` (progress notification). */
  onProgress(revision: number): void;
  /** etcd cancelled the watch: `compactRevision` > 0 when its start revision is compacted. */
  onCancel(compactRevision: number, reason: string): void;
}

type Duplex = Awaited<ReturnType<Etcd3['watchClient']['watch']>>;

const RECONNECT_MIN_MS = 50;
const RECONNECT_MAX_MS = 2000;

export class EtcdWatchStream {
  private stream: Duplex | undefined;
  private connecting = false;
  private closed = false;
  private backoff = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private readonly watches = new Map<number, EtcdWatchTarget>();

  /** `onHeader` hears every response's revision (the store's view of the newest revision). */
  constructor(private readonly client: Etcd3, private readonly onHeader: (revision: number) => void) {}

  get size(): number {
    return this.watches.size;
  }

  add(target: EtcdWatchTarget): () => void {
    const id = this.nextId++;
    this.watches.set(id, target);
    if (this.stream) this.create(this.stream, id, target);
    else this.connect();
    return () => this.remove(id);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.watches.clear();
    this.stream?.end();
    this.stream = undefined;
  }

  private remove(id: number): void {
    if (!this.watches.delete(id)) return;
    const stream = this.stream;
    if (stream) stream.write({ cancel_request: { watch_id: id } });
    if (this.watches.size === 0 && stream) {
      // No watch left: let the stream go (a new watch opens another).
      this.stream = undefined;
      stream.end();
    }
  }

  private create(stream: Duplex, id: number, t: EtcdWatchTarget): void {
    stream.write({
      create_request: { key: t.key, range_end: t.rangeEnd, start_revision: t.lastRevision + 1, prev_kv: true, progress_notify: true, watch_id: id },
    });
  }

  private connect(): void {
    if (this.connecting || this.stream || this.closed || this.watches.size === 0) return;
    this.connecting = true;
    this.client.watchClient.watch().then((stream) => {
      this.connecting = false;
      if (this.closed || this.watches.size === 0) {
        stream.end();
        return;
      }
      this.stream = stream;
      stream.on('data', (res: IWatchResponse) => this.handle(res));
      stream.on('error', () => this.lost(stream));
      stream.on('end', () => this.lost(stream));
      for (const [id, t] of this.watches) this.create(stream, id, t);
    }, () => {
      this.connecting = false;
      this.retry();
    });
  }

  private lost(stream: Duplex): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    try {
      stream.end();
    } catch {
      // already torn down
    }
    this.retry();
  }

  private retry(): void {
    if (this.closed || this.watches.size === 0) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, RECONNECT_MAX_MS);
  }

  private handle(res: IWatchResponse): void {
    this.backoff = RECONNECT_MIN_MS;
    const revision = Number(res.header?.revision ?? 0);
    if (revision) this.onHeader(revision);
    const id = Number(res.watch_id);
    const t = this.watches.get(id);
    if (!t) return; // cancelled by us, or etcd's broadcast progress (id -1), which this client never asks for
    if (res.canceled) {
      this.watches.delete(id);
      t.onCancel(Number(res.compact_revision ?? 0), res.cancel_reason ?? '');
      return;
    }
    if (res.created) return; // its header revision says nothing about what this watch has seen yet
    const events = res.events ?? [];
    const fresh = events.filter((e) => Number(e.kv.mod_revision) > t.lastRevision);
    if (fresh.length > 0) {
      t.lastRevision = Number(fresh[fresh.length - 1]!.kv.mod_revision);
      t.onEvents(fresh);
    } else if (events.length === 0 && !res.fragment && revision > t.lastRevision) {
      // A progress notification: sent only to watches that have caught up, so nothing at or below it is pending.
      t.lastRevision = revision;
      t.onProgress(revision);
    }
  }
}
