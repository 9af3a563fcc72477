// Reading "at least as new as revision N" (resourceVersionMatch NotOlderThan, legacy resourceVersion=N): the state
// served is the current one, once the store has reached N. Upstream's watch cache waits for a revision it has not
// seen yet for up to 3 s (watch_cache.go blockTimeout) and then answers 504 `Too large resource version`, telling
// the client to retry after 1 s (cacher resourceVersionTooHighRetrySeconds).
import { errTooLargeResourceVersion } from '../apimachinery/errors.js';
import { parseResourceVersion } from '../registry/generic-store.js';
import type { Store } from '../storage/interface.js';

export const FRESHNESS_WAIT_MS = 3000;
export const TOO_LARGE_RETRY_SECONDS = 1;

/** Resolves once the store's revision is at least `resourceVersion` ('' and '0' at once); 504 after the wait. */
export async function awaitRevision(store: Store, resourceVersion: string, waitMs = FRESHNESS_WAIT_MS): Promise<void> {
  if (resourceVersion === '' || resourceVersion === '0') return;
  const minimum = parseResourceVersion(resourceVersion);
  if (store.currentRevision() >= minimum) return;
  await new Promise<void>((resolve, reject) => {
    let watcher: { stop(): void } | undefined;
    let timer: NodeJS.Timeout | undefined;
    const done = (then: () => void) => {
      clearTimeout(timer);
      watcher?.stop(); // safe from inside the callback: the hub skips stopped registrations
      then();
    };
    timer = setTimeout(() => done(() => reject(errTooLargeResourceVersion(minimum, store.currentRevision(), TOO_LARGE_RETRY_SECONDS))), waitMs);
    // Every write passes through a watch of the whole key space; the first one at or past `minimum` ends the wait
    // (or a progress notification past it: with etcd, the revision may belong to a write outside Berth's keys).
    watcher = store.watch('', store.currentRevision(), (ev) => {
      if (ev.revision >= minimum) done(resolve);
    }, { onProgress: (rev) => { if (rev >= minimum) done(resolve); } });
  });
}
