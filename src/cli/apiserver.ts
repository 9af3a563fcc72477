// `berth apiserver`: the API server alone, as kube-apiserver: no controllers, scheduler or node agent (run
// `berth controller-manager` and `berth scheduler` beside it). Several of them on one etcd serve one cluster; each
// has its own watch cache fed by etcd. They share a CA, serving and admin certificates from one data dir
// (--pki-from), so one kubeconfig (or a balancer in front of them) reaches them all.
import { Command } from 'commander';
import { resolve } from 'node:path';
import { startBerth } from '../host/berth.js';
import { COMPONENTS } from '../host/component-list.js';
import { addEtcdOptions, etcdOptionsFrom, type EtcdFlags } from './etcd-flags.js';
import { stopOnSignals } from './signals.js';
import { addWatchHistoryOption, watchHistoryBytes } from './watch-history-flag.js';

export function registerApiServerCommand(program: Command): void {
  addWatchHistoryOption(addEtcdOptions(program
    .command('apiserver')
    .description('run the API server alone (controllers, scheduler and nodes run as their own processes)')))
    .option('--data-dir <dir>', 'where this server\'s kubeconfig (and, without --pki-from, its certificates) live', '.berth-apiserver')
    .option('--pki-from <dir>', 'data dir whose pki/ holds the cluster\'s CA and certificates (created there when missing)')
    .option('--port <port>', 'HTTPS port (0 picks a free one)', (v: string) => Number(v), 6443)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--service-cidr <cidr>', 'Service ClusterIP range', '10.96.0.0/12')
    .action(async (opts: { dataDir: string; pkiFrom?: string; port: number; host: string; serviceCidr: string; watchHistoryMb: number } & EtcdFlags) => {
      const berth = await startBerth({
        dataDir: resolve(opts.dataDir), pkiDataDir: opts.pkiFrom ? resolve(opts.pkiFrom) : undefined,
        port: opts.port, host: opts.host, etcd: etcdOptionsFrom(opts), historyMaxBytes: watchHistoryBytes(opts),
        // The API's own parts only; namespace deletion and garbage collection run in the controller manager.
        components: COMPONENTS.filter((c) => !c.controller && !c.afterReady),
        runtime: { controllers: false, defaultStorageClass: true, serviceCidr: opts.serviceCidr },
      });
      process.stdout.write(`kubeconfig: ${berth.kubeconfigPath}\n`);
      process.stdout.write(`server: ${berth.url}\n`);
      stopOnSignals(() => berth.close());
    });
}
