// The Store contract on etcd v3, after k8s.io/apiserver/pkg/storage/etcd3/store.go: every object one key under the
// prefix (--etcd-prefix, default /registry), its value the object's JSON without resourceVersion, which is etcd's
// mod revision of the key and filled in on every read. Create is a transaction on "the key does not exist yet",
// update and delete transactions on the mod revision the caller read (GuaranteedUpdate's compare-and-swap), lists
// are range reads (at a revision when asked: etcd's own MVCC snapshot, Expired once compacted), and watches are
// etcd watches resumed after the last revision delivered (watch-stream.ts).
import type { Etcd3, IKeyValue, IRangeResponse, IRequestOp, IResponseHeader, ITxnResponse } from 'etcd3';
import type { KubeObject } from '../../apimachinery/types.js';
import {
  StorageError, type ListOptions, type ListResult, type ReadOptions, type Store, type StoreEvent, type StoredObject, type Watcher, type WatchOptions,
} from '../interface.js';
import { KEY_ROOT } from '../key-layout.js';
import { identityTransformer, type ValueTransformer } from '../value-transformer.js';
import { EtcdWatchStream } from './watch-stream.js';

/** The key upstream's compactor coordinates through (its version is the compaction "time"); under the prefix here. */
export const COMPACT_REV_KEY = 'compact_rev_key';

export interface EtcdStoreOptions {
  client: Etcd3;
  /** Where Berth's keys live in etcd (kube-apiserver's --etcd-prefix); default /registry. */
  prefix?: string;
  transformer?: ValueTransformer;
  /** Called when a watch callback throws (default: logged). */
  onWatchCallbackError?: (err: unknown, ev: StoreEvent) => void;
}

const COMPACTED = 'required revision has been compacted';
const FUTURE = 'required revision is a future revision';

export async function openEtcdStore(opts: EtcdStoreOptions): Promise<EtcdStore> {
  const store = new EtcdStore(opts);
  await store.start();
  return store;
}

export class EtcdStore implements Store {
  readonly client: Etcd3;
  /** The etcd prefix without a trailing slash, e.g. `/registry`. */
  readonly prefix: string;
  private readonly transformer: ValueTransformer;
  private readonly watches: EtcdWatchStream;
  private readonly onCallbackError: (err: unknown, ev: StoreEvent) => void;
  private revision = 1;
  private compacted = 0;
  private compactKeyExists = false;
  private closed = false;

  constructor(opts: EtcdStoreOptions) {
    this.client = opts.client;
    this.prefix = normalizePrefix(opts.prefix ?? KEY_ROOT);
    this.transformer = opts.transformer ?? identityTransformer;
    this.onCallbackError = opts.onWatchCallbackError ?? ((err, ev) => console.error(`berth: etcd watch callback failed on ${ev.type} ${ev.key}:`, err));
    this.watches = new EtcdWatchStream(this.client, (rev) => this.observe(rev));
  }

  /** Learns the current revision and the last compaction recorded by a compactor (ours or another server's). */
  async start(): Promise<void> {
    const res = await this.call(() => this.client.kv.range({ key: this.etcdKey(this.compactKey()) }));
    const kv = res.kvs[0];
    if (kv) this.noteCompactKey(Number(kv.value.toString()) || 0);
  }

  /** The compactor's key exists (and names the last compacted revision, 0 before the first compaction). */
  noteCompactKey(compactedRevision: number): void {
    this.compactKeyExists = true;
    this.compacted = Math.max(this.compacted, compactedRevision);
  }

  /** The etcd key of the compactor's coordination key. */
  compactKey(): string {
    return `${KEY_ROOT}/${COMPACT_REV_KEY}`;
  }

  // ---- reads ----------------------------------------------------------------------------------------------------

