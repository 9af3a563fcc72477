// An in-process Berth (API only: no built-in controllers, scheduler or node agent) for testing one controller at a
// time: a client, a shared informer factory the controller under test registers on, a settable clock, and helpers
// that play the kubelet by writing pod status through pods/<name>/status.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../src/apimachinery/errors.js';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { KubeClient } from '../../src/client/client.js';
import { SharedInformerFactory } from '../../src/client/informer.js';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { builtin } from '../../src/client/resources.js';
import type { Pod } from '../../src/controllers/statefulset/types.js';
import { Berth, startBerth } from '../../src/host/berth.js';

export interface Controller {
  run(): Promise<void>;
  stop(): Promise<void>;
}

/** A clock that runs with the real one, and that tests move ahead by hand. */
export class FakeClock {
  private offset = 0;
  now = (): number => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
}

export interface ControllerEnv {
  berth: Berth;
  client: KubeClient;
  informers: SharedInformerFactory;
  kube: { kubeconfig: string; home: string };
  /** The server's data directory (its PKI is under pki/). */
  dataDir: string;
  /** Starts the controller (informers first) and stops it with the env. */
  start<C extends Controller>(controller: C): Promise<C>;
  namespace(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startControllerEnv(opts: { runtime?: Record<string, unknown> } = {}): Promise<ControllerEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-ctl-'));
  const home = join(dataDir, 'home');
  mkdirSync(home);
  const berth = await startBerth({ dataDir, port: 0, bookmarkIntervalMs: 200, runtime: { controllers: false, ...(opts.runtime ?? {}) } });
  const client = new KubeClient({ connection: loadKubeconfig({ path: berth.kubeconfigPath }), fieldManager: 'controller-test' });
  const informers = new SharedInformerFactory(client, { onError: () => {} });
  const started: Controller[] = [];
  return {
    berth, client, informers, dataDir,
    kube: { kubeconfig: berth.kubeconfigPath, home },
    async start(controller) {
      started.push(controller);
      informers.start();
      void controller.run();
      await informers.waitForCacheSync();
      return controller;
    },
    async namespace(name) {
      await client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      return name;
    },
    async close() {
      for (const c of started) await c.stop();
      await informers.stop();
      await client.close();
      await berth.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** Retries a status write on conflicts (the controller under test writes the same object). */
async function writeStatus(client: KubeClient, namespace: string, name: string, edit: (pod: Pod) => void): Promise<Pod> {
  for (;;) {
    const pod = await client.get<Pod>(builtin.pods, name, { namespace });
    edit(pod);
    try {
      return await client.updateStatus(builtin.pods, pod);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
    }
  }
}

/** The pod Running, Ready unless `ready` is false, with `restarts` container restarts. */
export function setPodRunning(client: KubeClient, pod: KubeObject, opts: { ready?: boolean; restarts?: number } = {}): Promise<Pod> {
  const t = now();
  const ready = opts.ready === false ? 'False' : 'True';
  return writeStatus(client, pod.metadata.namespace ?? '', pod.metadata.name ?? '', (p) => {
    p.status = {
      ...(p.status ?? {}), phase: 'Running', startTime: t, podIP: '10.244.0.9', hostIP: '172.18.0.2',
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: type.endsWith('Ready') ? ready : 'True', lastProbeTime: null, lastTransitionTime: t })),
      containerStatuses: (p.spec?.containers as { name: string; image: string }[] ?? []).map((c) => ({
        name: c.name, image: c.image, imageID: '', ready: ready === 'True', restartCount: opts.restarts ?? 0, started: true,
        state: { running: { startedAt: t } }, lastState: {},
      })),
    };
  });
}

/** The pod finished: Succeeded with exit code 0, or Failed with `exitCode`. */
export function setPodFinished(client: KubeClient, pod: KubeObject, exitCode = 0): Promise<Pod> {
  const t = now();
  return writeStatus(client, pod.metadata.namespace ?? '', pod.metadata.name ?? '', (p) => {
    p.status = {
      ...(p.status ?? {}), phase: exitCode === 0 ? 'Succeeded' : 'Failed', startTime: t,
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: type.endsWith('Ready') ? 'False' : 'True', lastProbeTime: null, lastTransitionTime: t, ...(type.endsWith('Ready') ? { reason: 'PodCompleted' } : {}) })),
      containerStatuses: (p.spec?.containers as { name: string; image: string }[] ?? []).map((c) => ({
        name: c.name, image: c.image, imageID: '', ready: false, restartCount: 0, started: false,
        state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: t, finishedAt: t } }, lastState: {},
      })),
    };
  });
}

/** Pods of a namespace matching a label selector, oldest first. */
export async function listPods(client: KubeClient, namespace: string, labelSelector?: string): Promise<Pod[]> {
  const list = await client.list<Pod>(builtin.pods, { namespace, labelSelector });
  return list.items.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

/** The API error a request was refused with; fails the test when the request succeeded. */
export async function refusal(request: Promise<unknown>): Promise<ApiError> {
  try {
    await request;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('the request was accepted');
}
