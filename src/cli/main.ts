#!/usr/bin/env -S node --max-semi-space-size=32
// The `berth` command. A 32 MiB young generation (twice Node's default) lets the API server's short-lived request
// and event objects die young: a tenth less CPU in the StatefulSet burst benchmark (bench/README.md).
import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { formatCidr, parseCidr } from '../networking/ipv4.js';
import { startBerth } from '../host/berth.js';
import { addEtcdOptions, etcdOptionsFrom, type EtcdFlags } from './etcd-flags.js';
import { registerApiServerCommand } from './apiserver.js';
import { registerControlPlaneCommands } from './control-plane.js';
import { registerNodeCommands } from './node.js';
import { registerOperatorCommand } from './operator.js';
import { SHUTDOWN_DEADLINE_MS, SHUTDOWN_DEADLINE_WITH_PODS_MS, stopOnSignals } from './signals.js';
import { setVerbosity } from '../controllers/common/sync-errors.js';
import { registerCrdCommand } from './crd.js';
import { registerImagesCommand } from './images.js';
import { addWatchHistoryOption, int, watchHistoryBytes } from './watch-history-flag.js';

function boolFlag(name: string) {
  return (v: string) => {
    if (v !== 'true' && v !== 'false') throw new InvalidArgumentError(`${name} must be true or false`);
    return v === 'true';
  };
}

function runtimeChoice(v: string): 'auto' | 'process' | 'sim' {
  if (v !== 'auto' && v !== 'process' && v !== 'sim') throw new InvalidArgumentError('--runtime must be process, sim or auto');
  return v;
}

function cidr(flag: string) {
  return (v: string) => {
    const c = parseCidr(v);
    if (!c || !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(v)) throw new InvalidArgumentError(`${flag} must be an IPv4 CIDR such as 10.244.0.0/16`);
    return formatCidr(c);
  };
}

function parseFeatureGates(v: string): Record<string, boolean> {
  const gates: Record<string, boolean> = {};
  for (const part of v.split(',').filter(Boolean)) {
    const m = /^([A-Za-z0-9]+)=(true|false)$/.exec(part.trim());
    if (!m) throw new InvalidArgumentError(`invalid feature gate ${JSON.stringify(part)}: want Name=true|false`);
    gates[m[1]] = m[2] === 'true';
  }
  return gates;
}

const program = new Command();
program.name('berth').description('A Kubernetes-compatible control plane for stateful workloads, on embedded SQLite');

