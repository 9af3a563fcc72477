// Conveniences on top of the Store contract: the key scheme (key-layout.ts) and the read-modify-write loop handlers
// rely on.
import type { KubeObject } from '../apimachinery/types.js';
import { StorageError, type Store, type StoredObject } from './interface.js';

export { keyFor, prefixFor } from './key-layout.js';

export interface GuaranteedUpdateOptions {
  /** Attempts before giving up with the last Conflict (default 16). */
  maxAttempts?: number;
  /** A recent copy of the object (e.g. from a cache) to try first instead of reading it. */
  current?: StoredObject;
}

/**
 * Read-modify-write with optimistic concurrency, as upstream's GuaranteedUpdate: `tryUpdate` gets the current
 * object and returns the desired one (or throws to abort); on a conflicting concurrent write it is called again
 * with the newer object. When `tryUpdate` changes nothing, nothing is written and the current object is returned,
 * so no-op updates do not bump the resourceVersion. Fails with KeyNotFound if the key is (or becomes) absent.
 */
export async function guaranteedUpdate(
  store: Store,
  key: string,
  tryUpdate: (cur: StoredObject) => KubeObject | Promise<KubeObject>,
  opts: GuaranteedUpdateOptions = {},
): Promise<StoredObject> {
  const maxAttempts = opts.maxAttempts ?? 16;
  let cur = opts.current ?? (await mustGet(store, key));
  // A caller-supplied copy may be stale: a no-op against it proves nothing, so re-read before trusting it.
  let fresh = opts.current === undefined;
  for (let attempt = 1; ; attempt++) {
    // Captured before tryUpdate, which may edit cur.value in place.
    const before = JSON.stringify(cur.value);
    const next = await tryUpdate(cur);
    const unchanged = JSON.stringify({ ...next, metadata: { ...next.metadata, resourceVersion: cur.value.metadata.resourceVersion } }) === before;
    if (unchanged) {
      if (fresh) return cur;
      cur = await mustGet(store, key);
      fresh = true;
      continue;
    }
    try {
      return await store.update(key, next, cur.modRevision);
    } catch (err) {
      if (!(err instanceof StorageError) || err.code !== 'Conflict' || attempt >= maxAttempts) throw err;
      cur = err.current ?? (await mustGet(store, key));
      fresh = true;
    }
  }
}

async function mustGet(store: Store, key: string): Promise<StoredObject> {
  const found = await store.get(key);
  if (!found) throw new StorageError('KeyNotFound', key, `key not found: ${key}`);
  return found;
}
