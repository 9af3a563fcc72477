// A stand-in kubelet for StatefulSet tests until the node agent exists: it writes pod status through the API's
// /status subresource (phase Running, Ready=True, a podIP), either on demand or automatically after a delay.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ApiError } from '../../src/apimachinery/errors.js';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { KubeClient } from '../../src/client/client.js';
import { SharedInformer } from '../../src/client/informer.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { builtin, ResourceDescriptor } from '../../src/client/resources.js';
import { ControllerManager, startControllerManager } from '../../src/controllers/manager.js';
import type { Pod } from '../../src/controllers/statefulset/types.js';
import { Berth, startBerth } from '../../src/host/berth.js';

const WORKLOAD_CONTROLLERS = [
  'statefulset', 'job', 'cronjob', 'ttl-after-finished', 'replicationcontroller', 'daemonset', 'disruption', 'resourcequota', 'serviceaccount',
];

let ipCounter = 0;

/** Sets the pod Running with Ready=True (or Ready=False with ready: false) through pods/<name>/status. */
export async function setPodRunning(client: KubeClient, namespace: string, name: string, ready = true): Promise<Pod> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  for (;;) {
    const pod = await client.get<Pod>(builtin.pods, name, { namespace });
    const n = ++ipCounter;
    const status = (pod.status ??= {});
    status.phase = 'Running';
    status.podIP ??= `10.244.${(n >> 8) & 255}.${n & 255}`;
    status.hostIP ??= '10.0.0.1';
    status.startTime ??= now;
    const readyStatus = ready ? 'True' : 'False';
    status.conditions = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
      type, status: type === 'Ready' || type === 'ContainersReady' ? readyStatus : 'True', lastProbeTime: null, lastTransitionTime: now,
    }));
    try {
      return await client.updateStatus(builtin.pods, pod);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
    }
  }
}

/** Watches pods and marks every new Pending pod Running+Ready after `delayMs`, unless paused. */
export class FakeKubelet {
  private readonly informer: SharedInformer<Pod>;
  private readonly timers = new Set<NodeJS.Timeout>();
  paused = false;

  constructor(private readonly client: KubeClient, private readonly delayMs = 20, namespace?: string) {
    this.informer = SharedInformer.forResource<Pod>(client, builtin.pods, { namespace, onError: () => {} });
    const consider = (pod: Pod) => {
      if (this.paused || pod.status?.phase !== 'Pending' || pod.metadata.deletionTimestamp) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        setPodRunning(this.client, pod.metadata.namespace ?? '', pod.metadata.name ?? '').catch(() => {});
      }, this.delayMs);
      this.timers.add(timer);
    };
    this.informer.addEventHandler({ onAdd: consider, onUpdate: (_o, p) => consider(p) });
  }

  async start(): Promise<void> {
    this.informer.run();
    await this.informer.waitForSync();
  }

  /** Marks every Pending pod it knows of now (after pausing). */
  async catchUp(): Promise<void> {
    for (const pod of this.informer.store.list()) {
      if (pod.status?.phase === 'Pending' && !pod.metadata.deletionTimestamp) await setPodRunning(this.client, pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await this.informer.stop();
  }
}

export interface StatefulSetEnv {
  berth: Berth;
  client: KubeClient;
  manager: ControllerManager;
  /** For the harness's kubectl(): Berth's kubeconfig and a private HOME. */
  kube: { kubeconfig: string; home: string };
  close(): Promise<void>;
}

/** A Berth in a temp dir with the controller manager running against it, plus a test client. */
export async function startStatefulSetEnv(opts: { workers?: number } = {}): Promise<StatefulSetEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-sts-'));
  const home = join(dataDir, 'home');
  mkdirSync(home);
  // Frequent bookmarks: Berth's watch sends its response headers only with the first line, and kubectl's
  // `rollout status` cannot stop its informer until the watch request has been answered.
  // No built-in controllers, node agent or scheduler: this test runs its own manager and plays kubelet itself.
  const berth = await startBerth({ dataDir, port: 0, bookmarkIntervalMs: 200, runtime: { controllers: false } });
  // the workload controllers only: no node lifecycle (this test's nodes post no heartbeats), no volume controllers
  const manager = await startControllerManager({ kubeconfigPath: berth.kubeconfigPath, workers: opts.workers, onError: () => {}, controllers: WORKLOAD_CONTROLLERS });
  await manager.waitForSync();
  const client = new KubeClient({ connection: loadKubeconfig({ path: berth.kubeconfigPath }), fieldManager: 'sts-e2e' });
  return {
    berth, client, manager,
    kube: { kubeconfig: berth.kubeconfigPath, home },
    async close() {
      await manager.stop();
      await client.close();
      await berth.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const RESOURCES: Record<string, ResourceDescriptor> = {
  Namespace: builtin.namespaces,
  Service: builtin.services,
  StatefulSet: builtin.statefulSets,
};

/** Creates every object of a multi-document manifest, moved into `namespace` (the Namespace object renamed). */
export async function createManifest(client: KubeClient, text: string, namespace: string): Promise<KubeObject[]> {
  const created: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    const obj = doc.toJS() as KubeObject | null;
    if (!obj) continue;
    const res = RESOURCES[obj.kind ?? ''];
    if (!res) throw new Error(`no resource for kind ${obj.kind}`);
    if (obj.kind === 'Namespace') obj.metadata.name = namespace;
    else obj.metadata.namespace = namespace;
    created.push(await client.create(res, obj));
  }
  return created;
}
