// Namespace deletion, after upstream's pkg/controller/namespace: a terminating namespace has its content deleted,
// and once nothing is left the `kubernetes` finalizer is removed from spec.finalizers, which completes the deletion.
import { ApiError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { GenericStore, RequestContext } from '../../registry/generic-store.js';
import type { ResourceRegistry } from '../../registry/registry.js';
import type { ResourceDef } from '../../registry/types.js';

export const NAMESPACE_FINALIZER = 'kubernetes';
const RETRY_MS = 500;

/** Marks a namespace Terminating on delete; deletion waits while spec.finalizers is not empty. */
export function namespaceBlocksDeletion(ns: KubeObject): boolean {
  const status = (ns.status ??= {}) as { phase?: string };
  status.phase = 'Terminating';
  const spec = ns.spec as { finalizers?: string[] } | undefined;
  return (spec?.finalizers?.length ?? 0) > 0;
}

export class NamespaceController {
  private readonly pending = new Set<string>();
  private readonly running = new Set<string>();
  private stopped = false;
  private watcher?: { stop(): void };
  private readonly ctx: RequestContext = { user: { username: 'system:serviceaccount:kube-system:namespace-controller', groups: ['system:serviceaccounts'] }, dryRun: false, fieldManager: 'kube-controller-manager', warnings: [] };

  constructor(private readonly objects: GenericStore, private readonly registry: ResourceRegistry) {}

  async start(): Promise<void> {
    const nsDef = this.nsDef();
    this.watcher = await this.objects.watch(nsDef, '', { resourceVersion: '' }, (type, obj) => {
      if (type !== 'DELETED' && obj.metadata.deletionTimestamp) this.enqueue(obj.metadata.name!);
    });
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.stop();
  }

  private nsDef(): ResourceDef {
    return this.registry.lookup('', 'v1', 'namespaces')!;
  }

  private enqueue(name: string): void {
    if (this.stopped) return;
    if (this.running.has(name)) {
      this.pending.add(name);
      return;
    }
    this.running.add(name);
    void this.sync(name)
      .catch((e) => console.error(`berth: namespace controller: ${name}:`, e))
      .then((retry) => {
        this.running.delete(name);
        if (this.pending.delete(name) || retry) setTimeout(() => this.enqueue(name), retry ? RETRY_MS : 0).unref();
      });
  }

  /** Returns true when the namespace must be looked at again later. */
  private async sync(name: string): Promise<boolean> {
    let ns: KubeObject;
    try {
      ns = await this.objects.get(this.nsDef(), '', name);
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return false;
      throw e;
    }
    if (!ns.metadata.deletionTimestamp) return false;
    let remaining = 0;
    const seenStorage = new Set<string>();
    for (const def of this.registry.all()) {
      if (!def.namespaced || !def.verbs.includes('deletecollection')) continue;
      const storage = this.objects.prefixFor(def, name);
      if (seenStorage.has(storage)) continue;
      seenStorage.add(storage);
      const { items } = await this.objects.list(def, name);
      for (const item of items) {
        remaining++;
        if (item.metadata.deletionTimestamp) continue;
        try {
          await this.objects.delete(def, name, item.metadata.name!, { propagationPolicy: 'Background' }, this.ctx);
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 404)) throw e;
        }
      }
    }
    if (remaining > 0) return true;
    await this.objects.guaranteedUpdate(this.nsDef(), '', name, this.ctx, 'finalize', undefined, (cur) => {
      const spec = (cur.spec ?? {}) as { finalizers?: string[] };
      spec.finalizers = (spec.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER);
      cur.spec = spec;
      return cur;
    }).catch((e) => {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    });
    return false;
  }
}
