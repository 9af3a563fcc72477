// `berth controller-manager` and `berth scheduler`: kube-controller-manager's and kube-scheduler's share of Berth's
// components as processes of their own, each talking to the API through a kubeconfig. Several may run; leader
// election on a Lease in kube-system (kube-controller-manager, kube-scheduler: upstream's names) lets one act, and
// when it dies a standby takes over once the Lease expires. A leader that loses its Lease exits, as upstream's do.
import { Command } from 'commander';
import { join, resolve } from 'node:path';
import { goDurationMs } from './etcd-flags.js';
import { stopOnSignals } from './signals.js';

interface ProcessSpec {
  command: string;
  /** The kubeconfig kubeadm writes for it (<data-dir>/<file>), with a certificate for its user. */
  kubeconfig: string;
  description: string;
  lease: string;
  components: string[];
}

const SPECS: ProcessSpec[] = [
  {
    command: 'controller-manager', lease: 'kube-controller-manager', kubeconfig: 'controller-manager.conf',
    description: 'run the controllers (kube-controller-manager\'s share, with namespace deletion and garbage collection) against an API server',
    components: ['namespace-controller', 'garbage-collector', 'kube-controller-manager', 'local-provisioner'],
  },
  {
    command: 'scheduler', lease: 'kube-scheduler', kubeconfig: 'scheduler.conf',
    description: 'run the scheduler against an API server',
    components: ['scheduler'],
  },
];

interface Flags {
  dataDir: string;
  kubeconfig?: string;
  leaderElect: boolean;
  leaderElectLeaseDuration: number;
  leaderElectRenewDeadline: number;
  leaderElectRetryPeriod: number;
  clusterCidr: string;
  nodeMonitorGracePeriod: number;
  nodeMonitorPeriod: number;
}

export function registerControlPlaneCommands(program: Command): void {
  for (const spec of SPECS) {
    program
      .command(spec.command)
      .description(spec.description)
      .option('--data-dir <dir>', 'the cluster\'s data dir (its pki/ca.crt, volumes of the local provisioner)', '.berth')
      .option('--kubeconfig <file>', `how to reach the API server, and as whom (default: <data-dir>/${spec.kubeconfig}, written by the API server)`)
      .option('--cluster-cidr <cidr>', 'pod IP range; each Node gets a /24 of it (controller-manager\'s node IPAM)', '10.244.0.0/16')
      .option('--node-monitor-grace-period <duration>', 'a node not heard from for this long becomes Unknown (NotReady) and tainted unreachable', goDurationMs('--node-monitor-grace-period'), 50_000)
      .option('--node-monitor-period <duration>', 'how often node health is checked', goDurationMs('--node-monitor-period'), 5_000)
      .option('--no-leader-elect', 'act at once, without a Lease (only when a single instance runs)')
      .option('--leader-elect-lease-duration <duration>', 'how long standbys wait after the last renewal before taking over', goDurationMs('--leader-elect-lease-duration'), 15_000)
      .option('--leader-elect-renew-deadline <duration>', 'how long the leader keeps trying to renew before it gives up', goDurationMs('--leader-elect-renew-deadline'), 10_000)
      .option('--leader-elect-retry-period <duration>', 'how often candidates try to acquire or renew', goDurationMs('--leader-elect-retry-period'), 2_000)
      .action((flags: Flags) => run(spec, flags));
  }
}

async function run(spec: ProcessSpec, flags: Flags): Promise<void> {
  const [{ componentProcess }, { LeaderElector }] = await Promise.all([import('../host/component-process.js'), import('../sdk/leader-election.js')]);
  const dataDir = resolve(flags.dataDir);
  const proc = componentProcess({
    kubeconfigPath: resolve(flags.kubeconfig ?? join(dataDir, spec.kubeconfig)), dataDir, runtime: {
      clusterCidr: flags.clusterCidr, nodeMonitorGracePeriodMs: flags.nodeMonitorGracePeriod, nodeMonitorPeriodMs: flags.nodeMonitorPeriod,
    },
    announce: (line) => process.stdout.write(`${line}\n`),
  });
  let stopping = false;
  if (!flags.leaderElect) {
    await proc.start(spec.components);
    process.stdout.write(`${spec.command}: running\n`);
    stopOnSignals(async () => {
      await proc.stop();
      await proc.close();
    });
    return;
  }
  const elector = new LeaderElector(proc.clients.client, {
    name: spec.lease, namespace: 'kube-system',
    leaseDurationMs: flags.leaderElectLeaseDuration, renewDeadlineMs: flags.leaderElectRenewDeadline, retryPeriodMs: flags.leaderElectRetryPeriod,
  }, {
    onStartedLeading: () => {
      process.stdout.write(`${spec.command}: leading as ${elector.identity}\n`);
      proc.start(spec.components).catch((e: unknown) => {
        console.error(`berth ${spec.command}: starting:`, e);
        process.exit(1);
      });
    },
    onStoppedLeading: () => {
      if (stopping) return;
      // Another instance may act from now on: stop at once rather than act without the Lease.
      console.error(`berth ${spec.command}: leaderelection lost`);
      process.exit(1);
    },
    onNewLeader: (identity) => {
      if (identity !== elector.identity) process.stdout.write(`${spec.command}: ${identity || 'nobody'} leads\n`);
    },
  });
  process.stdout.write(`${spec.command}: campaigning for kube-system/${spec.lease} as ${elector.identity}\n`);
  elector.run();
  stopOnSignals(async () => {
    stopping = true;
    await proc.stop();
    await elector.stop();
    await proc.close();
  });
}
