// TEMPORARY: minimal stand-ins for kubelet pieces being written in parallel (src/nodeagent/kubelet/ for hosts,
// resolv.conf, environment and command; src/nodeagent/logs/ for the CRI log writer; src/nodeagent/images/ for the
// image catalog). Each function here is replaced by its real module as that lands; nothing else may grow here.
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { ContainerSpec, Pod } from '../types.js';

export function podHostname(pod: Pod): { hostname: string; domain?: string } {
  const hostname = (pod.spec.hostname || pod.metadata.name || '').slice(0, 63).replace(/[-.]+$/, '');
  const domain = pod.spec.subdomain ? `${pod.spec.subdomain}.${pod.metadata.namespace}.svc.cluster.local` : undefined;
  return { hostname, domain };
}

export function hostsFile(pod: Pod, podIP: string): string {
  const { hostname, domain } = podHostname(pod);
  const lines = ['# Kubernetes-managed hosts file.', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'fe00::0\tip6-mcastprefix', 'fe00::1\tip6-allnodes', 'fe00::2\tip6-allrouters'];
  lines.push(domain ? `${podIP}\t${hostname}.${domain}\t${hostname}` : `${podIP}\t${hostname}`);
  return lines.join('\n') + '\n';
}

export function resolvConf(pod: Pod, clusterDNS: string[]): string {
  const ns = pod.metadata.namespace;
  return `search ${ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${clusterDNS.join('\nnameserver ')}\noptions ndots:5\n`;
}

export function containerEnv(pod: Pod, c: ContainerSpec, podIP: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v: string) => env[v] ?? m);
    else if (e.valueFrom?.fieldRef?.fieldPath === 'status.podIP') env[e.name] = podIP;
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = pod.metadata.name ?? '';
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = pod.metadata.namespace ?? '';
  }
  return env;
}

export interface CriLog {
  write(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  close(): Promise<void>;
}

export function openCriLog(path: string): CriLog {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const out: WriteStream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  const partial: Record<string, string> = { stdout: '', stderr: '' };
  return {
    write(stream, chunk) {
      const text = partial[stream] + chunk.toString('utf8');
      const lines = text.split('\n');
      partial[stream] = lines.pop()!;
      for (const l of lines) out.write(`${new Date().toISOString().replace('Z', '000000Z')} ${stream} F ${l}\n`);
    },
    async close() {
      for (const s of ['stdout', 'stderr']) if (partial[s]) out.write(`${new Date().toISOString()} ${s} F ${partial[s]}\n`);
      await new Promise<void>((r) => out.end(() => r()));
    },
  };
}

export interface ImageConfig {
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingDir: string;
  stopSignal?: string;
}

const IMAGES: Record<string, ImageConfig> = {
  busybox: { entrypoint: [], cmd: ['sh'], env: [], workingDir: '/' },
  redis: { entrypoint: [], cmd: ['redis-server', '--protected-mode', 'no'], env: [], workingDir: '/data' },
  nginx: { entrypoint: [], cmd: ['nginx', '-g', 'daemon off;'], env: [], workingDir: '/', stopSignal: 'SIGQUIT' },
};

export function imageConfig(ref: string): ImageConfig | undefined {
  const repo = ref.replace(/[:@].*$/, '').split('/').pop()!;
  return IMAGES[repo] ?? { entrypoint: [], cmd: ['sh'], env: [], workingDir: '/' };
}
