// One run of a container (what containerd calls a container plus its task): a fresh writable layer seeded with the
// image's files, its own cgroup, the berth-run helper entering the pod sandbox's namespaces and starting the
// program as PID 1 of a new PID namespace, its output written to the CRI log and handed to attached clients. A
// restart is a new ContainerInstance, as upstream (the old writable layer is gone).
import { chmodSync, copyFileSync, existsSync, lchownSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTerminationMessageFile, TerminationMessageFile } from '../kubelet/exit-status.js';
import type { CgroupTree } from './cgroups.js';
import { ExitStatus, launch, Launched, signalNumber } from './helper.js';
import type { ContainerLogWriter } from '../logs/writer.js';
import { ContainerFilesystem, mountDirectives, VolumeMount } from './mount-plan.js';
import type { Sandbox } from './sandbox.js';

export const RUNTIME_SCHEME = 'berth';

export interface ProcessSpec {
  argv: string[];
  env: Record<string, string>;
  uid: number;
  gid: number;
  groups: number[];
  capabilities: number[] | 'all';
  noNewPrivileges: boolean;
  stdin: boolean;
  tty: boolean;
  oomScoreAdj?: number;
}

export interface ContainerInstanceOptions {
  /** 64 hex digits, as containerd's ids. */
  id: string;
  /** Host pid of another container's PID 1 whose PID namespace this one joins (ephemeral `--target`). */
  pidNamespaceOf?: number;
  /** Where this run's writable layer, root mount point and termination-message file live. */
  dir: string;
  sandbox: Sandbox;
  cgroups: CgroupTree;
  /** The container's cgroup, relative to the instance's top. */
  cgroup: string;
  /** Its control files (cgroupV1Files / cgroupV2Files of the container's resources). */
  cgroupFiles: Record<string, string>;
  /** Files the image adds on top of the host root, copied into the writable layer; undefined: none. */
  imageLayer?: string;
  /** The image's VOLUME paths: each gets a fresh directory (seeded from the layer) unless a pod volume is mounted there. */
  imageVolumes?: string[];
  filesystem: Omit<ContainerFilesystem, 'rootfs' | 'upper' | 'work' | 'terminationLog'> & { terminationMessagePath?: string };
  process: ProcessSpec;
  log: ContainerLogWriter;
}

export interface ContainerExit extends ExitStatus {
  oomKilled: boolean;
  startedAt: Date;
  finishedAt: Date;
  /** The termination-message file as the kubelet reads it (its last 4 KiB). */
  terminationFile: TerminationMessageFile;
}

type OutputListener = (stream: 'stdout' | 'stderr', chunk: Buffer) => void;

export class ContainerInstance {
  readonly id: string;
  readonly containerID: string;
  private launched?: Launched;
  private readonly listeners = new Set<OutputListener>();
  /** Host pid of the container's PID 1, once it runs. */
  mainPid?: number;
  startedAt?: Date;
  private exitPromise?: Promise<ContainerExit>;

  /** This run's CRI log writer (pods/log follows it while the run lasts). */
  get log(): ContainerLogWriter {
    return this.opts.log;
  }

  constructor(private readonly opts: ContainerInstanceOptions) {
    this.id = opts.id;
    this.containerID = `${RUNTIME_SCHEME}://${opts.id}`;
  }

  get process(): ProcessSpec {
    return this.opts.process;
  }

  get cgroup(): string {
    return this.opts.cgroup;
  }

