// The node agent (a kubelet without containers, like KWOK): registers N Nodes, renews their Leases, and runs the
// pods bound to them through a Runtime, publishing each pod's status through pods/status. Deleting a running pod
// stops its containers (honouring the grace period) and then removes it with grace 0 and a uid precondition.
import { setTimeout as sleep } from 'node:timers/promises';
import { isNotFound, isAlreadyExistsOrConflict } from '../apimachinery/errors.js';
import { localMachineId, MACHINE_ID_LABEL } from '../volume/local-machine.js';
import type { KubeObject } from '../apimachinery/types.js';
import type { KubeClient } from '../client/client.js';
import { runWorkers } from '../client/controller.js';
import { EventRecorder } from '../client/events.js';
import { SharedInformer, type SharedInformerFactory } from '../client/informer.js';
import { builtin } from '../client/resources.js';
import { WorkQueue } from '../client/workqueue.js';
import { NODE_NAME_PREFIX, nodeSubnet, SubnetAllocator } from './ipam.js';
import { buildLease, buildNode, DEFAULT_CAPACITY, NODE_LEASE_NAMESPACE, nodeStatus, SimNodeSpec } from './node-object.js';
import { containerEvents } from './pod-events.js';
import { isTerminalPhase } from '../api/core.js';
import { buildPodStatus, statusDiffers } from './pod-status.js';
import type { KubeletApi } from '../component/kubelet-api.js';
import type { Runtime } from './runtime.js';
import { SimRuntime } from './sim-runtime.js';
import { Node, Pod } from '../api/core.js';
import { rfc3339, rfc3339Micro } from '../apimachinery/time.js';

export interface NodeAgentOptions {
  /** How many nodes to simulate; default 3. */
  nodes?: number;
  /** Node names are `<prefix><n>`, n from 1; default 'berth-node-'. */
  namePrefix?: string;
  /** Delay of each simulated start step (sandbox, init container, app containers); default 300 ms. */
  simStartDelayMs?: number;
  /** Cluster pod range, cut into one /24 per node; default 10.244.0.0/16. */
  podCidr?: string;
  heartbeat?: {
    /** Lease renewal period; default 10 s (kubelet: a quarter of the 40 s lease). */
    leaseRenewMs?: number;
    /** Node status (condition heartbeat) period; default 60 s. */
    nodeStatusMs?: number;
  };
  /** Node capacity (= allocatable); default cpu 4, memory 8Gi, pods 110. */
  capacity?: Record<string, string>;
  /** Extra labels on every node. */
  labels?: Record<string, string>;
  /** CrashLoopBackOff timing of the simulated runtime; default 10 s doubling to 5 min as the kubelet. */
  backOffBaseMs?: number;
  backOffMaxMs?: number;
  /** A different runtime (e.g. one running processes); default the simulated one. */
  runtime?: Runtime;
  /**
   * Nodes whose pods run on this machine (the process runtime): capacity and node info from the machine, and each
   * node's InternalIP its gateway address on the pod bridge, instead of kind-like simulated values.
   */
  machine?: { capacity: Record<string, string>; info: NonNullable<SimNodeSpec['machine']>; internalIP: (podSubnet: string) => string };
  /**
   * Where the default simulated runtime keeps its containers' CRI logs (`<logDir>/<ns>_<pod>_<uid>/…`); default a
   * temporary directory removed when the agent stops.
   */
  logDir?: string;
  workers?: number;
  onError?: (err: unknown, during: string) => void;
  /**
   * Watch pods through this informer factory (inside `berth up`, the one all components share; its owner stops it)
   * instead of an informer of its own on `client`.
   */
  informers?: SharedInformerFactory;
  /**
   * The nodes by name, each with its podCIDR (from the node IPAM) and address: a node joined from another machine
   * (`berth node join`). Replaces `nodes`, `namePrefix` and the address `machine.internalIP` would give.
   */
  named?: { name: string; podCIDR: string; internalIP: string; kubeletPort?: number }[];
  /** Each node's own client (as system:node:<name>); default: `client` for all. */
  clientFor?: (nodeName: string) => KubeClient;
}

export interface NodeAgent {
  readonly nodeNames: string[];
  readonly runtime: Runtime;
  /** What the API server calls for exec, attach, port-forward and logs of pods on these nodes (the runtime's). */
  readonly kubelet: KubeletApi;
  stop(): Promise<void>;
}

