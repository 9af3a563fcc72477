// Owner mapping: from a dependent (a pod, a ReplicaSet, a ControllerRevision…) to the owners its change concerns,
// as the add/update/delete handlers of upstream's controllers work it out before enqueueing (addPod, updatePod and
// deletePod in replica_set.go, stateful_set.go, daemon_controller.go; addReplicaSet & co in deployment_controller.go).
// A dependent with a controller reference concerns only that controller, and only when the cached owner has the
// reference's uid; an orphan concerns every owner whose selector matches it, so one of them may adopt it.
import { labelSelectorAsSelector, type LabelSelector, type Selector } from '../../apimachinery/labels.js';
import type { KubeObject, OwnerReference } from '../../apimachinery/types.js';
import { controllerRef } from '../../client/controller.js';
import type { ObjectCache } from '../../client/store.js';

/**
 * resolveControllerRef: the cached owner a controller reference points at, if it is of `kind` and has that very uid
 * (a recreated owner of the same name is someone else).
 */
export function resolveControllerRef<T extends KubeObject>(cache: ObjectCache<T>, namespace: string | undefined, ref: OwnerReference, kind: string): T | undefined {
  if (ref.kind !== kind) return undefined;
  const owner = cache.getByName(namespace, ref.name);
  return owner && owner.metadata.uid === ref.uid ? owner : undefined;
}

const sortedEntries = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
/** reflect.DeepEqual of two label maps. */
export const sameLabels = (a: KubeObject, b: KubeObject): boolean => JSON.stringify(sortedEntries(a.metadata.labels)) === JSON.stringify(sortedEntries(b.metadata.labels));
/** reflect.DeepEqual of two controller references (either may be missing). */
export const sameControllerRef = (a: OwnerReference | undefined, b: OwnerReference | undefined): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** labelSelectorAsSelector, undefined for a selector that does not parse (an owner that selects nothing). */
export function selectorOrUndefined(selector: LabelSelector | undefined): Selector | undefined {
  try {
    return labelSelectorAsSelector(selector);
  } catch {
    return undefined;
  }
}

/** What an update of a dependent concerns: its former controller, its controller, or the owners that could adopt it. */
export interface UpdatedOwners<O> {
  /** The controller it had before, when its controller reference changed (that owner lost a dependent). */
  former?: O;
  /** The cached controller its reference points at now. */
  controller?: O;
  /** For an orphan whose labels or controller reference changed: every owner that could adopt it. */
  adopters: O[];
}

/** The owners of one kind (`kind`, in `owners`) that dependents map to; `selectorOf` is undefined for an unusable selector. */
export class OwnerMapping<O extends KubeObject> {
  constructor(
    private readonly owners: ObjectCache<O>,
    private readonly kind: string,
    private readonly selectorOf: (owner: O) => Selector | undefined,
  ) {}

  /** The cached controller of `dep` (of its controller reference, or of `ref`), if it is this kind with that uid. */
  controllerOf(dep: KubeObject, ref: OwnerReference | undefined = controllerRef(dep)): O | undefined {
    return ref ? resolveControllerRef(this.owners, dep.metadata.namespace, ref, this.kind) : undefined;
  }

  /**
   * GetPodReplicaSets, GetPodStatefulSets, GetPodDaemonSets, GetDeploymentsForReplicaSet: the owners in the dependent's
   * namespace whose selector matches its labels. A dependent without labels and an empty selector match nothing here.
   */
  adopters(dep: KubeObject): O[] {
    const labels = dep.metadata.labels;
    if (!labels || Object.keys(labels).length === 0) return [];
    return this.owners.byNamespace(dep.metadata.namespace ?? '').filter((owner) => {
      const selector = this.selectorOf(owner);
      return !!selector && !selector.empty() && selector.matches(labels);
    });
  }

  /**
   * add<Dependent>: a dependent with a controller reference concerns its cached controller alone (none when that is
   * not cached); an orphan concerns every owner that could adopt it.
   */
  added(dep: KubeObject): { controller?: O; adopters: O[] } {
    const ref = controllerRef(dep);
    return ref ? { controller: this.controllerOf(dep, ref), adopters: [] } : { adopters: this.adopters(dep) };
  }

  /** update<Dependent> (after the resync and deletion checks that stay with each controller). */
  updated(old: KubeObject, cur: KubeObject): UpdatedOwners<O> {
    const curRef = controllerRef(cur);
    const oldRef = controllerRef(old);
    const refChanged = !sameControllerRef(curRef, oldRef);
    const former = refChanged && oldRef ? this.controllerOf(old, oldRef) : undefined;
    if (curRef) return { former, controller: this.controllerOf(cur, curRef), adopters: [] };
    return { former, adopters: refChanged || !sameLabels(old, cur) ? this.adopters(cur) : [] };
  }
}
