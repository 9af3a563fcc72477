// Embedded test cluster (`berth/testing`), envtest's role for TypeScript operators: a real Berth API server
// in-process on a random port and a temp dir, optionally with the built-in controllers, node agent and
// scheduler (simulated pods), CRDs installed and Established before it returns.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlreadyExistsOrConflict } from '../apimachinery/errors.js';
import type { KubeObject } from '../apimachinery/types.js';
import { KubeClient } from '../client/client.js';
import { builtin } from '../client/resources.js';
import { startBerth, type Berth } from '../host/berth.js';

export interface TestClusterOptions {
  /** Run the built-in controllers, node agent, scheduler and DNS (default false: API server only, like envtest). */
  controllers?: boolean;
  /** Simulated nodes (with controllers; default 1). */
  nodes?: number;
  /** How long a simulated container takes to start (default 0). */
  simStartDelayMs?: number;
  /** CustomResourceDefinition manifests (or defineKind results) to install and wait for. */
  crds?: (KubeObject | { crd(): KubeObject })[];
  /** How long to wait for the CRDs to be Established (default 10 s). */
  crdTimeoutMs?: number;
  featureGates?: Record<string, boolean>;
}

export interface TestCluster {
  kubeconfigPath: string;
  url: string;
  /** An admin client (closed by stop()). */
  client: KubeClient;
  dataDir: string;
  /** The running server (tests may reach into components). */
  berth: Berth;
  /** Milliseconds from the call to ready. */
  startupMs: number;
  /** Installs more CRDs and waits until they are Established. */
  installCRDs(crds: (KubeObject | { crd(): KubeObject })[]): Promise<void>;
  /** Stops the server and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startTestCluster(opts: TestClusterOptions = {}): Promise<TestCluster> {
  const started = performance.now();
  const dataDir = await mkdtemp(join(tmpdir(), 'berth-test-'));
  let berth: Berth | undefined;
  let client: KubeClient | undefined;
  const cleanup = async () => {
    await client?.close().catch(() => {});
    await berth?.close().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    berth = await startBerth({
      dataDir, port: 0,
      runtime: {
        controllers: opts.controllers ?? false, nodes: opts.nodes ?? 1, simStartDelayMs: opts.simStartDelayMs ?? 0,
        dnsPort: 0, featureGates: opts.featureGates ?? {},
      },
    });
    client = KubeClient.fromKubeconfig({ path: berth.kubeconfigPath }, { userAgent: 'berth-testing', fieldManager: 'berth-testing' });
    const c = client;
    const installCRDs = (crds: (KubeObject | { crd(): KubeObject })[]) => installAndWait(c, crds, opts.crdTimeoutMs ?? 10_000);
    if (opts.crds?.length) await installCRDs(opts.crds);
    let stopped: Promise<void> | undefined;
    const b = berth;
    return {
      kubeconfigPath: berth.kubeconfigPath, url: berth.url, client, dataDir, berth: b,
      startupMs: performance.now() - started,
      installCRDs,
      stop: () => (stopped ??= cleanup()),
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Creates (or leaves in place) each CRD, then waits for every one to report Established=True. */
export async function installAndWait(client: KubeClient, crds: (KubeObject | { crd(): KubeObject })[], timeoutMs = 10_000): Promise<void> {
  const manifests = crds.map((c) => ('crd' in c && typeof c.crd === 'function' ? c.crd() : (c as KubeObject)));
  await Promise.all(manifests.map(async (m) => {
    try {
      await client.create(builtin.customResourceDefinitions, m);
    } catch (e) {
      if (!isAlreadyExistsOrConflict(e)) throw e;
    }
  }));
  const deadline = Date.now() + timeoutMs;
  for (const m of manifests) {
    for (;;) {
      const crd = await client.get(builtin.customResourceDefinitions, m.metadata.name!);
      const conds = ((crd.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined)?.conditions) ?? [];
      if (conds.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) {
        const why = conds.map((c) => `${c.type}=${c.status}${c.message ? ` (${c.message})` : ''}`).join(', ') || 'no conditions';
        throw new Error(`CRD ${m.metadata.name} not Established within ${timeoutMs} ms: ${why}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
