// Runs catalog images the way the process runtime does, for tests of the images themselves (needs root): each
// container gets an overlay root (lower: the host's /, upper: a copy of the image's layer), its own mount, UTS,
// IPC and PID namespaces, a fresh /proc, private /run and /tmp, bind-mounted volumes, and the network namespace of
// its "pod" — namespaces the test creates and deletes, joined by a bridge in a namespace of their own, so that no
// packet reaches the host's network. Argv, env and working directory follow the kubelet's rules.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ImageConfig } from '../../src/nodeagent/images/types.js';
import { resolveOnHost } from '../../src/nodeagent/images/layer-store.js';

export const isRoot = () => process.getuid?.() === 0;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface Pod {
  name: string;
  netns: string;
  ip: string;
}

/** Network namespaces for `podNames`, each with lo up and eth0 on a private bridge (192.0.2.0/24, TEST-NET-1). */
export class PodNetwork {
  readonly pods: Pod[] = [];
  private readonly prefix = `bimg${randomBytes(3).toString('hex')}`;
  private readonly namespaces: string[] = [];

  constructor(podNames: string[]) {
    const sw = `${this.prefix}-sw`;
    try {
      this.addNetns(sw);
      ip('-n', sw, 'link', 'add', 'br0', 'type', 'bridge');
      ip('-n', sw, 'link', 'set', 'br0', 'up');
      podNames.forEach((name, i) => {
        const ns = `${this.prefix}-p${i}`;
        this.addNetns(ns);
        const a = `${this.prefix}a${i}`;
        const b = `${this.prefix}b${i}`;
        ip('link', 'add', a, 'type', 'veth', 'peer', 'name', b);
        ip('link', 'set', a, 'netns', ns, 'name', 'eth0');
        ip('link', 'set', b, 'netns', sw);
        ip('-n', sw, 'link', 'set', b, 'master', 'br0', 'up');
        const addr = `192.0.2.${10 + i}`;
        ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', 'eth0');
        ip('-n', ns, 'link', 'set', 'eth0', 'up');
        this.pods.push({ name, netns: ns, ip: addr });
      });
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** The kubelet-style /etc/hosts of a pod: localhost lines, then every pod as `<ip> <name>.<subdomain> <name>`. */
  hostsFile(subdomain: string): string {
    const lines = ['# Kubernetes-managed hosts file.', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
    for (const p of this.pods) lines.push(`${p.ip}\t${p.name}.${subdomain}\t${p.name}`);
    return `${lines.join('\n')}\n`;
  }

  pod(name: string): Pod {
    const p = this.pods.find((x) => x.name === name);
    if (!p) throw new Error(`no pod ${name}`);
    return p;
  }

  close(): void {
    for (const ns of this.namespaces.splice(0)) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // already gone
      }
    }
  }

  private addNetns(ns: string): void {
    ip('netns', 'add', ns);
    this.namespaces.push(ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface ContainerSpec {
  /** The image's layer directory (ImageCatalog.pull → layerDir) and config. */
  layerDir: string;
  config: ImageConfig;
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  pod: Pod;
  /** Bind mounts: host directory → path in the container. */
  mounts?: { hostPath: string; containerPath: string }[];
  /** Files written into the container's root before it starts (e.g. /etc/hosts, /etc/hostname). */
  files?: Record<string, string>;
}

/** Container argv as the kubelet builds it: command replaces ENTRYPOINT (and drops CMD), args replace CMD. */
export function containerArgv(config: ImageConfig, command?: string[], args?: string[]): string[] {
  if (command?.length) return [...command, ...(args ?? [])];
  return [...(config.entrypoint ?? []), ...(args?.length ? args : config.cmd ?? [])];
}

const MAX_OUTPUT = 4 * 1024 * 1024;

export class Container {
  readonly proc: ChildProcess;
  readonly exited: Promise<number>;
  readonly env: Record<string, string>;
  private readonly scratch: string;
  private readonly logFile: string;
  private finalOutput?: string;

  constructor(readonly spec: ContainerSpec) {
    this.scratch = mkdtempSync(join(tmpdir(), 'berth-image-ctr-'));
    const upper = join(this.scratch, 'upper');
    const work = join(this.scratch, 'work');
    const root = join(this.scratch, 'root');
    mkdirSync(work);
    mkdirSync(root);
    execFileSync('cp', ['-a', `${spec.layerDir}/.`, `${upper}/`]);
    for (const [path, content] of Object.entries(spec.files ?? {})) {
      const dest = join(upper, resolveOnHost('/', path));
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, content);
    }
    const env: Record<string, string> = {};
    for (const kv of spec.config.env ?? []) env[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
    Object.assign(env, { HOSTNAME: spec.pod.name }, spec.env ?? {});
    this.env = env;
    const argv = containerArgv(spec.config, spec.command, spec.args);
    const cwd = spec.config.workingDir ?? '/';
    const setup = [
      'set -e',
      `hostname ${quote(spec.pod.name)}`,
      `mount -t overlay overlay -o ${quote(`lowerdir=/,upperdir=${upper},workdir=${work}`)} ${quote(root)}`,
      `mount --rbind /dev ${quote(`${root}/dev`)}`,
      `mount -t proc proc ${quote(`${root}/proc`)}`,
      `mount -t tmpfs -o mode=755 tmpfs ${quote(`${root}/run`)}`,
      `mount -t tmpfs -o mode=1777 tmpfs ${quote(`${root}/tmp`)}`,
      // Mount points are resolved inside the container's root (/var/run/etcd is /run/etcd), never through the
      // host's absolute symlinks.
      ...(spec.mounts ?? []).flatMap((m) => {
        const target = root + resolveOnHost('/', m.containerPath);
        return [`mkdir -p ${quote(target)}`, `mount --bind ${quote(m.hostPath)} ${quote(target)}`];
      }),
      // The image's host directories, read-only at the same path (as the process runtime binds them).
      ...(spec.config.hostPaths ?? []).flatMap((p) => [`mkdir -p ${quote(root + p)}`, `mount --bind -o ro ${quote(p)} ${quote(root + p)}`]),
      `exec chroot ${quote(root)} /usr/bin/env -i ${Object.entries(env).map(([k, v]) => quote(`${k}=${v}`)).join(' ')} `
        + `/bin/sh -c 'cd "$0" && exec "$@"' ${[cwd, ...argv].map(quote).join(' ')}`,
    ].join('\n');
    // Output goes to a file, as a container runtime's log would: stdout and stderr must be files or pipes, not the
    // socketpair Node's stdio 'pipe' makes (nginx opens /dev/stdout, which fails on a socket with ENXIO).
    this.logFile = join(this.scratch, 'output.log');
    const fd = openSync(this.logFile, 'a');
    this.proc = spawn('ip', [
      'netns', 'exec', spec.pod.netns,
      'unshare', '--mount', '--uts', '--ipc', '--pid', '--fork', '--kill-child', '--propagation', 'private',
      '--', '/bin/sh', '-c', setup,
    ], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? 9 : 0))));
  }

  /** What the container wrote to stdout and stderr so far. */
  output(): string {
    if (this.finalOutput !== undefined) return this.finalOutput;
    try {
      const text = readFileSync(this.logFile, 'utf8');
      return text.length > MAX_OUTPUT ? text.slice(-MAX_OUTPUT) : text;
    } catch {
      return '';
    }
  }

  /** The container's PID 1 on the host (the child of unshare). */
  pid1(): number {
    const children = readFileSync(`/proc/${this.proc.pid}/task/${this.proc.pid}/children`, 'utf8').trim().split(/\s+/);
    const pid = Number(children[0]);
    if (!Number.isInteger(pid) || pid <= 1) throw new Error('the container has no PID 1 (not started, or gone)');
    return pid;
  }

  /** Like `kubectl exec`: a command in the container's namespaces, root and working directory, with its env. */
  exec(argv: string[], timeoutMs = 30_000): Promise<{ code: number; out: string }> {
    let pid: number;
    try {
      pid = this.pid1();
    } catch (e) {
      return Promise.resolve({ code: -1, out: (e as Error).message });
    }
    return new Promise((resolve) => {
      const p = spawn('nsenter', ['-t', String(pid), '-m', '-u', '-i', '-n', '-p', '-r', '-w', '--', ...argv], {
        env: this.env, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      p.stdout!.on('data', (b: Buffer) => (out += b.toString()));
      p.stderr!.on('data', (b: Buffer) => (out += b.toString()));
      const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
      p.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, out });
      });
    });
  }

  /**
   * Kills every process of the container and removes its root. PID 1 is killed by its own PID (the kernel then kills
   * the rest of its PID namespace): unshare's --kill-child is not enough, since a PID 1 that drops privileges
   * (redis and mysql switch to their users) loses its parent-death signal.
   */
  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      try {
        process.kill(this.pid1(), 'SIGKILL');
      } catch {
        // not started yet, or gone
      }
      this.proc.kill('SIGKILL');
    }
    await this.exited;
    this.finalOutput = this.output();
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

/** Runs a container to completion (an init container); rejects with its output when it fails. */
export async function runToCompletion(spec: ContainerSpec, timeoutMs = 120_000): Promise<string> {
  const c = new Container(spec);
  const timer = setTimeout(() => c.proc.kill('SIGKILL'), timeoutMs);
  try {
    const code = await c.exited;
    if (code !== 0) throw new Error(`container exited with ${code}:\n${c.output()}`);
    return c.output();
  } finally {
    clearTimeout(timer);
    await c.stop();
  }
}

/** Polls `fn` every `everyMs` until it returns a value or `timeoutMs` passes. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
