// Event plumbing both endpoint controllers share: a Service change queues the Service; a Pod change queues every
// Service in its namespace whose selector matches the pod before or after the change; and "expectations" that
// hold a Service back until the informer cache has seen the controller's own last writes (so a stale cache never
// makes it create the same slice twice).
import { selectorFromSet } from '../../apimachinery/labels.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { SharedInformer } from '../../client/informer.js';
import { objectKey } from '../../client/store.js';
import type { WorkQueue } from '../../client/workqueue.js';
import type { Pod, Service } from './types.js';

export function selectsPod(svc: Service, pod: Pod): boolean {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return false;
  return selectorFromSet(sel).matches(pod.metadata.labels ?? {});
}

/** Pods of the Service's namespace its selector matches, from the cache. */
export function podsForService(pods: SharedInformer<Pod>, svc: Service): Pod[] {
  return pods.store.byNamespace(svc.metadata.namespace ?? '').filter((p) => selectsPod(svc, p));
}

/** What about a pod matters to endpoints; other updates (e.g. unrelated status) are not worth a sync. */
function endpointRelevant(p: Pod): string {
  return JSON.stringify([
    p.metadata.labels ?? {}, p.metadata.deletionTimestamp ?? '', p.status?.podIP ?? '', p.status?.podIPs ?? [], p.status?.phase ?? '',
    p.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '', p.spec?.hostname ?? '', p.spec?.subdomain ?? '', p.spec?.nodeName ?? '',
  ]);
}

export function wireServiceAndPodEvents(services: SharedInformer<Service>, pods: SharedInformer<Pod>, queue: WorkQueue<string>): void {
  const addSvc = (s: Service) => queue.add(objectKey(s));
  services.addEventHandler({ onAdd: addSvc, onUpdate: (_o, s) => addSvc(s), onDelete: addSvc });
  const forPod = (p: Pod) => {
    for (const s of services.store.byNamespace(p.metadata.namespace ?? '')) if (selectsPod(s, p)) addSvc(s);
  };
  pods.addEventHandler({
    onAdd: forPod,
    onUpdate: (o, p) => {
      if (o.metadata.resourceVersion === p.metadata.resourceVersion) return;
      if (endpointRelevant(o) === endpointRelevant(p) && JSON.stringify(o.spec?.containers?.map((c) => c.ports)) === JSON.stringify(p.spec?.containers?.map((c) => c.ports))) return;
      forPod(p);
      if (JSON.stringify(o.metadata.labels ?? {}) !== JSON.stringify(p.metadata.labels ?? {})) forPod(o);
    },
    onDelete: forPod,
  });
}

/**
 * Per Service: the objects we wrote (name → resourceVersion) and deleted, until the cache shows them. A sync
 * waits while they are outstanding, for at most `timeoutMs`.
 */
export class WriteExpectations {
  private readonly pending = new Map<string, { written: Map<string, number>; deleted: Set<string>; since: number }>();

  constructor(private readonly timeoutMs = 5000) {}

  expectWritten(serviceKey: string, obj: KubeObject): void {
    this.entry(serviceKey).written.set(obj.metadata.name ?? '', Number(obj.metadata.resourceVersion ?? 0));
  }

  expectDeleted(serviceKey: string, name: string): void {
    this.entry(serviceKey).deleted.add(name);
  }

  /** True when the cache (lookup by name) reflects every outstanding write; clears the entry when it does. */
  satisfied(serviceKey: string, lookup: (name: string) => KubeObject | undefined): boolean {
    const e = this.pending.get(serviceKey);
    if (!e) return true;
    let ok = Date.now() - e.since > this.timeoutMs;
    if (!ok) {
      ok = [...e.written].every(([name, rv]) => Number(lookup(name)?.metadata.resourceVersion ?? -1) >= rv)
        && [...e.deleted].every((name) => !lookup(name));
    }
    if (ok) this.pending.delete(serviceKey);
    return ok;
  }

  forget(serviceKey: string): void {
    this.pending.delete(serviceKey);
  }

  private entry(key: string) {
    let e = this.pending.get(key);
    if (!e) this.pending.set(key, (e = { written: new Map(), deleted: new Set(), since: Date.now() }));
    return e;
  }
}
