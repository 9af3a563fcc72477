// Components run outside the API server (`berth controller-manager`, `berth scheduler`), as kube-controller-manager
// and kube-scheduler run beside kube-apiserver: the same components `berth up` starts in-process, here on one
// client and informer factory over a kubeconfig. Only the client side of ComponentContext exists in such a process.
import { readFileSync } from 'node:fs';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { DEFAULT_RUNTIME } from './berth.js';
import { ComponentClients } from './component-client.js';
import { COMPONENTS } from './component-list.js';
import { stopInReverse } from './components.js';
import type { BerthRuntimeOptions, RunningComponent } from '../component/contract.js';
import type { HostContext } from './host-context.js';

export interface ComponentProcessOptions {
  kubeconfigPath: string;
  /** The cluster's data dir: pki/ca.crt, and the local provisioner's volumes. */
  dataDir: string;
  runtime?: Partial<BerthRuntimeOptions>;
  announce?: (line: string) => void;
}

export interface RunningComponents {
  /** The shared client, for leader election. */
  clients: ComponentClients;
  start(names: string[]): Promise<void>;
  /** Stops the started components (the client stays usable, e.g. to release a Lease). */
  stop(): Promise<void>;
  /** Closes the informers and connections, after stop(). */
  close(): Promise<void>;
}

export function componentProcess(opts: ComponentProcessOptions): RunningComponents {
  // Read once up front: a bad kubeconfig fails at start, not in the first component.
  const server = loadKubeconfig({ path: opts.kubeconfigPath }).server;
  readFileSync(opts.kubeconfigPath);
  const clients = new ComponentClients(opts.kubeconfigPath);
  const apiSide = (what: string) => () => {
    throw new Error(`${what} is part of the API server, not of this process`);
  };
  const ctx = {
    dataDir: opts.dataDir, url: server, kubeconfigPath: opts.kubeconfigPath,
    options: { ...DEFAULT_RUNTIME, ...(opts.runtime ?? {}) },
    announce: (line: string) => opts.announce?.(line),
    get client() { return clients.client; },
    get informers() { return clients.informers; },
    clientAs: (identity) => clients.clientAs(identity),
    kubelets: new Map(),
  } as HostContext;
  for (const field of ['registry', 'objects', 'store', 'model', 'server'] as const) Object.defineProperty(ctx, field, { get: apiSide(field) });
  const running: [string, RunningComponent][] = [];
  return {
    clients,
    async start(names) {
      for (const name of names) {
        const component = COMPONENTS.find((c) => c.name === name);
        if (!component) throw new Error(`no component ${name}`);
        const started = await component.start(ctx);
        running.push([name, started]);
        await started.ready?.();
      }
    },
    async stop() {
      await stopInReverse(running);
    },
    close: () => clients.close(),
  };
}
