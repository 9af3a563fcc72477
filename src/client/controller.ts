// The loop every controller runs: workers take keys from a work queue and reconcile them. Success forgets the
// key's backoff; failure re-queues it rate limited; `requeueAfter` asks to look again later.
import type { KubeObject, OwnerReference } from '../apimachinery/types.js';
import { parseApiVersion } from '../apimachinery/types.js';
import type { EventHandlers } from './informer.js';
import { objectKey } from './store.js';
import type { WorkQueue } from './workqueue.js';

/** `requeueAfter` looks again after that many ms; `requeue` re-adds with the rate-limited backoff (no error). */
export type ReconcileResult = { requeueAfter?: number; requeue?: boolean } | void;

export interface RunWorkersOptions<K> {
  /** Failed reconciles land here (default console.warn); the key is re-queued either way. */
  onError?: (key: K, err: unknown) => void;
}

/** Runs `concurrency` workers until the queue shuts down; resolves when all have exited. */
/**
 * client-go's cache.WaitForCacheSync: true once every informer has synced, false if `signal` aborted first.
 * Controllers call it before starting their workers.
 */
export async function waitForCacheSync(signal: AbortSignal, ...informers: { waitForSync(signal?: AbortSignal): Promise<boolean> }[]): Promise<boolean> {
  const synced = await Promise.all(informers.map((i) => i.waitForSync(signal)));
  return synced.every(Boolean);
}

export async function runWorkers<K>(queue: WorkQueue<K>, concurrency: number, reconcile: (key: K) => Promise<ReconcileResult>, opts: RunWorkersOptions<K> = {}): Promise<void> {
  const onError = opts.onError ?? ((key: K, err: unknown) => console.warn(`${queue.name}: reconcile ${String(key)} failed: ${err instanceof Error ? err.message : String(err)}`));
  const worker = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        const result = await reconcile(key);
        if (result?.requeue && result.requeueAfter === undefined) {
          queue.addRateLimited(key);
        } else {
          queue.forget(key);
          if (result && result.requeueAfter !== undefined && result.requeueAfter >= 0) queue.addAfter(key, result.requeueAfter);
        }
      } catch (e) {
        try {
          onError(key, e);
        } catch {
          // a failing error hook must not stop the worker
        }
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

/** The ownerReference with controller: true, if any. */
export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/**
 * Key (`namespace/name`) of the object's controller when it is of `kind` (and API group, when given). Owners are
 * in the object's namespace: cross-namespace owner references are not allowed.
 */
export function ownerKey(obj: KubeObject, kind: string, group?: string): string | undefined {
  const ref = controllerRef(obj);
  if (!ref || ref.kind !== kind) return undefined;
  if (group !== undefined && parseApiVersion(ref.apiVersion).group !== group) return undefined;
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${ref.name}` : ref.name;
}

/** Handlers that queue an object's own key on every change. */
export function enqueueObject<T extends KubeObject>(queue: WorkQueue<string>): EventHandlers<T> {
  const add = (o: T) => queue.add(objectKey(o));
  return { onAdd: add, onUpdate: (_old, o) => add(o), onDelete: add };
}

/** Handlers that queue the key of the object's controller of `kind`: e.g. pods → their StatefulSet. */
export function enqueueOwner<T extends KubeObject>(queue: WorkQueue<string>, kind: string, group?: string): EventHandlers<T> {
  const add = (o: T) => {
    const key = ownerKey(o, kind, group);
    if (key) queue.add(key);
  };
  return {
    onAdd: add,
    // When the controller changed (adoption/orphaning), both old and new owners need a look.
    onUpdate: (oldObj, newObj) => {
      add(newObj);
      if (controllerRef(oldObj)?.uid !== controllerRef(newObj)?.uid) add(oldObj);
    },
    onDelete: add,
  };
}
