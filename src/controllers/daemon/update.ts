// DaemonSet rolling updates and history, after pkg/controller/daemon/update.go: without surge, old pods are deleted
// while the unavailable ones stay within maxUnavailable (the manage loop then creates their replacements); with
// surge, a new pod is created next to an old one (up to maxSurge at a time) and the old one goes once the new one is
// available. ControllerRevisions hold each template (`{"spec":{"template":{…,"$patch":"replace"}}}`), named
// `<ds>-<ComputeHash>`; the current one's hash labels the pods.
import { isAlreadyExists } from '../../apimachinery/errors.js';
import { labelSelectorAsSelector } from '../../apimachinery/labels.js';
import type { KubeClient } from '../../client/client.js';
import { builtin } from '../../client/resources.js';
import type { Node } from '../../api/core.js';
import { computeHash } from '../deployment/hash.js';
import { claimDependents, newControllerRef } from '../common/controller-ref-manager.js';
import { type ControllerRevision, revisionDataBytes } from '../history/controller-history.js';
import { goJsonMarshal } from '../history/go-json.js';
import { goShape } from '../history/go-shape.js';
import { isPodAvailable } from '../replicaset/pod-ranking.js';
import type { Pod } from '../statefulset/types.js';
import {
  DAEMONSET_UNIQUE_LABEL, type DaemonSet, DS_API_VERSION, DS_KIND, getTemplateGeneration, isPodUpdated, nodeShouldRunDaemonPod,
  surgeCount, unavailableCount,
} from './util.js';

/** What the update logic needs of the controller. */
export interface DaemonSetsControl {
  readonly client: KubeClient;
  now(): number;
  getNodesToDaemonPods(ds: DaemonSet, includeDeletedTerminal: boolean): Promise<Map<string, Pod[]>>;
  getDaemonPods(ds: DaemonSet): Promise<Pod[]>;
  syncNodes(ds: DaemonSet, podsToDelete: string[], nodesNeedingDaemonPods: string[], hash: string): Promise<void>;
  node(name: string): Node | undefined;
  cachedPod(namespace: string, name: string): Pod | undefined;
  cachedRevisions(namespace: string): ControllerRevision[];
}

const available = (dsc: DaemonSetsControl, ds: DaemonSet, pod: Pod) => isPodAvailable(pod, ds.spec.minReadySeconds ?? 0, dsc.now());

/** findUpdatedPodsOnNode: at most one new and one old live pod, else not ok (the manage loop prunes first). */
function findUpdatedPodsOnNode(ds: DaemonSet, pods: Pod[], hash: string): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  const generation = getTemplateGeneration(ds);
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

/**
 * updatedDesiredNodeCounts: maxSurge, maxUnavailable and desiredNumberScheduled; every node that should run the pod
 * gets an entry (empty when it has none). A DaemonSet allowing neither surge nor unavailability accepts one
 * unavailable pod.
 */
function updatedDesiredNodeCounts(ds: DaemonSet, nodes: Node[], nodeToDaemonPods: Map<string, Pod[]>): { maxSurge: number; maxUnavailable: number; desired: number } {
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    if (!nodeToDaemonPods.has(node.metadata.name ?? '')) nodeToDaemonPods.set(node.metadata.name ?? '', []);
  }
  let maxUnavailable: number;
  let maxSurge: number;
  try {
    maxUnavailable = unavailableCount(ds, desired);
  } catch (e) {
    throw new Error(`invalid value for MaxUnavailable: ${(e as Error).message}`);
  }
  try {
    maxSurge = surgeCount(ds, desired);
  } catch (e) {
    throw new Error(`invalid value for MaxSurge: ${(e as Error).message}`);
  }
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable, desired };
}

