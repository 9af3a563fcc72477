// kube-apiserver's etcd flags, shared by `berth up` and `berth apiserver`.
import { Command, InvalidArgumentError } from 'commander';
import { parseEtcdServers } from '../storage/etcd/client.js';
import type { EtcdStorageOptions } from '../storage/open.js';

export interface EtcdFlags {
  etcdServers?: string[];
  etcdCafile?: string;
  etcdCertfile?: string;
  etcdKeyfile?: string;
  etcdPrefix: string;
  etcdCompactionInterval: number;
}

/** A Go duration as kube flags take them (`300ms`, `15s`, `5m`, `1h`, `0`), in milliseconds. */
export function goDurationMs(flag: string) {
  return (v: string): number => {
    if (v === '0') return 0;
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v);
    if (!m) throw new InvalidArgumentError(`${flag} must be a duration such as 500ms, 15s or 5m`);
    return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h']);
  };
}

export function addEtcdOptions(cmd: Command): Command {
  return cmd
    .option('--etcd-servers <urls>', 'store objects in etcd instead of SQLite: comma-separated client URLs, e.g. http://127.0.0.1:2379', (v: string) => {
      try {
        return parseEtcdServers(v);
      } catch (e) {
        throw new InvalidArgumentError((e as Error).message);
      }
    })
    .option('--etcd-cafile <file>', 'CA bundle that signed the etcd members\' serving certificates')
    .option('--etcd-certfile <file>', 'client certificate presented to etcd')
    .option('--etcd-keyfile <file>', 'key of the client certificate')
    .option('--etcd-prefix <prefix>', 'prefix of every key Berth writes in etcd', '/registry')
    .option('--etcd-compaction-interval <duration>', 'how often etcd history is compacted (0 turns compaction off)', goDurationMs('--etcd-compaction-interval'), 300_000);
}

export function etcdOptionsFrom(flags: EtcdFlags): EtcdStorageOptions | undefined {
  const tlsFlags = flags.etcdCafile || flags.etcdCertfile || flags.etcdKeyfile;
  if (!flags.etcdServers) {
    if (tlsFlags) throw new InvalidArgumentError('--etcd-cafile, --etcd-certfile and --etcd-keyfile need --etcd-servers');
    return undefined;
  }
  if (!flags.etcdPrefix.startsWith('/')) throw new InvalidArgumentError(`--etcd-prefix must start with '/': ${flags.etcdPrefix}`);
  return {
    servers: flags.etcdServers, caFile: flags.etcdCafile, certFile: flags.etcdCertfile, keyFile: flags.etcdKeyfile,
    prefix: flags.etcdPrefix, compactionIntervalMs: flags.etcdCompactionInterval,
  };
}
