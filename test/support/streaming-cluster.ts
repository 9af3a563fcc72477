// A Berth started in this process for the streaming tests: the built-in components, with the node agent running
// either the simulated runtime or the test-only HostRuntime (commands run on this host), its kubelet registered for
// one node as `berth up` registers it. The real kubectl reaches it over HTTPS like any cluster.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeAgentComponent } from '../../src/nodeagent/component.js';
import { startBerth, type Berth } from '../../src/host/berth.js';
import { COMPONENTS } from '../../src/host/component-list.js';
import type { Component } from '../../src/component/contract.js';
import { HostRuntime } from './host-runtime.js';

export interface StreamingCluster {
  berth: Berth;
  kubeconfig: string;
  home: string;
  /** Working directory of the host runtime's processes. */
  cwd: string;
  dataDir: string;
  runtime?: HostRuntime;
  stop(): Promise<void>;
}

export async function startStreamingCluster(opts: { runtime: 'host' | 'sim'; simStartDelayMs?: number; extraComponents?: Component[] }): Promise<StreamingCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-streaming-'));
  const home = join(dataDir, 'home');
  const cwd = join(dataDir, 'work');
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  let runtime: HostRuntime | undefined;
  const agent = nodeAgentComponent({
    runtime: opts.runtime === 'host' ? (_ctx, logDir) => (runtime = new HostRuntime({ logDir, cwd })) : undefined,
  });
  // DNS and the operators are not needed here.
  const components = [
    ...COMPONENTS.filter((c) => c.name !== 'dns' && c.name !== 'etcd-operator').map((c) => (c.name === 'node-agent' ? agent : c)),
    ...(opts.extraComponents ?? []),
  ];
  const berth = await startBerth({
    dataDir, port: 0, components,
    // 'sim' for the rest of the node (networking, node info); the HostRuntime replaces the simulated pods.
    runtime: { nodes: 1, simStartDelayMs: opts.simStartDelayMs ?? 0, dnsPort: 0, featureGates: {}, controllers: true, runtime: 'sim' },
  });
  return {
    berth, kubeconfig: berth.kubeconfigPath, home, cwd, dataDir, runtime,
    async stop() {
      await berth.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