  async get(key: string, _opts?: ReadOptions): Promise<StoredObject | undefined> {
    this.assertOpen();
    const res = await this.call(() => this.client.kv.range({ key: this.etcdKey(key) }));
    const kv = res.kvs[0];
    return kv && this.decode(key, kv);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    const limit = opts.limit && opts.limit > 0 ? Math.floor(opts.limit) : 0;
    const start = this.etcdKey(prefix);
    const end = prefixEnd(start);
    const after = opts.continueAfter !== undefined && opts.continueAfter >= prefix ? this.etcdKey(opts.continueAfter) : undefined;
    const from = after === undefined ? start : Buffer.concat([after, Buffer.from([0])]);
    if (after !== undefined && from.compare(end) >= 0) return { items: [], revision: opts.revision ?? this.revision };
    if (opts.revision !== undefined && opts.revision < this.compacted) throw this.expired(prefix, opts.revision);
    const range = (revision: number | undefined) => this.call(() => this.client.kv.range({ key: from, range_end: end, limit: limit || undefined, revision }));
    // Always ask etcd at the revision: this client's view of the newest revision may lag other servers' writes. A
    // revision etcd has not reached reads its current state.
    let atRevision = opts.revision;
    let res: IRangeResponse;
    try {
      res = await range(atRevision);
    } catch (e) {
      if (atRevision === undefined || !(e instanceof StorageError)) throw e;
      if (e.code === 'Expired') {
        this.compacted = Math.max(this.compacted, atRevision + 1);
        throw this.expired(prefix, atRevision);
      }
      if (!e.message.includes(FUTURE)) throw e;
      atRevision = undefined;
      res = await range(undefined);
    }
    const hidden = this.compactKeyBuffer();
    const items: StoredObject[] = [];
    let count = Number(res.count);
    for (const kv of res.kvs) {
      if (kv.key.equals(hidden)) {
        count--;
        continue;
      }
      items.push(this.decode(this.logicalKey(kv.key), kv));
    }
    const result: ListResult = { items, revision: atRevision ?? Number(res.header.revision) };
    if (res.more && res.kvs.length > 0) {
      const last = res.kvs[res.kvs.length - 1]!;
      result.continueAfter = this.logicalKey(last.key);
      // etcd counts the whole range from `from`; the compact key may sit in the part still to come.
      const hiddenAhead = this.compactKeyExists && hidden.compare(last.key) > 0 && hidden.compare(end) < 0;
      result.remaining = count - items.length - (hiddenAhead ? 1 : 0);
    }
    return result;
  }

  // ---- writes ---------------------------------------------------------------------------------------------------