  /** Starts the program; rejects with StartError (and leaves nothing behind) when it cannot be started. */
  async start(): Promise<void> {
    const { dir } = this.opts;
    const paths = { rootfs: join(dir, 'rootfs'), upper: join(dir, 'upper'), work: join(dir, 'work') };
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The upper layer's root is the container's `/`: world-searchable, as an image's root is.
    for (const p of Object.values(paths)) mkdirSync(p, { mode: 0o755 });
    if (this.opts.imageLayer && existsSync(this.opts.imageLayer)) copyTree(this.opts.imageLayer, paths.upper);
    // Image VOLUMEs not covered by a pod volume: fresh per container, as containerd makes them (the host's own
    // /var/lib/mysql must not show through).
    const anonymous: VolumeMount[] = [];
    (this.opts.imageVolumes ?? []).forEach((target, i) => {
      if (this.opts.filesystem.volumes.some((v) => v.target.replace(/\/+$/, '') === target.replace(/\/+$/, ''))) return;
      const source = join(dir, 'volumes', String(i));
      const fromLayer = this.opts.imageLayer ? join(this.opts.imageLayer, target) : '';
      if (fromLayer && existsSync(fromLayer)) copyTree(fromLayer, source);
      else mkdirSync(source, { recursive: true, mode: 0o755 });
      anonymous.push({ source, target, readOnly: false });
    });
    let terminationLog: ContainerFilesystem['terminationLog'];
    const tmPath = this.opts.filesystem.terminationMessagePath ?? '/dev/termination-log';
    if (tmPath) {
      const source = join(dir, 'termination-log');
      writeFileSync(source, '', { mode: 0o666 });
      terminationLog = { source, target: tmPath };
    }
    this.opts.cgroups.create(this.opts.cgroup, this.opts.cgroupFiles);
    const p = this.opts.process;
    const sb = this.opts.sandbox;
    const directives = ['pdeathsig'];
    for (const f of this.opts.cgroups.procsFiles(this.opts.cgroup)) directives.push('cgroup', f);
    if (p.oomScoreAdj !== undefined) directives.push('oomscore', String(p.oomScoreAdj));
    directives.push('join', 'net', sb.ns('net'), 'join', 'uts', sb.ns('uts'), 'join', 'ipc', sb.ns('ipc'));
    if (this.opts.pidNamespaceOf) directives.push('join', 'pid', `/proc/${this.opts.pidNamespaceOf}/ns/pid`, 'unshare', 'mnt', 'fork');
    else directives.push('unshare', 'mnt,pid', 'fork');
    directives.push(...mountDirectives({ ...this.opts.filesystem, volumes: [...anonymous, ...this.opts.filesystem.volumes], ...paths, terminationLog }));
    directives.push('session', 'caps', p.capabilities === 'all' ? 'all' : p.capabilities.join(',') || '-');
    if (p.noNewPrivileges) directives.push('nonewprivs');
    directives.push('user', String(p.uid), String(p.gid), p.groups.length ? p.groups.join(',') : '-');
    directives.push('exec', String(p.argv.length), ...p.argv);
    const launched = launch(directives, { env: p.env, stdin: p.stdin && !p.tty, tty: p.tty ? { cols: 80, rows: 24 } : undefined });
    this.launched = launched;
    const emit = (stream: 'stdout' | 'stderr', chunk: Buffer) => {
      this.opts.log.write(stream, chunk);
      for (const l of this.listeners) l(stream, chunk);
    };
    if (launched.pty) launched.pty.onData((d) => emit('stdout', Buffer.isBuffer(d) ? d : Buffer.from(d)));
    launched.stdout?.on('data', (d: Buffer) => emit('stdout', d));
    launched.stderr?.on('data', (d: Buffer) => emit('stderr', d));
    launched.stdin?.on('error', () => {}); // a program that exits with unread stdin
    const outputDone = Promise.all([launched.stdout, launched.stderr].filter(Boolean).map((s) => new Promise<void>((r) => s!.once('close', () => r()))));
    this.exitPromise = launched.exited.then(async (st) => {
      const finishedAt = new Date();
      await Promise.race([outputDone, new Promise((r) => setTimeout(r, 2000))]);
      await this.opts.log.close();
      // Its own cgroup: any OOM kill in it was this run's.
      const oomKilled = this.opts.cgroups.oomKills(this.opts.cgroup) > 0 && (st.signal === 9 || st.exitCode === 137);
      const terminationFile = terminationLog ? await readTerminationMessageFile(terminationLog.source) : {};
      await this.opts.cgroups.destroy(this.opts.cgroup);
      rmSync(dir, { recursive: true, force: true });
      return { ...st, oomKilled, startedAt: this.startedAt ?? finishedAt, finishedAt, terminationFile };
    });
    try {
      this.mainPid = await launched.started;
      this.startedAt = new Date();
    } catch (e) {
      await this.exitPromise.catch(() => {});
      throw e;
    }
  }

  /** Resolves when the program has exited and its run is cleaned up. */
  get exited(): Promise<ContainerExit> {
    if (!this.exitPromise) throw new Error('container not started');
    return this.exitPromise;
  }

  get running(): boolean {
    return !!this.launched && this.launched.exitStatus === undefined;
  }

  signal(name: NodeJS.Signals | string): void {
    this.launched?.kill(name as NodeJS.Signals);
  }

  /**
   * The kubelet's killContainer after the preStop hook: the stop signal, then SIGKILL once `graceMs` have passed
   * without an exit.
   */
  async stop(graceMs: number, stopSignal = 'SIGTERM'): Promise<ContainerExit> {
    const exited = this.exited;
    if (!this.running) return exited;
    this.signal(signalNumber(stopSignal) ? stopSignal : 'SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), Math.max(0, graceMs));
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Output of the main process as it is written (attach). Returns a function that stops listening. */
  onOutput(listener: OutputListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Writes to the main process's stdin (containers with stdin: true). */
  writeStdin(chunk: Buffer): boolean {
    if (this.launched?.pty) {
      this.launched.pty.write(chunk);
      return true;
    }
    return this.launched?.stdin?.write(chunk) ?? false;
  }

  endStdin(): void {
    this.launched?.stdin?.end();
  }

  resize(cols: number, rows: number): void {
    try {
      this.launched?.pty?.resize(Math.max(1, cols), Math.max(1, rows));
    } catch {
      // the terminal closed meanwhile
    }
  }
}

/** `cp -a src/. dst/`: files, directories and symlinks with their modes and owners (an image's /data is redis's). */
export function copyTree(src: string, dst: string): void {
  const st = lstatSync(src);
  if (st.isSymbolicLink()) {
    try {
      symlinkSync(readlinkSync(src), dst);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  } else if (st.isDirectory()) {
    mkdirSync(dst, { recursive: true });
    for (const name of readdirSync(src)) copyTree(join(src, name), join(dst, name));
    chmodSync(dst, st.mode & 0o7777);
  } else {
    copyFileSync(src, dst);
    chmodSync(dst, st.mode & 0o7777);
  }
  lchownSync(dst, st.uid, st.gid);
}