addWatchHistoryOption(addEtcdOptions(program
  .command('up')))
  .description('start the API server, controllers and node agent in the foreground')
  .option('--data-dir <dir>', 'where state, certificates and the kubeconfig live', '.berth')
  .option('--port <port>', 'HTTPS port (0 picks a free one)', int('--port', 0, 65535), 6443)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--nodes <n>', 'nodes the node agent registers', int('--nodes', 0, 1000), 3)
  .option('--runtime <runtime>', 'how pods run: process (real processes; needs root on Linux), sim (simulated) or auto', runtimeChoice, 'auto')
  .option('--cluster-cidr <cidr>', 'pod IP range, one /24 per node', cidr('--cluster-cidr'), '10.244.0.0/16')
  .option('--service-cidr <cidr>', 'Service ClusterIP range', cidr('--service-cidr'), '10.96.0.0/12')
  .option('--sim-start-delay <ms>', 'how long a simulated container takes to start', int('--sim-start-delay', 0, 600000), 300)
  .option('--dns-port <port>', 'cluster DNS port on 127.0.0.1 (0 picks a free one)', int('--dns-port', 0, 65535), 0)
  .option('--feature-gates <gates>', 'comma-separated Name=true|false, e.g. MaxUnavailableStatefulSet=true', parseFeatureGates, {})
  .option('--no-controllers', 'serve the API only (no controllers, node agent, scheduler or DNS)')
  .option('--operator <name>', 'also run a bundled operator in-process (etcd); repeatable', (v: string, prev: string[]) => [...prev, v], [] as string[])
  .option('--no-default-storage-class', "don't create the default StorageClass 'standard'")
  .option('--authorization-mode <mode>', 'Node,RBAC (default) or AlwaysAllow (every authenticated request allowed; benchmarks)', authorizationMode, 'Node,RBAC')
  .option('--encryption-provider-config <file>', 'EncryptionConfiguration for data at rest (default: <data-dir>/encryption-config.yaml, made on first start)')
  .option('--audit-policy-file <file>', 'audit.k8s.io/v1 Policy (default: <data-dir>/audit-policy.yaml, made on first start)')
  .option('--audit-log-path <file>', 'where audit events go (default: <data-dir>/audit/audit.log)')
  .option('--audit-log-maxsize <mb>', 'rotate the audit log past this many megabytes', int('--audit-log-maxsize', 0, 1_000_000), 100)
  .option('--audit-log-maxbackup <n>', 'rotated audit logs kept', int('--audit-log-maxbackup', 0, 100_000), 10)
  .option('--enable-priority-and-fairness <bool>', 'API priority and fairness: classify, queue fairly, 429 when a level is full', boolFlag('--enable-priority-and-fairness'), true)
  .option('--max-requests-inflight <n>', 'seats (with --max-mutating-requests-inflight) shared out to the priority levels', int('--max-requests-inflight', 1, 100_000), 400)
  .option('--max-mutating-requests-inflight <n>', 'see --max-requests-inflight', int('--max-mutating-requests-inflight', 0, 100_000), 200)
  .option('--v <level>', "log verbosity, as klog's -v: 4 also prints controllers' expected races (an object deleted while being synced)", int('--v', 0, 10), 0)
  .action(async (opts: { enablePriorityAndFairness: boolean; maxRequestsInflight: number; maxMutatingRequestsInflight: number; authorizationMode: string; encryptionProviderConfig?: string; auditPolicyFile?: string; auditLogPath?: string; auditLogMaxsize: number; auditLogMaxbackup: number; dataDir: string; port: number; host: string; nodes: number; runtime: 'auto' | 'process' | 'sim'; clusterCidr: string; serviceCidr: string; simStartDelay: number; dnsPort: number; featureGates: Record<string, boolean>; controllers: boolean; defaultStorageClass: boolean; operator: string[]; watchHistoryMb: number; v: number } & EtcdFlags) => {
    if (opts.v) setVerbosity(opts.v);
    const announced: string[] = [];
    const berth = await startBerth({
      dataDir: resolve(opts.dataDir), port: opts.port, host: opts.host, etcd: etcdOptionsFrom(opts),
      historyMaxBytes: watchHistoryBytes(opts),
      runtime: { nodes: opts.nodes, runtime: opts.runtime, clusterCidr: opts.clusterCidr, serviceCidr: opts.serviceCidr, simStartDelayMs: opts.simStartDelay, dnsPort: opts.dnsPort, featureGates: opts.featureGates, controllers: opts.controllers, defaultStorageClass: opts.defaultStorageClass ? undefined : false, operators: opts.operator },
      announce: (line) => announced.push(line),
      authorization: opts.authorizationMode !== 'AlwaysAllow',
      priorityAndFairness: opts.enablePriorityAndFairness,
      serverConcurrency: opts.maxRequestsInflight + opts.maxMutatingRequestsInflight,
      encryptionProviderConfig: opts.encryptionProviderConfig ? resolve(opts.encryptionProviderConfig) : undefined,
      audit: {
        policyFile: opts.auditPolicyFile ? resolve(opts.auditPolicyFile) : undefined, logPath: opts.auditLogPath ? resolve(opts.auditLogPath) : undefined,
        maxSizeMB: opts.auditLogMaxsize, maxBackups: opts.auditLogMaxbackup,
      },
    });
    process.stdout.write(`kubeconfig: ${berth.kubeconfigPath}\n`);
    for (const line of announced) process.stdout.write(`${line}\n`);
    process.stdout.write(`server: ${berth.url}\n`);
    stopOnSignals(() => berth.close(), announced.includes('runtime: process') ? SHUTDOWN_DEADLINE_WITH_PODS_MS : SHUTDOWN_DEADLINE_MS);
  });

function authorizationMode(v: string): string {
  if (v !== 'Node,RBAC' && v !== 'RBAC' && v !== 'AlwaysAllow') throw new InvalidArgumentError('--authorization-mode: Node,RBAC, RBAC or AlwaysAllow');
  return v;
}

registerApiServerCommand(program);
registerControlPlaneCommands(program);
registerNodeCommands(program);
registerOperatorCommand(program);
registerCrdCommand(program);
registerImagesCommand(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`berth: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
