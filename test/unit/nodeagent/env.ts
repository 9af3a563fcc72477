// A real Berth in a temp dir with a client, for the node agent and scheduler tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../../src/apimachinery/errors.js';
import { KubeClient } from '../../../src/client/client.js';
import { builtin, resourcePath } from '../../../src/client/resources.js';
import type { Pod } from '../../../src/api/core.js';
import { Berth, startBerth } from '../../../src/host/berth.js';
import { eventually } from '../../e2e/harness.js';

export interface Env {
  dataDir: string;
  berth: Berth;
  client: KubeClient;
  close(): Promise<void>;
}

export async function startEnv(prefix = 'berth-nodeagent-'): Promise<Env> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const berth = await startBerth({ dataDir, port: 0, runtime: { controllers: false } });
  const client = KubeClient.fromKubeconfig({ path: berth.kubeconfigPath }, { fieldManager: 'nodeagent-test', retry: { baseDelayMs: 20, maxDelayMs: 200 } });
  return {
    dataDir, berth, client,
    async close() {
      await client.close();
      await berth.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls quickly until fn returns a truthy value; the failure names what was awaited. */
export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, ms = 10_000): Promise<T> {
  try {
    return await eventually(fn, ms, 20);
  } catch (e) {
    throw new Error(`timed out waiting for ${what}: ${(e as Error).message}`);
  }
}

export function pod(name: string, opts: { nodeName?: string; annotations?: Record<string, string>; spec?: Partial<Pod['spec']>; namespace?: string } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: opts.namespace ?? 'default', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      containers: [{ name: 'app', image: 'nginx:1.27' }],
      ...(opts.nodeName ? { nodeName: opts.nodeName } : {}),
      ...(opts.spec ?? {}),
    },
  };
}

export const getPod = (client: KubeClient, name: string, namespace = 'default') => client.get<Pod>(builtin.pods, name, { namespace });

export async function isGone(client: KubeClient, name: string, namespace = 'default'): Promise<boolean> {
  try {
    await getPod(client, name, namespace);
    return false;
  } catch (e) {
    if (e instanceof ApiError && e.code === 404) return true;
    throw e;
  }
}

/** Whether the server serves pods/binding (wired by the integrator from src/server/pod-binding.ts). */
export async function bindingServed(client: KubeClient): Promise<boolean> {
  try {
    await client.rest.request({ method: 'POST', path: resourcePath(builtin.pods, 'default', 'binding-probe-absent', 'binding'), body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'binding-probe-absent' }, target: { kind: 'Node', name: 'x' } } });
    return true;
  } catch (e) {
    // A pod that does not exist is a 404 with details naming pods; an unserved subresource is a bare 404.
    return e instanceof ApiError && e.code === 404 && e.message === 'pods "binding-probe-absent" not found';
  }
}
