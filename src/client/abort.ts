// Abort listeners for signals that many requests share. EventTarget checks every listener already registered before
// it adds one, so a few hundred requests in flight on one signal turn each add into a long scan; here each shared
// signal gets one real listener that calls a set of callbacks, added and removed in constant time.

const callbacksOf = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

/** Calls `fn` with the signal's reason when it aborts (at once if it already has); returns the unsubscribe. */
export function onAbort(signal: AbortSignal, fn: (reason: unknown) => void): () => void {
  if (signal.aborted) {
    fn(signal.reason);
    return () => {};
  }
  let callbacks = callbacksOf.get(signal);
  if (!callbacks) {
    const created = new Set<(reason: unknown) => void>();
    callbacksOf.set(signal, (callbacks = created));
    signal.addEventListener('abort', () => {
      for (const cb of [...created]) cb(signal.reason);
      created.clear();
    }, { once: true });
  }
  const registered = callbacks;
  registered.add(fn);
  return () => void registered.delete(fn);
}
