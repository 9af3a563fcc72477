// `berth operator etcd`: run the EtcdCluster operator against any cluster (KUBECONFIG or --kubeconfig, or the
// pod's ServiceAccount with --in-cluster), or print its installable manifest.
import { Command, InvalidArgumentError } from 'commander';

function port(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError('--health-port must be an integer from 0 to 65535');
  return n;
}

interface EtcdCommandOptions {
  kubeconfig?: string;
  inCluster?: boolean;
  namespace?: string;
  printManifest?: boolean;
  manifestNamespace: string;
  image?: string;
  healthPort?: number;
  workers: string;
  leaderElect?: boolean;
  leaseNamespace?: string;
}

export function registerOperatorCommand(program: Command): void {
  const operator = program.command('operator').description('run an operator bundled with Berth');
  operator
    .command('etcd')
    .description('run the EtcdCluster operator (etcd.database.coreos.com/v1beta2); installs its CRD if missing')
    .option('--kubeconfig <path>', 'kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--in-cluster', "use the pod's ServiceAccount (when running as the Deployment)")
    .option('--namespace <ns>', 'watch only this namespace (default: all namespaces)')
    .option('--print-manifest', 'print the CRD, RBAC and Deployment as YAML for kubectl apply -f, and exit')
    .option('--manifest-namespace <ns>', 'namespace of the operator Deployment in the printed manifest', 'default')
    .option('--image <image>', 'image of the operator Deployment in the printed manifest')
    .option('--health-port <port>', 'serve /healthz and /readyz on this port', port)
    .option('--workers <n>', 'concurrent reconciles', '4')
    .option('--leader-elect', 'run as one of several replicas: only the holder of the Lease etcd-operator reconciles')
    .option('--lease-namespace <ns>', 'namespace of the Lease (default: $MY_POD_NAMESPACE, else default)')
    .action(async (opts: EtcdCommandOptions) => {
      // The operator's modules load only when this command runs, keeping them off `berth up`'s start-up path.
      if (opts.printManifest) {
        const { operatorManifestYaml } = await import('../operators/etcd/install.js');
        process.stdout.write(operatorManifestYaml({ namespace: opts.manifestNamespace, image: opts.image }));
        return;
      }
      const { runEtcdOperator } = await import('../operators/etcd/run.js');
      const running = await runEtcdOperator({
        kubeconfigPath: opts.kubeconfig, inCluster: opts.inCluster, namespace: opts.namespace,
        healthPort: opts.healthPort ?? (opts.inCluster ? 8080 : undefined), workers: Number(opts.workers) || 4,
        leaderElection: opts.leaderElect
          ? { namespace: opts.leaseNamespace ?? process.env.MY_POD_NAMESPACE ?? 'default', identity: process.env.MY_POD_NAME || undefined }
          : undefined,
        log: (line) => process.stdout.write(`${line}\n`),
      });
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`etcd-operator: ${signal}, shutting down\n`);
        running.stop().then(() => process.exit(0), (e) => {
          console.error(e);
          process.exit(1);
        });
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
