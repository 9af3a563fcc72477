// The StatefulSet controller's memory between syncs. Upstream has none of this: Go reads a pod's fields and marshals a
// template cheaply enough on every sync. Here a burst runs about one sync per pod event over every pod of the set
// (bench/statefulset.ts), and reading each pod object again, splitting its name or re-marshalling the template was
// most of the controller's CPU. The controller owns one StatefulSetCaches and hands it to the algorithm (SyncDeps),
// so two controllers in one process share nothing and a test can start from a fresh one. Every predicate that reads
// these answers the same without them (test/unit/statefulset/fast-paths.test.ts).
import { labelSelectorAsSelector, type Selector } from '../../apimachinery/labels.js';
import type { Pod, StatefulSet } from './types.js';
import {
  getPodReadyCondition, type ParentAndOrdinal, splitPodName, STATEFULSET_POD_NAME_LABEL, STATEFULSET_REVISION_LABEL,
} from './utils.js';

/** The fields of a pod that the sync's predicates read, worked out in one pass. */
export interface PodFacts {
  readonly split: ParentAndOrdinal;
  /** The name is exactly getPodName(parent, ordinal): no leading zeros in the ordinal. */
  readonly canonicalName: boolean;
  readonly namespace: string;
  /** The pod-name label carries the pod's name. */
  readonly podNameLabelMatches: boolean;
  readonly phase: string | undefined;
  /** Status and lastTransitionTime of the first Ready condition. */
  readonly readyStatus: string | undefined;
  readonly readySince: string | undefined;
  readonly terminating: boolean;
  readonly revision: string;
  /** The uid of the controller reference; undefined without one. */
  readonly controllerUid: string | undefined;
  readonly labels: Record<string, string> | undefined;
  /** The last selector matched against the labels, and its answer (a set keeps its selector object, see selectorFor). */
  matchedSelector?: Selector;
  selectorMatched?: boolean;
}

/** getPatch's bytes and the same payload as a deep-frozen object (revisions.ts). */
export interface TemplatePatch {
  readonly patch: string;
  readonly data: { spec: { template: Record<string, unknown> } };
}

const SHARED_STRINGS_LIMIT = 4096;
const PATCH_CACHE_SIZE = 256;

export class StatefulSetCaches {
  // Informer cache objects are replaced, never mutated, on updates (client/store.ts), so what a sync reads of one is
  // worked out once per object. Other pods (built or copied by the algorithm, changed while it works) are read directly.
  private readonly podFacts = new WeakMap<object, PodFacts>();
  // getParentNameAndOrdinal of pods without facts, next to the name it came from in case a caller renames a pod in
  // place (pods under construction are).
  private readonly splits = new WeakMap<object, { name: string; split: ParentAndOrdinal }>();
  // Strings every pod of a set repeats (parent name, namespace, revision, controller uid) kept as one shared copy:
  // comparing a pod's copy with the set's would otherwise read each pod's own string from memory on every sync.
  private readonly strings = new Map<string, string>();
  // Shaping and marshalling the template is the costly part of every sync's "has the template changed?" check, so the
  // outcome is remembered per template content (a handful of templates per set over its life).
  private readonly patches = new Map<string, TemplatePatch>();
  // Each set's parsed selector, kept while the selector is unchanged so per-pod answers about it can be remembered.
  private readonly selectors = new Map<string, { source: string; selector: Selector }>();

  /** Remembers what the sync reads of `pod`. Only for objects nobody changes any more: the informer cache's. */
  rememberPodFacts(pod: Pod): void {
    this.podFacts.set(pod, this.readPodFacts(pod));
  }

  /** The remembered facts of an informer pod; undefined for any other pod. */
  factsOf(pod: object): PodFacts | undefined {
    return this.podFacts.get(pod);
  }

  /** getParentNameAndOrdinal, remembered per pod object and name. */
  parentAndOrdinal(pod: Pick<Pod, 'metadata'>): ParentAndOrdinal {
    const facts = this.podFacts.get(pod);
    if (facts !== undefined) return facts.split;
    const name = pod.metadata.name ?? '';
    const known = this.splits.get(pod);
    if (known !== undefined && known.name === name) return known.split;
    const split = splitPodName(name);
    this.splits.set(pod, { name, split });
    return split;
  }

  /** The template's patch, computed by `compute` the first time its content is seen. */
  templatePatch(template: unknown, compute: () => TemplatePatch): TemplatePatch {
    const key = JSON.stringify(template ?? {});
    let entry = this.patches.get(key);
    if (entry === undefined) {
      entry = compute();
      if (this.patches.size >= PATCH_CACHE_SIZE) this.patches.delete(this.patches.keys().next().value!);
      this.patches.set(key, entry);
    }
    return entry;
  }

  /** labelSelectorAsSelector of the set's selector; the same object as last time while the selector is unchanged. */
  selectorFor(key: string, set: StatefulSet): Selector {
    const source = JSON.stringify(set.spec.selector ?? null);
    const known = this.selectors.get(key);
    if (known?.source === source) return known.selector;
    const selector = labelSelectorAsSelector(set.spec.selector);
    this.selectors.set(key, { source, selector });
    return selector;
  }

  /** The set at `key` was deleted. */
  forgetSet(key: string): void {
    this.selectors.delete(key);
  }

  private shared<S extends string | undefined>(s: S): S {
    if (s === undefined) return s;
    const known = this.strings.get(s);
    if (known !== undefined) return known as S;
    if (this.strings.size >= SHARED_STRINGS_LIMIT) this.strings.clear();
    this.strings.set(s, s);
    return s;
  }

  private readPodFacts(pod: Pod): PodFacts {
    const { metadata, status } = pod;
    const name = metadata.name ?? '';
    const { parent, ordinal } = splitPodName(name);
    const split: ParentAndOrdinal = Object.freeze({ parent: this.shared(parent), ordinal });
    const ready = getPodReadyCondition(pod);
    return {
      split,
      canonicalName: split.ordinal >= 0 && name.length === split.parent.length + 1 + String(split.ordinal).length,
      namespace: this.shared(metadata.namespace ?? ''),
      podNameLabelMatches: metadata.labels?.[STATEFULSET_POD_NAME_LABEL] === metadata.name,
      phase: status?.phase,
      readyStatus: ready?.status,
      readySince: ready?.lastTransitionTime ?? undefined,
      terminating: !!metadata.deletionTimestamp,
      revision: this.shared(metadata.labels?.[STATEFULSET_REVISION_LABEL] ?? ''),
      controllerUid: this.shared(metadata.ownerReferences?.find((r) => r.controller === true)?.uid),
      labels: metadata.labels,
    };
  }
}
