// Shared helpers for the StatefulSet e2e files: manifests, JSON reads through kubectl, a captured `kubectl get -w`
// stream, and waits on status. Every test works in its own namespace so the files stay parallel-safe.
import { spawn } from 'node:child_process';
import { Cluster, eventually, KUBECTL, kubectlOk } from '../harness.js';

export type Kube = Pick<Cluster, 'kubeconfig' | 'home'>;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface StsOptions {
  name?: string;
  replicas?: number;
  serviceName?: string;
  appLabel?: string;
  image?: string;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number; maxUnavailable?: number } };
  minReadySeconds?: number;
  /** Annotations on the pod template (e.g. the node agent's sim.berth.dev/*). */
  podAnnotations?: Record<string, string>;
  /** volumeClaimTemplates names (1Gi ReadWriteOnce, default class). */
  claims?: string[];
  retention?: { whenDeleted?: 'Retain' | 'Delete'; whenScaled?: 'Retain' | 'Delete' };
  ordinalsStart?: number;
  revisionHistoryLimit?: number;
}

/** A StatefulSet object shaped like the seeds' (nginx-like container on port 80). */
export function statefulSet(o: StsOptions = {}): Record<string, unknown> {
  const name = o.name ?? 'web';
  const app = o.appLabel ?? 'nginx';
  const spec: Record<string, unknown> = {
    serviceName: o.serviceName ?? 'nginx',
    replicas: o.replicas ?? 2,
    selector: { matchLabels: { app } },
    template: {
      metadata: { labels: { app }, ...(o.podAnnotations ? { annotations: o.podAnnotations } : {}) },
      spec: {
        containers: [{
          name: 'nginx', image: o.image ?? 'registry.cn-beijing.aliyuncs.com/wangxiaochun/pod-test:v0.1',
          ports: [{ containerPort: 80, name: 'http' }],
          ...(o.claims?.length ? { volumeMounts: o.claims.map((c) => ({ name: c, mountPath: `/data/${c}` })) } : {}),
        }],
        terminationGracePeriodSeconds: 30,
      },
    },
  };
  if (o.podManagementPolicy) spec.podManagementPolicy = o.podManagementPolicy;
  if (o.updateStrategy) spec.updateStrategy = o.updateStrategy;
  if (o.minReadySeconds !== undefined) spec.minReadySeconds = o.minReadySeconds;
  if (o.retention) spec.persistentVolumeClaimRetentionPolicy = o.retention;
  if (o.ordinalsStart !== undefined) spec.ordinals = { start: o.ordinalsStart };
  if (o.revisionHistoryLimit !== undefined) spec.revisionHistoryLimit = o.revisionHistoryLimit;
  if (o.claims?.length) {
    spec.volumeClaimTemplates = o.claims.map((c) => ({
      metadata: { name: c },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    }));
  }
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name }, spec };
}

/** The seed's headless Service. */
export function headlessService(name = 'nginx', app = 'nginx'): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { app } },
    spec: { ports: [{ port: 80, name: 'http' }], clusterIP: 'None', selector: { app } },
  };
}

/** `kubectl apply -f -` of some objects (a v1 List). */
export function apply(c: Kube, ns: string, ...objects: Record<string, unknown>[]): Promise<string> {
  return kubectlOk(c, ['apply', '-n', ns, '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
}

export async function newNamespace(c: Kube, ns: string): Promise<string> {
  await kubectlOk(c, ['create', 'namespace', ns]);
  return ns;
}

export async function getJson<T = any>(c: Kube, args: string[]): Promise<T> {
  return JSON.parse(await kubectlOk(c, ['get', ...args, '-o', 'json'])) as T;
}

export interface PodView {
  name: string;
  uid: string;
  ordinal: number;
  image: string;
  revision: string;
  phase: string;
  ready: boolean;
  terminating: boolean;
}

/** Pods of a namespace sorted by ordinal (names `<set>-<n>`). */
export async function pods(c: Kube, ns: string): Promise<PodView[]> {
  const list = await getJson<{ items: any[] }>(c, ['pods', '-n', ns]);
  return list.items.map((p) => ({
    name: p.metadata.name,
    uid: p.metadata.uid,
    ordinal: Number(/-(\d+)$/.exec(p.metadata.name)?.[1] ?? -1),
    image: p.spec.containers[0].image,
    revision: p.metadata.labels?.['controller-revision-hash'] ?? '',
    phase: p.status?.phase ?? '',
    ready: !!p.status?.conditions?.some((k: any) => k.type === 'Ready' && k.status === 'True'),
    terminating: !!p.metadata.deletionTimestamp,
  })).sort((a, b) => a.ordinal - b.ordinal);
}

export const names = (ps: PodView[]) => ps.map((p) => p.name);

export async function sts(c: Kube, ns: string, name = 'web'): Promise<any> {
  return getJson(c, ['sts', name, '-n', ns]);
}

/** Waits until the set has exactly `n` pods, all Running+Ready and none terminating, and its status agrees. */
export async function waitReady(c: Kube, ns: string, n: number, name = 'web', timeoutMs = 20_000): Promise<PodView[]> {
  return eventually(async () => {
    const ps = (await pods(c, ns)).filter((p) => p.name.startsWith(`${name}-`));
    if (ps.length !== n || ps.some((p) => !p.ready || p.terminating || p.phase !== 'Running')) return undefined;
    const s = await sts(c, ns, name);
    return (s.status?.readyReplicas ?? 0) === n && (s.status?.replicas ?? 0) === n ? ps : undefined;
  }, timeoutMs, 50);
}

/** Waits until the set's update finished (currentRevision == updateRevision, all updated and ready). */
export async function waitRolledOut(c: Kube, ns: string, n: number, name = 'web', timeoutMs = 20_000): Promise<any> {
  return eventually(async () => {
    const s = await sts(c, ns, name);
    const st = s.status ?? {};
    return st.observedGeneration === s.metadata.generation && st.currentRevision === st.updateRevision &&
      st.updatedReplicas === n && st.readyReplicas === n && st.replicas === n ? s : undefined;
  }, timeoutMs, 50);
}

export interface WatchRow { name: string; ready: string; status: string; restarts: string }

/** A running `kubectl get … -w`; rows() parses the table lines seen so far. */
export interface KubectlStream {
  lines(): string[];
  rows(): WatchRow[];
  stop(): Promise<void>;
}

const open = new Set<KubectlStream>();

/** Stops every stream still running (for after hooks, when a test failed half-way). */
export async function stopAllStreams(): Promise<void> {
  await Promise.all([...open].map((s) => s.stop()));
}

export function kubectlStream(c: Kube, args: string[]): Promise<KubectlStream> {
  // -v=6 logs each request on stderr, which tells when the watch request is under way
  const child = spawn(KUBECTL, [...args, '-v=6'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: c.home, KUBECONFIG: c.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stream: KubectlStream = {
    lines: () => out.split('\n').filter((l) => l.trim() !== ''),
    rows: () => stream.lines().filter((l) => !l.startsWith('NAME ')).map((l) => {
      const [name, ready, status, restarts] = l.trim().split(/\s+/);
      return { name, ready, status, restarts };
    }),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  open.add(stream);
  void exited.then(() => open.delete(stream));
  return eventually(() => /[?&]watch=true/.test(err) || child.exitCode !== null, 10_000, 20).then(() => stream);
}

/** Consecutive duplicates removed: the order of distinct states. */
export function collapse<T>(xs: T[], key: (x: T) => string = (x) => JSON.stringify(x)): T[] {
  return xs.filter((x, i) => i === 0 || key(xs[i - 1]) !== key(x));
}