/** rollingUpdate: the old pods to delete, or new pods to surge onto nodes, within the strategy's budgets. */
export async function rollingUpdate(dsc: DaemonSetsControl, ds: DaemonSet, nodes: Node[], hash: string): Promise<void> {
  const nodeToDaemonPods = await dsc.getNodesToDaemonPods(ds, false);
  const { maxSurge, maxUnavailable, desired } = updatedDesiredNodeCounts(ds, nodes, nodeToDaemonPods);

  if (maxSurge === 0) {
    // delete just enough old pods to stay within maxUnavailable; the manage loop creates their replacements
    let numUnavailable = 0;
    const allowedReplacementPods: string[] = [];
    const candidatePodsToDelete: string[] = [];
    for (const pods of nodeToDaemonPods.values()) {
      const { newPod, oldPod, ok } = findUpdatedPodsOnNode(ds, pods, hash);
      if (!ok) {
        // excess pods: the manage loop cleans up; count the node as unavailable
        numUnavailable++;
        continue;
      }
      if ((!oldPod && !newPod) || (oldPod && newPod)) {
        numUnavailable++;
      } else if (newPod) {
        if (!available(dsc, ds, newPod)) numUnavailable++;
      } else if (!available(dsc, ds, oldPod!)) {
        // an unavailable old pod is replaced at once
        allowedReplacementPods.push(oldPod!.metadata.name ?? '');
        numUnavailable++;
      } else if (numUnavailable < maxUnavailable) {
        candidatePodsToDelete.push(oldPod!.metadata.name ?? '');
      }
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidatePodsToDelete.length);
    return dsc.syncNodes(ds, [...allowedReplacementPods, ...candidatePodsToDelete.slice(0, remaining)], [], hash);
  }

  // surge: a new pod joins each node whose old pod is unavailable, and up to maxSurge others; old pods go once the
  // new pod on their node is available
  const oldPodsToDelete: string[] = [];
  const shouldNotRunPodsToDelete: string[] = [];
  const candidateNewNodes: string[] = [];
  const allowedNewNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [nodeName, pods] of nodeToDaemonPods) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(ds, pods, hash);
    if (!ok) {
      numSurge++;
      continue;
    }
    // availability counts on every node, even those left for scheduling reasons
    if (oldPod) {
      if (available(dsc, ds, oldPod)) numAvailable++;
    } else if (newPod && available(dsc, ds, newPod)) {
      numAvailable++;
    }
    if (!oldPod) continue; // nothing to do: the manage loop creates what is missing
    if (!newPod) {
      const node = dsc.node(nodeName);
      if (!node) throw new Error(`couldn't get node for nodeName ${JSON.stringify(nodeName)}: node "${nodeName}" not found`);
      const shouldRun = nodeShouldRunDaemonPod(node, ds).shouldRun;
      if (!available(dsc, ds, oldPod)) {
        if (!shouldRun) oldPodsToDelete.push(oldPod.metadata.name ?? '');
        else allowedNewNodes.push(nodeName);
      } else if (!shouldRun) {
        shouldNotRunPodsToDelete.push(oldPod.metadata.name ?? '');
      } else if (numSurge < maxSurge) {
        candidateNewNodes.push(nodeName);
      }
      continue;
    }
    // already surged here
    if (!available(dsc, ds, newPod)) {
      numSurge++;
      continue;
    }
    oldPodsToDelete.push(oldPod.metadata.name ?? '');
  }
  // with surge the owner expects full availability: a pod on a node it no longer fits goes only while enough
  // others are available
  const deletable = Math.min(numAvailable - desired, shouldNotRunPodsToDelete.length);
  for (const name of shouldNotRunPodsToDelete.slice(0, Math.max(0, deletable))) {
    if (dsc.cachedPod(ds.metadata.namespace ?? '', name)) oldPodsToDelete.push(name);
  }
  const remainingSurge = Math.min(Math.max(0, maxSurge - numSurge), candidateNewNodes.length);
  return dsc.syncNodes(ds, oldPodsToDelete, [...allowedNewNodes, ...candidateNewNodes.slice(0, remainingSurge)], hash);
}

// ---- history ----------------------------------------------------------------------------------------------

/** getPatch: the revision payload, as upstream's bytes (Go's shaping of the template, keys sorted). */
export function getPatch(ds: DaemonSet): string {
  const template = goShape('io.k8s.api.core.v1.PodTemplateSpec', structuredClone(ds.spec.template ?? {})) as Record<string, unknown>;
  template.$patch = 'replace';
  return goJsonMarshal({ spec: { template } });
}

/** Match: the revision holds the DaemonSet's current template. */
export function match(ds: DaemonSet, history: ControllerRevision, patch = getPatch(ds)): boolean {
  return revisionDataBytes(history).toString('utf8') === patch;
}

/** controlledHistories: the revisions the DaemonSet controls, adopting matching orphans and releasing others. */
async function controlledHistories(dsc: DaemonSetsControl, ds: DaemonSet): Promise<ControllerRevision[]> {
  return claimDependents(dsc.client, {
    owner: ds, ownerResource: builtin.daemonSets, ownerApiVersion: DS_API_VERSION, ownerKind: DS_KIND,
    selector: labelSelectorAsSelector(ds.spec.selector), dependents: builtin.controllerRevisions,
  }, dsc.cachedRevisions(ds.metadata.namespace ?? ''));
}

const maxRevision = (histories: ControllerRevision[]) => histories.reduce((m, h) => Math.max(m, h.revision ?? 0), 0);

/**
 * constructHistory: the current revision (created, or its number raised above the old ones) and the old ones; adds
 * the hash label to revisions that lack it and removes duplicates of the current one.
 */
export async function constructHistory(dsc: DaemonSetsControl, ds: DaemonSet): Promise<{ cur: ControllerRevision; old: ControllerRevision[] }> {
  const patch = getPatch(ds);
  const current: ControllerRevision[] = [];
  const old: ControllerRevision[] = [];
  for (let history of await controlledHistories(dsc, ds)) {
    if (history.metadata.labels?.[DAEMONSET_UNIQUE_LABEL] === undefined) {
      // the name is unique: no hash collisions to worry about
      const copy: ControllerRevision = structuredClone(history);
      copy.metadata.labels = { ...(copy.metadata.labels ?? {}), [DAEMONSET_UNIQUE_LABEL]: copy.metadata.name ?? '' };
      history = await dsc.client.update<ControllerRevision>(builtin.controllerRevisions, copy);
    }
    if (match(ds, history, patch)) current.push(history);
    else old.push(history);
  }
  const currRevision = maxRevision(old) + 1;
  let cur: ControllerRevision;
  if (current.length === 0) {
    cur = await snapshot(dsc, ds, currRevision, patch);
  } else {
    cur = await dedupCurHistories(dsc, ds, current);
    if ((cur.revision ?? 0) < currRevision) {
      const copy: ControllerRevision = structuredClone(cur);
      copy.revision = currRevision;
      await dsc.client.update<ControllerRevision>(builtin.controllerRevisions, copy);
    }
  }
  return { cur, old };
}

