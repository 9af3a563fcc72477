// Connecting to an etcd cluster the way kube-apiserver's --etcd-servers, --etcd-cafile, --etcd-certfile and
// --etcd-keyfile describe it, through the etcd3 client (gRPC, one connection per member, failing over between them).
import { readFileSync } from 'node:fs';
import { Etcd3, type IOptions } from 'etcd3';
import { etcdCallPolicy, noteEtcdCall } from './retry-policy.js';

export interface EtcdConnectionOptions {
  /** Client URLs of the members, e.g. ['http://127.0.0.1:2379']; https URLs need `caFile`. */
  servers: string[];
  /** CA bundle that signed the members' serving certificates (--etcd-cafile). */
  caFile?: string;
  /** Client certificate and key presented to etcd (--etcd-certfile, --etcd-keyfile). */
  certFile?: string;
  keyFile?: string;
  /** Deadline of one unary call (default 10 s); watch streams have none. */
  requestTimeoutMs?: number;
}

export function parseEtcdServers(list: string): string[] {
  const servers = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (servers.length === 0) throw new Error('--etcd-servers: at least one URL is needed');
  for (const s of servers) {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      throw new Error(`--etcd-servers: ${JSON.stringify(s)} is not a URL (e.g. http://127.0.0.1:2379)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--etcd-servers: ${s}: the scheme must be http or https`);
  }
  return servers;
}

export function connectEtcd(opts: EtcdConnectionOptions): Etcd3 {
  const tls = opts.servers.some((s) => s.startsWith('https:'));
  if ((opts.certFile === undefined) !== (opts.keyFile === undefined)) throw new Error('--etcd-certfile and --etcd-keyfile go together');
  if (tls && !opts.caFile) throw new Error('--etcd-cafile is needed for https etcd servers');
  const timeout = opts.requestTimeoutMs ?? 10_000;
  const options: IOptions = {
    hosts: opts.servers.map((s) => new URL(s).host),
    // Lists of many objects and replayed watch history can be large: no client-side message limit. Keepalive pings
    // notice a member that vanished without closing its connections (a killed host) within seconds.
    // grpc-js's own retry layer (it buffers every message of every call) and channelz call tracking cost CPU on each
    // call and buy nothing here: etcd3 retries on another member itself, and nobody reads channelz.
    // Its retries follow clientv3's: reads after a transient failure, writes only when never sent (retry-policy.ts).
    grpcOptions: {
      'grpc.enable_retries': 0,
      'grpc.enable_channelz': 0,
      'grpc.max_receive_message_length': -1,
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
    },
    faultHandling: { global: etcdCallPolicy() },
    defaultCallOptions: (ctx) => {
      noteEtcdCall(ctx);
      return ctx.isStream ? {} : { deadline: Date.now() + timeout };
    },
  };
  if (tls || opts.caFile) {
    options.credentials = {
      rootCertificate: readFileSync(opts.caFile!),
      ...(opts.certFile ? { certChain: readFileSync(opts.certFile), privateKey: readFileSync(opts.keyFile!) } : {}),
    };
  }
  return new Etcd3(options);
}
