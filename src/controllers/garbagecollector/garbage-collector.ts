// Garbage collection by ownerReferences, after upstream's pkg/controller/garbagecollector:
// - an owner carrying the `orphan` finalizer has its uid stripped from every dependent's ownerReferences, then the
//   finalizer is removed;
// - an owner carrying `foregroundDeletion` has its dependents deleted (foreground too when they block it) and keeps
//   the finalizer until no dependent with blockOwnerDeletion remains;
// - a dependent whose owners are all gone (deleted, or a dangling reference to a uid that no longer exists) is
//   deleted in the background; a dependent with some live owners just loses the dangling references.
// The dependency graph is built from watches on every listable resource.
import { ApiError } from '../../apimachinery/errors.js';
import { KubeObject, OwnerReference, parseApiVersion } from '../../apimachinery/types.js';
import type { GenericStore, RequestContext } from '../../registry/generic-store.js';
import type { ResourceRegistry } from '../../registry/registry.js';
import type { ResourceDef } from '../../registry/types.js';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';
const RETRY_MS = 300;

interface Node {
  uid: string;
  def: ResourceDef;
  namespace: string;
  name: string;
  owners: OwnerReference[];
  deleting: boolean;
  finalizers: string[];
}

export class GarbageCollector {
  private readonly nodes = new Map<string, Node>();
  /** owner uid → dependent uids */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly watchers: { stop(): void }[] = [];
  private readonly queue = new Set<string>();
  private readonly absentOwners = new Set<string>();
  private draining = false;
  private stopped = false;
  private readonly ctx: RequestContext = { user: { username: 'system:serviceaccount:kube-system:generic-garbage-collector', groups: ['system:serviceaccounts'] }, dryRun: false, fieldManager: 'kube-controller-manager', warnings: [] };

  constructor(private readonly objects: GenericStore, private readonly registry: ResourceRegistry) {}

  async start(): Promise<void> {
    const seen = new Set<string>();
    for (const def of this.registry.all()) {
      if (!def.verbs.includes('watch') || !def.verbs.includes('delete')) continue;
      const prefix = this.objects.prefixFor(def, '');
      if (seen.has(prefix)) continue;
      seen.add(prefix);
      this.watchers.push(await this.objects.watch(def, '', { resourceVersion: '' }, (type, obj) => this.observe(def, type, obj)));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watchers) w.stop();
  }

  private observe(def: ResourceDef, type: string, obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const old = this.nodes.get(uid);
    if (type === 'DELETED') {
      this.nodes.delete(uid);
      if (old) for (const o of old.owners) this.dependents.get(o.uid)?.delete(uid);
      this.absentOwners.add(uid);
      // Dependents of a vanished owner are looked at again; so is an owner waiting in foreground deletion.
      for (const d of this.dependents.get(uid) ?? []) this.enqueue(d);
      if (old) for (const o of old.owners) this.enqueue(o.uid);
      return;
    }
    const node: Node = {
      uid, def, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '',
      owners: obj.metadata.ownerReferences ?? [], deleting: !!obj.metadata.deletionTimestamp, finalizers: obj.metadata.finalizers ?? [],
    };
    if (old) for (const o of old.owners) if (!node.owners.some((n) => n.uid === o.uid)) this.dependents.get(o.uid)?.delete(uid);
    for (const o of node.owners) {
      let set = this.dependents.get(o.uid);
      if (!set) this.dependents.set(o.uid, (set = new Set()));
      set.add(uid);
    }
    this.nodes.set(uid, node);
    if (node.owners.length) this.enqueue(uid);
    if (node.deleting && (node.finalizers.includes(ORPHAN_FINALIZER) || node.finalizers.includes(FOREGROUND_FINALIZER))) this.enqueue(uid);
    if (old) for (const o of old.owners) this.enqueue(o.uid);
  }

