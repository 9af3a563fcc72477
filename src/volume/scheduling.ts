// The scheduler's VolumeBinding plugin in small (pkg/scheduler/framework/plugins/volumebinding): a pod whose
// Immediate claims are not bound yet stays Pending; claims of WaitForFirstConsumer classes are matched to a static
// PV that fits the chosen node or handed to the provisioner by annotating `volume.kubernetes.io/selected-node`.
//
// Use from the scheduler:
//   const volumes = new VolumeSchedulingCache(client); volumes.onChange(() => retryUnschedulable()); volumes.start();
//   await volumes.waitForSync();
//   const pre = volumePreFilter(volumes, pod);             // once per pod
//   if (!pre.ok) → unschedulable everywhere with pre.reason
//   for each node that passed the other filters: const fit = volumeFilter(volumes, node, pre);
//     fit.ok false → the node fails with fit.reason (counted into the FitError like any filter reason)
//   chosen node: await commitVolumeDecisions(client, fit) before the pods/binding call.
import type { KubeClient } from '../client/client.js';
import { SharedInformer, SharedInformerFactory } from '../client/informer.js';
import { builtin } from '../client/resources.js';
import { claimClass, isDelayBinding, podClaimNames } from './helpers.js';
import {
  ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, NOT_SUPPORTED_PROVISIONER, NodeSelectorRequirement, NodeSelectorTerm,
  PersistentVolume, PersistentVolumeClaim, StorageClass, VolumePod,
} from './types.js';
import { VolumeIndex } from './volume-index.js';

export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ERR_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';

/** What the checks read: claims, classes and the PV index. */
export interface VolumeLookup {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  storageClass(name: string): StorageClass | undefined;
  readonly volumes: VolumeIndex;
}

export interface SchedulingNode { metadata: { name?: string; labels?: Record<string, string> } }

export type VolumePreFilterResult =
  | { ok: false; reason: string }
  | { ok: true; bound: PersistentVolumeClaim[]; delayed: PersistentVolumeClaim[] };

export type VolumeFilterResult =
  | { ok: false; reason: string }
  | { ok: true; node: string; bindings: { claim: PersistentVolumeClaim; volume: PersistentVolume }[]; provisions: PersistentVolumeClaim[] };

/** Pod-level verdict: a missing, deleting or unbound Immediate claim makes the pod unschedulable on every node. */
export function volumePreFilter(lookup: VolumeLookup, pod: VolumePod): VolumePreFilterResult {
  const bound: PersistentVolumeClaim[] = [], delayed: PersistentVolumeClaim[] = [];
  let unboundImmediate = false;
  for (const name of podClaimNames(pod)) {
    const claim = lookup.claim(pod.metadata.namespace ?? '', name);
    if (!claim) return { ok: false, reason: `persistentvolumeclaim "${name}" not found` };
    if (claim.metadata.deletionTimestamp) return { ok: false, reason: `persistentvolumeclaim "${name}" is being deleted` };
    if (claim.spec.volumeName) bound.push(claim);
    else if (isDelayBinding(claim, (n) => lookup.storageClass(n))) delayed.push(claim);
    else unboundImmediate = true;
  }
  if (unboundImmediate) return { ok: false, reason: ERR_UNBOUND_IMMEDIATE };
  return { ok: true, bound, delayed };
}

/** Node-level verdict, and what to do on that node if it is chosen. */
export function volumeFilter(lookup: VolumeLookup, node: SchedulingNode, pre: Extract<VolumePreFilterResult, { ok: true }>): VolumeFilterResult {
  const labels = node.metadata.labels ?? {};
  const nodeName = node.metadata.name ?? '';
  const nodeMatches = (pv: PersistentVolume) => volumeNodeAffinityMatches(pv, nodeName, labels);
  for (const claim of pre.bound) {
    const pv = lookup.volumes.get(claim.spec.volumeName ?? '');
    if (!pv) return { ok: false, reason: ERR_PV_NOT_EXIST };
    if (!nodeMatches(pv)) return { ok: false, reason: ERR_NODE_CONFLICT };
  }
  const bindings: { claim: PersistentVolumeClaim; volume: PersistentVolume }[] = [];
  const provisions: PersistentVolumeClaim[] = [];
  const excluded = new Set<string>();
  for (const claim of pre.delayed) {
    const selected = claim.metadata.annotations?.[ANN_SELECTED_NODE];
    if (selected && selected !== nodeName) return { ok: false, reason: ERR_BIND_CONFLICT };
    const pv = lookup.volumes.findBestMatch(claim, { nodeMatches, excluded });
    if (pv) {
      excluded.add(pv.metadata.name ?? '');
      bindings.push({ claim, volume: pv });
      continue;
    }
    const sc = lookup.storageClass(claimClass(claim));
    if (!sc || sc.provisioner === NOT_SUPPORTED_PROVISIONER) return { ok: false, reason: ERR_BIND_CONFLICT };
    provisions.push(claim);
  }
  return { ok: true, node: nodeName, bindings, provisions };
}

