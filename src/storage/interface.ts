// The storage contract the REST layer is written against. It mirrors what upstream asks of etcd3
// (k8s.io/apiserver/pkg/storage.Interface): one global, monotonically increasing revision stamped on every write
// and used as metadata.resourceVersion, compare-and-swap on that revision, prefix listing, and watches that replay
// retained history. SQLite implements it now; an etcd implementation can be added without touching handlers.
import type { KubeObject } from '../apimachinery/types.js';

export interface StoredObject {
  key: string;
  /** The object, with metadata.resourceVersion set to String(modRevision). */
  value: KubeObject;
  /** Revision of the write that created this key (etcd's create_revision). */
  createRevision: number;
  /** Revision of the last write of this key (etcd's mod_revision). */
  modRevision: number;
  /** The stored JSON text of `value` (JSON.stringify(value) gives it back), when the store read it as text. */
  text?: string;
}

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: StoreEventType;
  key: string;
  /** Revision of this write; for DELETED, the revision of the deletion. */
  revision: number;
  /** New value; for DELETED, the last value with resourceVersion set to the deletion revision (as upstream). */
  object: KubeObject;
  /** Previous value, for MODIFIED and DELETED. */
  prevObject?: KubeObject;
}

export interface ListResult {
  items: StoredObject[];
  /** Store revision the list was read at. */
  revision: number;
  /** Key to continue after when the limit cut the list; absent when the list is complete. */
  continueAfter?: string;
  /** How many more keys under the prefix follow (when limit cut the list). */
  remaining?: number;
}

export interface JoinedValues {
  /** The values joined with commas, in pieces to be written in order (a large list is read a page at a time). */
  chunks: Buffer[];
  count: number;
  /** Store revision the values were read at. */
  revision: number;
  /** As in ListResult: set when the limit cut the list. */
  continueAfter?: string;
  remaining?: number;
}

export interface Watcher {
  stop(): void;
}

export interface ReadOptions {
  /**
   * The answer may come from a cache as of currentRevision() instead of a consistent read (resourceVersion "0" and
   * NotOlderThan semantics, once the caller has waited for the revision it needs). Stores without a cache ignore it.
   */
  cached?: boolean;
}

export interface ListOptions extends ReadOptions {
  limit?: number;
  continueAfter?: string;
  revision?: number;
}

export interface WatchOptions {
  /**
   * The store ended the watch (no further events): Expired when it can no longer deliver every event (the history it
   * needed was compacted), Internal on other failures. Without it such failures are logged and the watch just ends.
   */
  onError?: (err: StorageError) => void;
  /** Every event under the prefix up to `revision` has been delivered (etcd's progress notifications). */
  onProgress?: (revision: number) => void;
}

export class StorageError extends Error {
  constructor(
    /** Unavailable: the store could not be reached in time (etcd down or without a leader); the outcome of a write is unknown. */
    readonly code: 'KeyNotFound' | 'KeyExists' | 'Conflict' | 'Expired' | 'Unavailable' | 'Internal',
    readonly key: string,
    message: string,
    /** Current object for Conflict, when known. */
    readonly current?: StoredObject,
  ) {
    super(message);
  }
}

export interface Store {
  get(key: string, opts?: ReadOptions): Promise<StoredObject | undefined>;
  /**
   * Keys under prefix in key order, starting after `continueAfter`; at most `limit` when limit > 0. With `revision`,
   * the keys as they were at that revision (a consistent snapshot, as etcd's range read at a revision); Expired when
   * it is older than compactedRevision(). A revision at or past the current one reads the current state.
   */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /**
   * The current values under prefix (after `continueAfter`, at most `limit`) as one buffer: their stored JSON texts
   * in key order joined with commas (in pieces), i.e. a JSON list's items ready to splice into a response. Optional: stores that
   * keep values as JSON text offer it.
   */
  joinedValues?(prefix: string, opts?: { limit?: number; continueAfter?: string }): Promise<JoinedValues>;
  /** Fails with KeyExists if the key is present. */
  create(key: string, value: KubeObject): Promise<StoredObject>;
  /**
   * Replaces the value. With `expectedModRevision`, fails with Conflict unless the key's mod revision equals it.
   * Fails with KeyNotFound if the key is absent.
   */
  update(key: string, value: KubeObject, expectedModRevision?: number): Promise<StoredObject>;
  /** Removes the key; same precondition rules as update. Returns the deleted object (rv = deletion revision). */
  delete(key: string, expectedModRevision?: number): Promise<StoredObject>;
  /**
   * Delivers, in revision order and each exactly once, every event under `prefix` with revision > fromRevision, then
   * live events. Throws StorageError('Expired') when fromRevision is known to be older than the retained history
   * (a store that learns it later reports it through opts.onError). Live events follow the write's commit: SQLite
   * and the watch cache call `onEvent` synchronously with the write (SQLite before the write's promise resolves),
   * etcd when its watch stream brings them. `onEvent` must not throw.
   */
  watch(prefix: string, fromRevision: number, onEvent: (ev: StoreEvent) => void, opts?: WatchOptions): Watcher;
  /**
   * The newest revision this store knows to be committed: the last write for SQLite, the newest revision etcd
   * reported to this client, the revision the watch cache has caught up to.
   */
  currentRevision(): number;
  /** Oldest revision a watch may start from (events after it are retained). */
  compactedRevision(): number;
  /** Drops history at or below `revision`; later watches from an older revision get Expired. */
  compact(revision: number): void | Promise<void>;
  close(): Promise<void>;
}