  async create(key: string, value: KubeObject): Promise<StoredObject> {
    this.assertOpen();
    const k = this.etcdKey(key);
    const res = await this.call(() => this.client.kv.txn({
      compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key: k, value: this.encode(key, value) } }],
      failure: [],
    }));
    if (!res.succeeded) throw new StorageError('KeyExists', key, `key exists: ${key}`);
    const rev = Number(res.header.revision);
    return { key, value: withResourceVersion(value, rev), createRevision: rev, modRevision: rev };
  }

  async update(key: string, value: KubeObject, expectedModRevision?: number): Promise<StoredObject> {
    this.assertOpen();
    const k = this.etcdKey(key);
    const res = await this.guarded(key, expectedModRevision, { request_put: { key: k, value: this.encode(key, value), prev_kv: true } });
    const rev = Number(res.header.revision);
    const prev = res.responses[0]!.response_put.prev_kv;
    return { key, value: withResourceVersion(value, rev), createRevision: Number(prev.create_revision), modRevision: rev };
  }

  async delete(key: string, expectedModRevision?: number): Promise<StoredObject> {
    this.assertOpen();
    const k = this.etcdKey(key);
    const res = await this.guarded(key, expectedModRevision, { request_delete_range: { key: k, prev_kv: true } });
    const rev = Number(res.header.revision);
    const prev = res.responses[0]!.response_delete_range.prev_kvs[0]!;
    // As upstream, the deleted object carries the deletion revision.
    const last = this.decode(key, prev);
    return { key, value: withResourceVersion(last.value, rev), createRevision: last.createRevision, modRevision: rev };
  }

  // ---- watch ----------------------------------------------------------------------------------------------------

  watch(prefix: string, fromRevision: number, onEvent: (ev: StoreEvent) => void, opts: WatchOptions = {}): Watcher {
    this.assertOpen();
    if (fromRevision < this.compacted) throw new StorageError('Expired', prefix, `too old resource version: ${fromRevision} (${this.compacted})`);
    const hidden = this.compactKeyBuffer();
    let stopped = false;
    const deliver = (ev: StoreEvent) => {
      try {
        onEvent(ev);
      } catch (err) {
        this.onCallbackError(err, ev);
      }
    };
    const fail = (err: StorageError) => {
      if (stopped) return;
      stopped = true;
      remove();
      if (opts.onError) opts.onError(err);
      else console.error(`berth: etcd watch on ${prefix} ended:`, err.message);
    };
    const start = this.etcdKey(prefix);
    const remove = this.watches.add({
      key: start,
      rangeEnd: prefixEnd(start),
      lastRevision: fromRevision,
      onEvents: (events) => {
        for (const e of events) {
          if (stopped) return;
          const rev = Number(e.kv.mod_revision);
          if (e.kv.key.equals(hidden)) {
            opts.onProgress?.(rev);
            continue;
          }
          let ev: StoreEvent;
          try {
            ev = this.event(e.type, e.kv, e.prev_kv);
          } catch (err) {
            fail(err instanceof StorageError ? err : new StorageError('Internal', this.logicalKey(e.kv.key), String(err)));
            return;
          }
          deliver(ev);
        }
      },
      onProgress: (rev) => {
        if (!stopped) opts.onProgress?.(rev);
      },
      onCancel: (compactRevision, reason) => {
        if (compactRevision > 0) {
          this.compacted = Math.max(this.compacted, compactRevision);
          fail(new StorageError('Expired', prefix, `too old resource version: ${fromRevision} (${compactRevision})`));
        } else {
          fail(new StorageError('Internal', prefix, `etcd cancelled the watch: ${reason || 'no reason given'}`));
        }
      },
    });
    return {
      stop: () => {
        if (stopped) return;
        stopped = true;
        remove();
      },
    };
  }

  /** Number of live etcd watches (tests). */
  watcherCount(): number {
    return this.watches.size;
  }

  currentRevision(): number {
    return this.revision;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  /** Compacts etcd's history at `revision` (clamped to the current revision); no-op at or below the last one. */
  async compact(revision: number): Promise<void> {
    this.assertOpen();
    const target = Math.min(Math.floor(revision), this.revision);
    if (target <= this.compacted) return;
    try {
      await this.call(() => this.client.kv.compact({ revision: target }));
    } catch (e) {
      if (!(e instanceof StorageError && e.code === 'Expired')) throw e; // someone compacted further already
    }
    this.compacted = Math.max(this.compacted, target);
  }

  /** Notes a compaction done elsewhere (another server's compactor) that this store learnt of. */
  noteCompacted(revision: number): void {
    this.compacted = Math.max(this.compacted, revision);
  }

  /** A cheap consistent read: etcd's current revision (a quorum read of the compact key). */
  async fetchCurrentRevision(): Promise<number> {
    const res = await this.call(() => this.client.kv.range({ key: this.compactKeyBuffer(), count_only: true }));
    return Number(res.header.revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watches.close();
  }

  // ---- helpers --------------------------------------------------------------------------------------------------

  /** Runs an etcd call, learns the revision from its header, and turns its failures into StorageErrors. */
  async call<T extends { header: IResponseHeader }>(fn: () => Promise<T>): Promise<T> {
    let res: T;
    try {
      res = await fn();
    } catch (e) {
      throw storageErrorOf(e);
    }
    this.observe(Number(res.header.revision));
    return res;
  }

  private observe(revision: number): void {
    if (revision > this.revision) this.revision = revision;
  }

  etcdKey(key: string): Buffer {
    if (key.startsWith(KEY_ROOT)) return Buffer.from(this.prefix + key.slice(KEY_ROOT.length));
    // '' (everything) and other prefixes of the root: everything under this store's prefix.
    if (KEY_ROOT.startsWith(key)) return Buffer.from(`${this.prefix}/`);
    throw new StorageError('Internal', key, `key outside ${KEY_ROOT}: ${key}`);
  }

  logicalKey(etcdKey: Buffer): string {
    return KEY_ROOT + etcdKey.toString('utf8', Buffer.byteLength(this.prefix));
  }

  private compactKeyBuffer(): Buffer {
    return this.etcdKey(this.compactKey());
  }

  private encode(key: string, value: KubeObject): Buffer {
    // As upstream's versioner, the resourceVersion is not stored: it is the key's mod revision.
    const { resourceVersion: _rv, ...metadata } = value.metadata ?? {};
    return this.transformer.toStorage(key, Buffer.from(JSON.stringify({ ...value, metadata })));
  }

  private decodeValue(key: string, kv: IKeyValue, revision: number): KubeObject {
    let obj: KubeObject;
    try {
      obj = JSON.parse(this.transformer.fromStorage(key, kv.value).toString('utf8')) as KubeObject;
    } catch (e) {
      throw new StorageError('Internal', key, `cannot decode the value of ${key} at revision ${kv.mod_revision}: ${(e as Error).message}`);
    }
    obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(revision) };
    return obj;
  }

  private decode(key: string, kv: IKeyValue): StoredObject {
    const mod = Number(kv.mod_revision);
    return { key, value: this.decodeValue(key, kv, mod), createRevision: Number(kv.create_revision), modRevision: mod };
  }

  private event(type: 'Put' | 'Delete', kv: IKeyValue, prev: IKeyValue | undefined): StoreEvent {
    const key = this.logicalKey(kv.key);
    const revision = Number(kv.mod_revision);
    const prevObject = prev?.value?.length ? this.decodeValue(key, prev, Number(prev.mod_revision)) : undefined;
    if (type === 'Delete') {
      // Upstream's watcher refuses a deletion without the previous value: nothing to tell the clients.
      if (!prev || !prevObject) throw new StorageError('Internal', key, `etcd sent the deletion of ${key} at ${revision} without its previous value`);
      return { type: 'DELETED', key, revision, object: this.decodeValue(key, prev, revision), prevObject };
    }
    const object = this.decodeValue(key, kv, revision);
    if (kv.create_revision === kv.mod_revision) return { type: 'ADDED', key, revision, object };
    return { type: 'MODIFIED', key, revision, object, ...(prevObject ? { prevObject } : {}) };
  }

  /**
   * GuaranteedUpdate's transaction: `op` runs if the key's mod revision is still `expected` (or, without one, if the
   * key exists); otherwise the key is read back in the same transaction to tell a conflict from a missing key.
   */
  private async guarded(key: string, expected: number | undefined, op: IRequestOp): Promise<ITxnResponse> {
    const k = this.etcdKey(key);
    const res = await this.call(() => this.client.kv.txn({
      compare: [expected === undefined
        ? { key: k, target: 'Version', result: 'Greater', version: 0 }
        : { key: k, target: 'Mod', result: 'Equal', mod_revision: expected }],
      success: [op],
      failure: [{ request_range: { key: k } }],
    }));
    if (!res.succeeded) throw this.preconditionFailed(key, res.responses[0]?.response_range?.kvs[0]);
    return res;
  }

  private preconditionFailed(key: string, current: IKeyValue | undefined): StorageError {
    if (!current) return new StorageError('KeyNotFound', key, `key not found: ${key}`);
    return new StorageError('Conflict', key, `mod revision of ${key} is ${current.mod_revision}`, this.decode(key, current));
  }

  private expired(prefix: string, revision: number): StorageError {
    return new StorageError('Expired', prefix, `required revision ${revision} has been compacted (${this.compacted})`);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('storage is closed');
  }
}

