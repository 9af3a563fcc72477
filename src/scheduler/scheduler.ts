// A small kube-scheduler: one scheduling loop takes pending pods without a node, filters the nodes (the default
// profile's NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit, then VolumeBinding), prefers the
// least allocated node (round-robin among equals), commits the node's volume decisions and, beside the loop,
// waits for the PV binder to bind them (VolumeBinding's PreBind) before it binds the pod through pods/binding. Pods that fit nowhere stay Pending with
// PodScheduled=False/Unschedulable and a FailedScheduling event, and are retried when nodes or pods change.
import { isNotFound, isAlreadyExistsOrConflict } from '../apimachinery/errors.js';
import type { KubeClient } from '../client/client.js';
import { runWorkers } from '../client/controller.js';
import { EventRecorder } from '../client/events.js';
import { SharedInformer, type SharedInformerFactory } from '../client/informer.js';
import { builtin, resourcePath } from '../client/resources.js';
import { objectKey } from '../client/store.js';
import { WorkQueue } from '../client/workqueue.js';
import { commitVolumeDecisions, VolumeSchedulingCache, volumeFilter, volumePreFilter } from '../volume/scheduling.js';
import type { VolumePod } from '../volume/types.js';
import { isTerminalPhase } from '../api/core.js';
import { Node, Pod, PodCondition } from '../api/core.js';
import { SchedulerCache } from './cache.js';
import { ERR_NO_NODES, FilterResult, filterNode, fitErrorMessage, NodeState } from './filters.js';
import { allocatableOf, nonZeroRequests, podRequests } from './resources.js';
import { DEFAULT_VOLUME_BIND_TIMEOUT_MS, hasVolumeWork, VolumeDecision, waitForVolumeBindings, waitForVolumeCommit } from './volume-binding.js';
import { rfc3339 } from '../apimachinery/time.js';

export interface SchedulerOptions {
  /** Pods whose spec.schedulerName is this are ours; default 'default-scheduler'. */
  schedulerName?: string;
  /** Unschedulable pods are retried at least this often (upstream flushes them after 5 min); default 30 s. */
  retryUnschedulableMs?: number;
  /** How long the PreBind step waits for the PV binder to bind a pod's claims; default 60 s (upstream 600 s). */
  volumeBindTimeoutMs?: number;
  onError?: (err: unknown, during: string) => void;
  /**
   * Register on this informer factory (inside `berth up`, the one all components share; its owner stops it)
   * instead of running informers of its own on `client`.
   */
  informers?: SharedInformerFactory;
}

export interface Scheduler {
  stop(): Promise<void>;
}

const W = { fieldManager: 'kube-scheduler' };