/**
 * Carries out a node's decisions: static PVs get their claimRef (the PV binder then completes the binding), claims
 * to provision get the selected-node annotation (the provisioner then makes a volume on that node).
 */
export async function commitVolumeDecisions(client: KubeClient, decision: Extract<VolumeFilterResult, { ok: true }>): Promise<void> {
  for (const { claim, volume } of decision.bindings) {
    if (volume.spec.claimRef?.uid === claim.metadata.uid) continue;
    const pv = structuredClone(volume);
    pv.spec.claimRef = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, resourceVersion: claim.metadata.resourceVersion };
    pv.metadata.annotations = { ...pv.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
    await client.update(builtin.persistentVolumes, pv);
  }
  for (const claim of decision.provisions) {
    if (claim.metadata.annotations?.[ANN_SELECTED_NODE] === decision.node) continue;
    await client.patch(builtin.persistentVolumeClaims, claim.metadata.name ?? '', { metadata: { annotations: { [ANN_SELECTED_NODE]: decision.node } } }, 'merge', { namespace: claim.metadata.namespace });
  }
}

/** A PV without node affinity fits every node; otherwise one of its terms must hold (CheckNodeAffinity). */
export function volumeNodeAffinityMatches(pv: PersistentVolume, nodeName: string, labels: Record<string, string>): boolean {
  const terms = pv.spec.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms) return true;
  return terms.some((t) => termMatches(t, nodeName, labels));
}

function termMatches(term: NodeSelectorTerm, nodeName: string, labels: Record<string, string>): boolean {
  const exprs = term.matchExpressions ?? [], fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  return exprs.every((r) => requirementMatches(r, labels)) && fields.every((r) => requirementMatches(r, { 'metadata.name': nodeName }));
}

function requirementMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  switch (r.operator) {
    case 'In': return has && (r.values ?? []).includes(v);
    case 'NotIn': return !has || !(r.values ?? []).includes(v);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt': return has && /^-?\d+$/.test(v) && Number(v) > Number(r.values?.[0]);
    case 'Lt': return has && /^-?\d+$/.test(v) && Number(v) < Number(r.values?.[0]);
    default: return false;
  }
}

/** Informer-backed VolumeLookup for the scheduler process. */
export class VolumeSchedulingCache implements VolumeLookup {
  readonly volumes = new VolumeIndex();
  private readonly factory: SharedInformerFactory;
  private readonly claims: SharedInformer<PersistentVolumeClaim>;
  private readonly classes: SharedInformer<StorageClass>;
  private readonly pvs: SharedInformer<PersistentVolume>;
  private readonly listeners = new Set<() => void>();

  /** Whether the factory is someone else's (shared by several components): then they start and stop it. */
  private readonly sharedFactory: boolean;

  /** `factory`: register on a shared informer factory instead of making one on `client`. */
  constructor(client: KubeClient, factory?: SharedInformerFactory) {
    this.sharedFactory = factory !== undefined;
    this.factory = factory ?? new SharedInformerFactory(client);
    this.claims = this.factory.informerFor<PersistentVolumeClaim>(builtin.persistentVolumeClaims);
    this.classes = this.factory.informerFor<StorageClass>(builtin.storageClasses);
    this.pvs = this.factory.informerFor<PersistentVolume>(builtin.persistentVolumes);
    const changed = () => { for (const l of this.listeners) l(); };
    this.pvs.addEventHandler({
      onAdd: (v) => { this.volumes.upsert(v); changed(); },
      onUpdate: (_o, v) => { this.volumes.upsert(v); changed(); },
      onDelete: (v) => { this.volumes.remove(v.metadata.name ?? ''); changed(); },
    });
    this.claims.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
    this.classes.addEventHandler({ onAdd: changed, onUpdate: changed });
  }

  /** Called on every claim, volume or class change: a good moment to retry pods that did not fit. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.factory.start();
  }

  waitForSync(): Promise<boolean> {
    return Promise.all([this.claims.waitForSync(), this.classes.waitForSync(), this.pvs.waitForSync()]).then((r) => r.every(Boolean));
  }

  async stop(): Promise<void> {
    if (!this.sharedFactory) await this.factory.stop();
  }

  claim(namespace: string, name: string): PersistentVolumeClaim | undefined {
    return this.claims.store.getByName(namespace, name);
  }

  storageClass(name: string): StorageClass | undefined {
    return this.classes.store.get(name);
  }
}