interface SimNode {
  spec: SimNodeSpec;
  /** The node's own client (upstream: the kubelet's credentials, system:node:<name>). */
  client: KubeClient;
  ips: SubnetAllocator;
  events: EventRecorder;
  lease?: KubeObject;
}

interface TrackedPod {
  uid: string;
  node: string;
  startTime: string;
  killStarted: boolean;
  /**
   * Our last status write: the resourceVersion it replaced and the pod the server returned. Until the informer
   * moves past `over`, the returned pod is the newer one to build on (no write from a stale copy, no 409).
   */
  written?: { over: string; pod: Pod };
}

/** Internal IP of the `index`th node (0-based): 172.18.0.2, .3, … (kind's layout). */
/** Writes carry the kubelet's field manager, as upstream's managedFields show. */
const W = { fieldManager: 'kubelet' };

const nodeInternalIP = (index: number) => `172.18.${Math.floor((index + 2) / 256)}.${(index + 2) % 256}`;

export async function startNodeAgent(client: KubeClient, opts: NodeAgentOptions = {}): Promise<NodeAgent> {
  const count = opts.nodes ?? 3;
  const prefix = opts.namePrefix ?? NODE_NAME_PREFIX;
  const podCidr = opts.podCidr ?? '10.244.0.0/16';
  const leaseRenewMs = opts.heartbeat?.leaseRenewMs ?? 10_000;
  const nodeStatusMs = opts.heartbeat?.nodeStatusMs ?? 60_000;
  const onError = opts.onError ?? ((err: unknown, during: string) => console.warn(`node agent: ${during}: ${err instanceof Error ? err.message : String(err)}`));
  const runtime: Runtime = opts.runtime ?? new SimRuntime({ startDelayMs: opts.simStartDelayMs ?? 300, backOffBaseMs: opts.backOffBaseMs, backOffMaxMs: opts.backOffMaxMs, logDir: opts.logDir });

  const nodes = new Map<string, SimNode>();
  const m = opts.machine;
  const layout: NonNullable<NodeAgentOptions['named']> = opts.named ?? Array.from({ length: count }, (_, i) => {
    const subnet = nodeSubnet(podCidr, i);
    return { name: `${prefix}${i + 1}`, podCIDR: subnet, internalIP: m ? m.internalIP(subnet) : nodeInternalIP(i) };
  });
  for (const { name, podCIDR: subnet, internalIP, kubeletPort } of layout) {
    nodes.set(name, {
      spec: {
        name, podCIDR: subnet, internalIP, kubeletPort,
        capacity: { ...(m?.capacity ?? DEFAULT_CAPACITY), ...(opts.capacity ?? {}) }, labels: opts.labels, machine: m?.info,
      },
      ips: new SubnetAllocator(subnet),
      client: opts.clientFor?.(name) ?? client,
      events: new EventRecorder(opts.clientFor?.(name) ?? client, { component: 'kubelet', host: name, onError: (e) => onError(e, 'event') }),
    });
  }

  // ---- nodes and leases --------------------------------------------------------------------------------------

  // The boot id changes once per agent start, like a machine's.
  const bootTime = new Date();
  const registerNode = async (n: SimNode): Promise<void> => {
    let node: Node;
    try {
      node = await n.client.create<Node>(builtin.nodes, buildNode(n.spec, new Date()), W);
    } catch (e) {
      if (!isAlreadyExistsOrConflict(e)) throw e;
      node = await n.client.get<Node>(builtin.nodes, n.spec.name);
      // As the kubelet's updateDefaultLabels: a node registered before keeps its labels, but the machine it is on
      // is set again (volumes provisioned on a machine are pinned to its nodes by this label).
      const machine = localMachineId();
      if (node.metadata.labels?.[MACHINE_ID_LABEL] !== machine) {
        node = await n.client.patch<Node>(builtin.nodes, n.spec.name, { metadata: { labels: { [MACHINE_ID_LABEL]: machine } } }, 'merge', W);
      }
    }
    await updateNodeStatus(n, node);
  };

  const updateNodeStatus = async (n: SimNode, current?: Node): Promise<void> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const node = current ?? await n.client.get<Node>(builtin.nodes, n.spec.name);
      current = undefined;
      const status = nodeStatus(n.spec, new Date(), node.status?.conditions, bootTime);
      try {
        await n.client.updateStatus<Node>(builtin.nodes, { ...node, status }, W);
        return;
      } catch (e) {
        if (!isAlreadyExistsOrConflict(e)) throw e;
      }
    }
  };

  const renewLease = async (n: SimNode): Promise<void> => {
    const now = new Date();
    if (n.lease) {
      try {
        n.lease = await n.client.update(builtin.leases, { ...n.lease, spec: { ...(n.lease.spec as object), renewTime: rfc3339Micro(now) } }, W);
        return;
      } catch (e) {
        if (!(isAlreadyExistsOrConflict(e) || isNotFound(e))) throw e;
        n.lease = undefined;
      }
    }
    try {
      const node = await n.client.get<Node>(builtin.nodes, n.spec.name);
      n.lease = await n.client.create(builtin.leases, buildLease(node, now), W);
    } catch (e) {
      if (!isAlreadyExistsOrConflict(e)) throw e;
      const existing = await n.client.get(builtin.leases, n.spec.name, { namespace: NODE_LEASE_NAMESPACE });
      n.lease = await n.client.update(builtin.leases, { ...existing, spec: { ...(existing.spec as object), holderIdentity: n.spec.name, renewTime: rfc3339Micro(now) } }, W);
    }
  };

  for (const n of nodes.values()) {
    await registerNode(n);
    await renewLease(n);
  }

  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, what: string, fn: (n: SimNode) => Promise<void>) => {
    const t = setInterval(() => {
      for (const n of nodes.values()) fn(n).catch((e) => onError(e, `${what} ${n.spec.name}`));
    }, ms);
    t.unref?.();
    timers.push(t);
  };
  every(leaseRenewMs, 'renew lease', renewLease);
  every(nodeStatusMs, 'update node status', (n) => updateNodeStatus(n));

  // ---- pods --------------------------------------------------------------------------------------------------

  const informer = opts.informers?.informerFor<Pod>(builtin.pods)
    ?? SharedInformer.forResource<Pod>(client, builtin.pods, { onError: (e, during) => onError(e, `pod informer ${during}`) });
  const queue = new WorkQueue<string>({ name: 'node-agent' });
  const tracked = new Map<string, TrackedPod>();
  const keyByUid = new Map<string, string>();
  const keyOf = (p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`;
  const isOurs = (p: Pod) => !!p.spec?.nodeName && nodes.has(p.spec.nodeName);

  informer.addEventHandler({
    onAdd: (p) => { if (isOurs(p)) queue.add(keyOf(p)); },
    onUpdate: (_old, p) => { if (isOurs(p) || tracked.has(keyOf(p))) queue.add(keyOf(p)); },
    onDelete: (p) => { if (tracked.has(keyOf(p))) queue.add(keyOf(p)); },
  });
  runtime.onChange((uid) => {
    const key = keyByUid.get(uid);
    if (key) queue.add(key);
  });
  runtime.onEvent?.((pod, type, reason, message, fieldPath) => {
    nodes.get(pod.spec.nodeName ?? '')?.events.event(pod, type, reason, message, { fieldPath, kind: 'Pod', apiVersion: 'v1' });
  });

  const forget = (key: string, t: TrackedPod) => {
    runtime.removePod(t.uid);
    nodes.get(t.node)?.ips.release(t.uid);
    tracked.delete(key);
    keyByUid.delete(t.uid);
  };

  /** Writes the runtime's view as the pod's status when it differs; false when the write lost a race. */
  const publishStatus = async (pod: Pod, t: TrackedPod, n: SimNode): Promise<boolean> => {
    const rt = runtime.podState(t.uid);
    if (!rt) return true;
    const status = buildPodStatus({ pod, runtime: rt, hostIP: n.spec.internalIP, startTime: t.startTime, now: new Date() });
    if (!statusDiffers(pod.status, status)) return true;
    try {
      const updated = await n.client.updateStatus<Pod>(builtin.pods, { ...pod, status }, W);
      t.written = { over: pod.metadata.resourceVersion ?? '', pod: updated };
    } catch (e) {
      if (isAlreadyExistsOrConflict(e) || isNotFound(e)) return false;
      throw e;
    }
    // Recorded in the background (as client-go's recorder), never holding up the pod.
    if (!runtime.recordsContainerEvents) for (const ev of containerEvents(pod, pod.status, status)) n.events.event(pod, ev.type, ev.reason, ev.message, { fieldPath: ev.fieldPath, kind: 'Pod', apiVersion: 'v1' });
    return true;
  };

  const finishDeletion = async (pod: Pod, t: TrackedPod, n: SimNode): Promise<{ requeueAfter?: number } | void> => {
    if (!t.killStarted) {
      t.killStarted = true;
      // The kubelet kills with the pod's deletionGracePeriodSeconds; deletionTimestamp has whole seconds only, so
      // counting down to it cut up to a second off the grace period.
      const graceSeconds = pod.metadata.deletionGracePeriodSeconds;
      const graceMs = graceSeconds !== undefined ? graceSeconds * 1000 : Math.max(0, Date.parse(pod.metadata.deletionTimestamp!) - Date.now());
      for (const c of pod.status?.containerStatuses ?? []) {
        if (c.state?.running) n.events.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, { fieldPath: `spec.containers{${c.name}}`, kind: 'Pod', apiVersion: 'v1' });
      }
      runtime.killPod(t.uid, graceMs).then(() => queue.add(keyOf(pod)), (e) => onError(e, `stop pod ${keyOf(pod)}`));
    }
    const rt = runtime.podState(t.uid);
    if (rt && !rt.killed) return;
    if (!(await publishStatus(pod, t, n))) return { requeueAfter: 50 };
    try {
      await n.client.delete(builtin.pods, pod.metadata.name!, { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid: t.uid } });
    } catch (e) {
      if (!(isNotFound(e) || isAlreadyExistsOrConflict(e))) throw e;
    }
  };

  /** The informer's pod, or the one our last status write returned while the informer has not caught up. */
  const currentPod = (key: string): Pod | undefined => {
    const pod = informer.store.get(key);
    const t = tracked.get(key);
    if (!pod || !t?.written) return pod;
    if (pod.metadata.uid === t.uid && pod.metadata.resourceVersion === t.written.over) return t.written.pod;
    t.written = undefined;
    return pod;
  };

  const reconcile = async (key: string): Promise<{ requeueAfter?: number } | void> => {
    let pod = currentPod(key);
    const known = tracked.get(key);
    if (known && (!pod || pod.metadata.uid !== known.uid || pod.spec.nodeName !== known.node)) forget(key, known);
    if (!pod || !isOurs(pod)) return;
    const uid = pod.metadata.uid!;
    const n = nodes.get(pod.spec.nodeName!)!;
    let t = tracked.get(key);
    if (!t) {
      t = { uid, node: n.spec.name, startTime: rfc3339(new Date()), killStarted: false };
      tracked.set(key, t);
      keyByUid.set(uid, key);
    }
    if (pod.metadata.deletionTimestamp) return finishDeletion(pod, t, n);
    if (isTerminalPhase(pod.status?.phase)) {
      n.ips.release(uid); // nothing runs any more: the address is free for new pods
      return;
    }
    const ip = pod.status?.podIP && n.ips.reserve(pod.status.podIP, uid) ? pod.status.podIP : n.ips.allocate(uid);
    const starting = !runtime.podState(uid);
    runtime.syncPod(pod, ip);
    if (starting) {
      // Like the kubelet's status manager, write the latest state when the write happens: steps the runtime takes
      // at once (a zero start delay) land in this first write instead of a second one right after it.
      await sleep(0);
      const latest = currentPod(key);
      if (latest?.metadata.uid !== uid || latest.metadata.deletionTimestamp || latest.spec.nodeName !== pod.spec.nodeName) return; // its own event is queued
      pod = latest;
    }
    if (!(await publishStatus(pod, t, n))) return { requeueAfter: 50 };
  };

  if (opts.informers) opts.informers.start();
  else informer.run();
  const workers = runWorkers(queue, opts.workers ?? 4, reconcile, { onError: (key, e) => onError(e, `sync pod ${key}`) });
  await informer.waitForSync();

  return {
    nodeNames: [...nodes.keys()],
    runtime,
    kubelet: runtime.kubelet,
    async stop() {
      for (const t of timers) clearInterval(t);
      queue.shutDown();
      if (!opts.informers) await informer.stop();
      await runtime.close();
      await workers;
      await Promise.all([...nodes.values()].map((n) => n.events.flush()));
    },
  };
}