export async function startScheduler(client: KubeClient, opts: SchedulerOptions = {}): Promise<Scheduler> {
  const schedulerName = opts.schedulerName ?? 'default-scheduler';
  const onError = opts.onError ?? ((err: unknown, during: string) => console.warn(`scheduler: ${during}: ${err instanceof Error ? err.message : String(err)}`));
  const shared = opts.informers;
  const pods = shared?.informerFor<Pod>(builtin.pods) ?? SharedInformer.forResource<Pod>(client, builtin.pods, { onError: (e, d) => onError(e, `pod informer ${d}`) });
  const nodes = shared?.informerFor<Node>(builtin.nodes) ?? SharedInformer.forResource<Node>(client, builtin.nodes, { onError: (e, d) => onError(e, `node informer ${d}`) });
  const events = new EventRecorder(client, { component: schedulerName, onError: (e) => onError(e, 'event') });
  const queue = new WorkQueue<string>({ name: 'scheduler' });
  const volumes = new VolumeSchedulingCache(client, shared);
  const stopping = new AbortController();
  /** Pods whose volumes are being bound before the pod itself is (upstream's binding cycle). */
  const bindingCycles = new Map<string, Promise<void>>();
  /** Pods that fit nowhere last time: retried on cluster changes, not on their own status writes. */
  const unschedulable = new Set<string>();
  /** Per node, the requests of its bound pods and of those we assumed there (bound by us, not yet seen bound). */
  const cache = new SchedulerCache((key) => pods.store.get(key));
  let roundRobin = 0;

  const wantsScheduling = (p: Pod) =>
    !p.spec.nodeName && !p.metadata.deletionTimestamp && !isTerminalPhase(p.status?.phase) && (p.spec.schedulerName ?? 'default-scheduler') === schedulerName;
  const retryUnschedulable = () => {
    for (const key of unschedulable) queue.add(key);
  };

  pods.addEventHandler({
    onAdd: (p) => {
      cache.podChanged(p);
      if (wantsScheduling(p)) queue.add(objectKey(p));
    },
    onUpdate: (old, p) => {
      const key = objectKey(p);
      cache.podChanged(p);
      if (wantsScheduling(p)) {
        // Our own condition write changes only status; anything else (labels, tolerations, gates) is worth a try.
        const onlyStatus = JSON.stringify({ ...old, status: undefined, metadata: { ...old.metadata, resourceVersion: '', managedFields: undefined } })
          === JSON.stringify({ ...p, status: undefined, metadata: { ...p.metadata, resourceVersion: '', managedFields: undefined } });
        if (!(unschedulable.has(key) && onlyStatus)) queue.add(key);
      } else {
        unschedulable.delete(key);
      }
      // A pod that finished frees its node's resources.
      if (p.spec.nodeName && isTerminalPhase(p.status?.phase) && !isTerminalPhase(old.status?.phase)) retryUnschedulable();
    },
    onDelete: (p) => {
      unschedulable.delete(objectKey(p));
      cache.podDeleted(p);
      if (p.spec.nodeName) retryUnschedulable();
    },
  });
  // A claim bound, a volume created or freed, a class added: pods waiting on volumes may fit now.
  volumes.onChange(() => retryUnschedulable());
  nodes.addEventHandler({
    onAdd: () => retryUnschedulable(),
    onUpdate: (old, n) => {
      if (nodeChangedForScheduling(old, n)) retryUnschedulable();
    },
  });

  /** Per node: its requests so far, from the informer's bound pods plus our in-flight bindings. */
  const snapshot = (): NodeState[] => cache.nodeStates(nodes.store.list());

  const schedule = async (key: string): Promise<{ requeueAfter?: number } | void> => {
    if (bindingCycles.has(key)) return; // decided already; its binding cycle brings it back if it fails
    const pod = pods.store.get(key);
    if (!pod || !wantsScheduling(pod)) {
      unschedulable.delete(key);
      return;
    }
    if (pod.spec.schedulingGates?.length) {
      unschedulable.add(key);
      await setScheduledCondition(pod, 'SchedulingGated', 'Scheduling is blocked due to non-empty scheduling gates');
      return;
    }
    const states = snapshot();
    if (states.length === 0) return reportUnschedulable(key, pod, ERR_NO_NODES);
    // VolumeBinding's PreFilter: a missing or unbound Immediate claim rules out every node alike.
    const pre = volumePreFilter(volumes, pod as unknown as VolumePod); // same object, the volume side's narrower view
    if (!pre.ok) {
      const everywhere = states.map((): FilterResult => ({ reasons: [pre.reason], unresolvable: true }));
      return reportUnschedulable(key, pod, fitErrorMessage(pod, states.length, everywhere, pre.reason));
    }
    const fits: NodeState[] = [];
    const failures: FilterResult[] = [];
    const volumeDecisions = new Map<string, VolumeDecision>();
    const requests = podRequests(pod);
    for (const s of states) {
      const failure = filterNode(pod, s, requests);
      if (failure) {
        failures.push(failure);
        continue;
      }
      const volumeFit = volumeFilter(volumes, s.node, pre);
      if (!volumeFit.ok) {
        failures.push({ reasons: [volumeFit.reason], unresolvable: true });
        continue;
      }
      volumeDecisions.set(s.node.metadata.name!, volumeFit);
      fits.push(s);
    }
    if (fits.length === 0) return reportUnschedulable(key, pod, fitErrorMessage(pod, states.length, failures));
    const target = pickNode(pod, fits, roundRobin++);
    const nodeName = target.node.metadata.name!;
    const decision = volumeDecisions.get(nodeName)!;
    if (!hasVolumeWork(decision)) return bindPod(key, pod, nodeName);
    const preBindError = (e: unknown) => `running PreBind plugin "VolumeBinding": ${e instanceof Error ? e.message : String(e)}`;
    try {
      // Commit, and wait until the cache shows it (like upstream's assume cache), so the next pod sees the PVs taken.
      await commitVolumeDecisions(client, decision);
      await waitForVolumeCommit(volumes, decision, undefined, stopping.signal);
    } catch (e) {
      if (stopping.signal.aborted) return;
      return reportSchedulerError(key, pod, preBindError(e));
    }
    // The binding cycle: waiting for the PV binder (and a provisioner) runs beside the scheduling loop, with the
    // pod counted against its node meanwhile.
    cache.assume(pod, nodeName);
    const cycle = (async () => {
      try {
        await waitForVolumeBindings(volumes, decision, opts.volumeBindTimeoutMs ?? DEFAULT_VOLUME_BIND_TIMEOUT_MS, stopping.signal);
      } catch (e) {
        cache.forget(pod.metadata.uid!);
        if (!stopping.signal.aborted) queue.addAfter(key, (await reportSchedulerError(key, pod, preBindError(e))).requeueAfter);
        return;
      }
      await bindPod(key, pod, nodeName);
    })().catch((e) => {
      cache.forget(pod.metadata.uid!);
      onError(e, `bind ${key}`);
      if (!stopping.signal.aborted) queue.addRateLimited(key);
    }).finally(() => bindingCycles.delete(key));
    bindingCycles.set(key, cycle);
  };

  /** POST pods/binding, then count the pod against its node until the informer shows it bound. */
  const bindPod = async (key: string, pod: Pod, nodeName: string): Promise<void> => {
    try {
      await client.rest.request({
        method: 'POST',
        path: resourcePath(builtin.pods, pod.metadata.namespace, pod.metadata.name, 'binding'),
        body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } },
      });
    } catch (e) {
      // Bound meanwhile, deleted, or replaced by a pod of the same name: nothing left to do for this one.
      if (isAlreadyExistsOrConflict(e) || isNotFound(e)) {
        cache.forget(pod.metadata.uid!);
        return;
      }
      throw e;
    }
    cache.assume(pod, nodeName);
    unschedulable.delete(key);
    events.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`, { kind: 'Pod', apiVersion: 'v1' });
  };

  const reportUnschedulable = async (key: string, pod: Pod, message: string): Promise<{ requeueAfter: number }> => {
    unschedulable.add(key);
    events.event(pod, 'Warning', 'FailedScheduling', message, { kind: 'Pod', apiVersion: 'v1' });
    await setScheduledCondition(pod, 'Unschedulable', message);
    return { requeueAfter: opts.retryUnschedulableMs ?? 30_000 };
  };

  /** A failure after a node was chosen (upstream's binding cycle): the pod goes back to the queue with backoff. */
  const reportSchedulerError = async (key: string, pod: Pod, message: string): Promise<{ requeueAfter: number }> => {
    unschedulable.add(key); // so our own condition write does not bring it straight back
    events.event(pod, 'Warning', 'FailedScheduling', message, { kind: 'Pod', apiVersion: 'v1' });
    await setScheduledCondition(pod, 'SchedulerError', message);
    return { requeueAfter: 1000 };
  };

  /** PodScheduled=False with the reason; written only when it changes. */
  const setScheduledCondition = async (pod: Pod, reason: string, message: string): Promise<void> => {
    const conditions = pod.status?.conditions ?? [];
    const prev = conditions.find((c) => c.type === 'PodScheduled');
    if (prev && prev.status === 'False' && prev.reason === reason && prev.message === message) return;
    const next: PodCondition = {
      type: 'PodScheduled', status: 'False', lastProbeTime: null,
      lastTransitionTime: prev?.status === 'False' && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(new Date()),
      reason, message,
    };
    const status = { ...(pod.status ?? {}), conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), next] };
    try {
      await client.updateStatus<Pod>(builtin.pods, { ...pod, status }, W);
    } catch (e) {
      // A newer version of the pod is on its way through the informer; that event brings it back.
      if (!(isAlreadyExistsOrConflict(e) || isNotFound(e))) throw e;
    }
  };

  if (shared) {
    shared.start();
  } else {
    pods.run();
    nodes.run();
  }
  volumes.start();
  await Promise.all([pods.waitForSync(), nodes.waitForSync(), volumes.waitForSync()]);
  // One scheduling loop, as kube-scheduler: decisions see each other's bindings.
  const workers = runWorkers(queue, 1, schedule, { onError: (key, e) => onError(e, `schedule ${key}`) });

  return {
    async stop() {
      queue.shutDown();
      stopping.abort();
      await Promise.all([shared ? undefined : pods.stop(), shared ? undefined : nodes.stop(), volumes.stop()]);
      await workers;
      await Promise.all(bindingCycles.values());
      await events.flush();
    },
  };
}

/** Least allocated (cpu and memory with non-zero defaults, equally weighted); equal scores take turns. */
function pickNode(pod: Pod, fits: NodeState[], turn: number): NodeState {
  const want = nonZeroRequests(pod);
  const score = (s: NodeState): number => {
    const alloc = s.allocatable ?? allocatableOf(s.node);
    const part = (name: 'cpu' | 'memory') => {
      const capacity = Number(alloc.get(name) ?? 0n);
      if (capacity <= 0) return 0;
      const used = Number(s.requested.get(name) ?? 0n) + Number(want[name]);
      return Math.max(0, Math.floor(((capacity - used) * 100) / capacity));
    };
    return Math.floor((part('cpu') + part('memory')) / 2);
  };
  const scored = fits.map((s) => ({ s, score: score(s) }));
  const best = Math.max(...scored.map((x) => x.score));
  const top = scored.filter((x) => x.score === best);
  return top[turn % top.length].s;
}

/** Changes that can make an unschedulable pod fit: labels, taints, cordoning, allocatable, readiness. */
function nodeChangedForScheduling(old: Node, n: Node): boolean {
  const ready = (x: Node) => x.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(n.metadata.labels ?? {})
    || JSON.stringify(old.spec?.taints ?? []) !== JSON.stringify(n.spec?.taints ?? [])
    || !!old.spec?.unschedulable !== !!n.spec?.unschedulable
    || JSON.stringify(old.status?.allocatable ?? {}) !== JSON.stringify(n.status?.allocatable ?? {})
    || ready(old) !== ready(n);
}