/** dedupCurHistories: keeps the highest-numbered current revision, relabels its pods, deletes the rest. */
async function dedupCurHistories(dsc: DaemonSetsControl, ds: DaemonSet, curHistories: ControllerRevision[]): Promise<ControllerRevision> {
  if (curHistories.length === 1) return curHistories[0];
  let keep = curHistories[0];
  for (const h of curHistories) if ((h.revision ?? 0) >= (keep.revision ?? 0)) keep = h;
  const keepHash = keep.metadata.labels?.[DAEMONSET_UNIQUE_LABEL] ?? '';
  for (const pod of await dsc.getDaemonPods(ds)) {
    if (pod.metadata.labels?.[DAEMONSET_UNIQUE_LABEL] !== keepHash) {
      await dsc.client.patch(builtin.pods, pod.metadata.name ?? '', { metadata: { labels: { [DAEMONSET_UNIQUE_LABEL]: keepHash } } }, 'merge', { namespace: pod.metadata.namespace });
    }
  }
  for (const h of curHistories) {
    if (h.metadata.name !== keep.metadata.name) await dsc.client.delete(builtin.controllerRevisions, h.metadata.name ?? '', { namespace: h.metadata.namespace });
  }
  return keep;
}

/** snapshot: creates the revision of the current template; a name taken by other data bumps collisionCount. */
async function snapshot(dsc: DaemonSetsControl, ds: DaemonSet, revision: number, patch: string): Promise<ControllerRevision> {
  const hash = computeHash(ds.spec.template, ds.status?.collisionCount);
  const name = `${ds.metadata.name}-${hash}`;
  const history: ControllerRevision = {
    apiVersion: 'apps/v1', kind: 'ControllerRevision',
    metadata: {
      name, namespace: ds.metadata.namespace,
      labels: { ...(ds.spec.template.metadata?.labels ?? {}), [DAEMONSET_UNIQUE_LABEL]: hash },
      ...(ds.metadata.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(ds, DS_API_VERSION, DS_KIND)],
    },
    data: JSON.parse(patch),
    revision,
  };
  try {
    return await dsc.client.create<ControllerRevision>(builtin.controllerRevisions, history);
  } catch (outer) {
    if (!isAlreadyExists(outer)) throw outer;
    const existing = await dsc.client.get<ControllerRevision>(builtin.controllerRevisions, name, { namespace: ds.metadata.namespace });
    if (match(ds, existing, patch)) return existing;
    // a hash collision: count it on the DaemonSet (only if our count was current), the next sync uses a new name
    const currDS = await dsc.client.get<DaemonSet>(builtin.daemonSets, ds.metadata.name ?? '', { namespace: ds.metadata.namespace });
    if ((currDS.status?.collisionCount ?? undefined) !== (ds.status?.collisionCount ?? undefined)) {
      throw new Error(`found a stale collision count (${ds.status?.collisionCount ?? 0}, expected ${currDS.status?.collisionCount ?? 0}) of DaemonSet ${JSON.stringify(ds.metadata.name)} while processing; will retry until it is updated`);
    }
    currDS.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0, ...currDS.status, collisionCount: (currDS.status?.collisionCount ?? 0) + 1 };
    await dsc.client.updateStatus(builtin.daemonSets, currDS);
    throw outer;
  }
}

/** cleanupHistory: deletes the oldest revisions beyond revisionHistoryLimit that no live pod uses. */
export async function cleanupHistory(dsc: DaemonSetsControl, ds: DaemonSet, old: ControllerRevision[]): Promise<void> {
  const nodeToDaemonPods = await dsc.getNodesToDaemonPods(ds, true);
  const toKill = old.length - (ds.spec.revisionHistoryLimit ?? 10);
  if (toKill <= 0) return;
  const liveHashes = new Set<string>();
  for (const pods of nodeToDaemonPods.values()) {
    for (const pod of pods) {
      const h = pod.metadata.labels?.[DAEMONSET_UNIQUE_LABEL];
      if (h) liveHashes.add(h);
    }
  }
  let left = toKill;
  for (const history of [...old].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0))) {
    if (left <= 0) break;
    if (liveHashes.has(history.metadata.labels?.[DAEMONSET_UNIQUE_LABEL] ?? '')) continue;
    await dsc.client.delete(builtin.controllerRevisions, history.metadata.name ?? '', { namespace: history.metadata.namespace });
    left--;
  }
}
