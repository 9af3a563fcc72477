// The garbage collector's view of the cluster: one node per observed object (by uid) with its owner references,
// and the reverse edges owner uid → dependents. Owners are edges by uid only, so a dependent may point at an owner
// that was never observed (not yet listed, already gone, or a dangling uid).
import type { KubeObject, OwnerReference } from '../../apimachinery/types.js';
import type { ApiResource } from './discovery.js';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export interface GraphNode {
  uid: string;
  resource: ApiResource;
  namespace: string;
  name: string;
  resourceVersion: string;
  owners: OwnerReference[];
  finalizers: string[];
  beingDeleted: boolean;
}

export function nodeOf(resource: ApiResource, obj: KubeObject): GraphNode {
  const m = obj.metadata;
  return {
    uid: m.uid ?? '', resource, namespace: m.namespace ?? '', name: m.name ?? '', resourceVersion: m.resourceVersion ?? '',
    owners: m.ownerReferences ?? [], finalizers: m.finalizers ?? [], beingDeleted: !!m.deletionTimestamp,
  };
}

/** In foreground deletion: deleted, and waiting for its blocking dependents to go first. */
export function isDeletingDependents(n: Pick<GraphNode, 'beingDeleted' | 'finalizers'>): boolean {
  return n.beingDeleted && n.finalizers.includes(FOREGROUND_FINALIZER);
}

export function isOrphaning(n: Pick<GraphNode, 'beingDeleted' | 'finalizers'>): boolean {
  return n.beingDeleted && n.finalizers.includes(ORPHAN_FINALIZER);
}

export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();

  get size(): number {
    return this.nodes.size;
  }

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** Observed dependents of `ownerUid` (whether or not the owner itself is observed). */
  dependentsOf(ownerUid: string): GraphNode[] {
    const out: GraphNode[] = [];
    for (const uid of this.dependents.get(ownerUid) ?? []) {
      const n = this.nodes.get(uid);
      if (n) out.push(n);
    }
    return out;
  }

  /** Adds or replaces a node, keeping the reverse edges right; returns the previous node. */
  upsert(node: GraphNode): GraphNode | undefined {
    const old = this.nodes.get(node.uid);
    if (old) for (const o of old.owners) if (!node.owners.some((r) => r.uid === o.uid)) this.unlink(o.uid, node.uid);
    for (const o of node.owners) {
      let set = this.dependents.get(o.uid);
      if (!set) this.dependents.set(o.uid, (set = new Set()));
      set.add(node.uid);
    }
    this.nodes.set(node.uid, node);
    return old;
  }

  /** Removes a node and its edges to its owners; edges from its dependents stay until they change. */
  remove(uid: string): GraphNode | undefined {
    const old = this.nodes.get(uid);
    if (!old) return undefined;
    this.nodes.delete(uid);
    for (const o of old.owners) this.unlink(o.uid, uid);
    return old;
  }

  /** Nodes of one resource (to forget them when the resource is no longer served). */
  nodesOf(resourceKey: (r: ApiResource) => boolean): GraphNode[] {
    return [...this.nodes.values()].filter((n) => resourceKey(n.resource));
  }

  private unlink(ownerUid: string, depUid: string): void {
    const set = this.dependents.get(ownerUid);
    if (!set) return;
    set.delete(depUid);
    if (set.size === 0) this.dependents.delete(ownerUid);
  }
}