  private enqueue(uid: string): void {
    if (this.stopped) return;
    this.queue.add(uid);
    if (!this.draining) {
      this.draining = true;
      setImmediate(() => void this.drain());
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.size && !this.stopped) {
      const [uid] = this.queue;
      this.queue.delete(uid);
      try {
        if (await this.process(uid)) setTimeout(() => this.enqueue(uid), RETRY_MS).unref();
      } catch (e) {
        if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) console.error('berth: garbage collector:', e);
        setTimeout(() => this.enqueue(uid), RETRY_MS).unref();
      }
    }
    this.draining = false;
  }

  /** Returns true when the item must be looked at again later. */
  private async process(uid: string): Promise<boolean> {
    const node = this.nodes.get(uid);
    if (!node) return false;
    if (node.deleting && node.finalizers.includes(ORPHAN_FINALIZER)) return this.orphanDependents(node);
    if (node.deleting && node.finalizers.includes(FOREGROUND_FINALIZER)) return this.deleteDependentsInForeground(node);
    if (node.owners.length) return this.collectIfOwnersGone(node);
    return false;
  }

  private async orphanDependents(owner: Node): Promise<boolean> {
    for (const depUid of [...(this.dependents.get(owner.uid) ?? [])]) {
      const dep = this.nodes.get(depUid);
      if (!dep) continue;
      await this.mutate(dep, (o) => {
        o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.uid);
        if (!o.metadata.ownerReferences.length) delete o.metadata.ownerReferences;
      });
    }
    await this.removeFinalizer(owner, ORPHAN_FINALIZER);
    return false;
  }

  private async deleteDependentsInForeground(owner: Node): Promise<boolean> {
    let blocking = 0;
    for (const depUid of [...(this.dependents.get(owner.uid) ?? [])]) {
      const dep = this.nodes.get(depUid);
      if (!dep) continue;
      const ref = dep.owners.find((r) => r.uid === owner.uid);
      if (ref?.blockOwnerDeletion) blocking++;
      if (!dep.deleting) {
        await this.objects.delete(dep.def, dep.namespace, dep.name, { propagationPolicy: ref?.blockOwnerDeletion ? 'Foreground' : 'Background', preconditions: { uid: dep.uid } }, this.ctx)
          .catch((e) => { if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) throw e; });
      }
    }
    if (blocking > 0) return true;
    await this.removeFinalizer(owner, FOREGROUND_FINALIZER);
    return false;
  }

  private async collectIfOwnersGone(dep: Node): Promise<boolean> {
    const dangling: string[] = [];
    for (const ref of dep.owners) {
      if (await this.ownerAbsent(dep, ref)) dangling.push(ref.uid);
    }
    if (dangling.length === 0) return false;
    if (dangling.length === dep.owners.length) {
      if (dep.deleting) return false;
      await this.objects.delete(dep.def, dep.namespace, dep.name, { propagationPolicy: 'Background', preconditions: { uid: dep.uid } }, this.ctx)
        .catch((e) => { if (!(e instanceof ApiError && (e.code === 404 || e.code === 409))) throw e; });
      return false;
    }
    await this.mutate(dep, (o) => {
      o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => !dangling.includes(r.uid));
    });
    return false;
  }

  /** An owner is absent when no object with that uid exists under the referenced kind and name. */
  private async ownerAbsent(dep: Node, ref: OwnerReference): Promise<boolean> {
    const known = this.nodes.get(ref.uid);
    if (known) return false;
    const { group } = parseApiVersion(ref.apiVersion);
    const def = this.registry.anyVersionOfKind(group, ref.kind);
    if (!def) return false; // unknown kind: leave it alone, as upstream does while discovery is incomplete
    try {
      const owner = await this.objects.get(def, def.namespaced ? dep.namespace : '', ref.name);
      return owner.metadata.uid !== ref.uid;
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return true;
      throw e;
    }
  }

  private async removeFinalizer(node: Node, finalizer: string): Promise<void> {
    await this.mutate(node, (o) => {
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    });
  }

  private async mutate(node: Node, fn: (o: KubeObject) => void): Promise<void> {
    await this.objects.guaranteedUpdate(node.def, node.namespace, node.name, this.ctx, '', undefined, (cur) => {
      if (cur.metadata.uid !== node.uid) throw new ApiError(409, 'Conflict', 'uid changed');
      fn(cur);
      return cur;
    }).catch((e) => { if (!(e instanceof ApiError && e.code === 404)) throw e; });
  }
}