/** etcd's failures as StorageErrors: compaction as Expired, an unreachable cluster as Unavailable. */
export function storageErrorOf(e: unknown): StorageError | Error {
  if (e instanceof StorageError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (message.includes(COMPACTED)) return new StorageError('Expired', '', message);
  if (message.includes(FUTURE)) return new StorageError('Internal', '', message); // callers check the message
  const name = e instanceof Error ? e.constructor.name : '';
  if (/Unavailable|DeadlineExceeded|BrokenCircuit|Cancelled|ClientClosed/i.test(name) || /no leader|leader changed|timed out|deadline|unavailable|connect/i.test(message)) {
    return new StorageError('Unavailable', '', message);
  }
  return e instanceof Error ? e : new Error(message);
}

function normalizePrefix(prefix: string): string {
  const p = prefix.replace(/\/+$/, '');
  if (!p.startsWith('/')) throw new Error(`--etcd-prefix must start with '/': ${JSON.stringify(prefix)}`);
  return p;
}

/** etcd's range end for all keys starting with `start` (clientv3.GetPrefixRangeEnd): the last byte below 0xff plus one. */
function prefixEnd(start: Buffer): Buffer {
  for (let i = start.length - 1; i >= 0; i--) {
    if (start[i]! < 0xff) {
      const end = Buffer.from(start.subarray(0, i + 1));
      end[i]!++;
      return end;
    }
  }
  return Buffer.from([0]);
}

function withResourceVersion(value: KubeObject, rev: number): KubeObject {
  return { ...value, metadata: { ...value.metadata, resourceVersion: String(rev) } };
}
