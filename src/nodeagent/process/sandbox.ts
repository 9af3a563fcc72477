// A pod's sandbox, as the pause container is upstream: one small process (berth-run `pause`) holding the pod's
// network, UTS and IPC namespaces for as long as the pod lives, with the hostname set and loopback up. Its eth0 is
// one end of a veth pair whose other end is on the instance's bridge; berth-run makes the pair and addresses it
// itself (`podnet`), so a sandbox is one process start. Nothing is named on the host (no
// /run/netns entry): when the holder dies — deleted pod, Ctrl-C, or Berth killed with -9 taking it along through
// the parent-death signal — the kernel drops the namespaces and the veth pair with it.
import { launch, Launched, StartError } from './helper.js';

export interface SandboxSpec {
  hostname: string;
  podIP: string;
  /** Prefix length of the node subnet the pod IP is in (24). */
  prefixLength: number;
  gateway: string;
  /** The whole pod range, reached on-link over the bridge (pods of every Berth node share it). */
  clusterCidr: string;
  bridge: string;
  veth: string;
  /** cgroup.procs files the holder joins (the pod's cgroup). */
  cgroupProcs: string[];
}

export type NamespaceType = 'net' | 'uts' | 'ipc';

export class Sandbox {
  private constructor(private readonly holder: Launched, readonly pid: number, readonly spec: SandboxSpec) {}

  static async create(spec: SandboxSpec): Promise<Sandbox> {
    const [cidrBase, cidrPrefix] = spec.clusterCidr.split('/');
    const directives = ['pdeathsig'];
    for (const f of spec.cgroupProcs) directives.push('cgroup', f);
    directives.push('oomscore', '-998', 'unshare', 'net,uts,ipc', 'hostname', spec.hostname, 'loup',
      'podnet', spec.veth, spec.bridge, spec.podIP, String(spec.prefixLength), spec.gateway, cidrBase!, cidrPrefix!, 'pause');
    const holder = launch(directives, { env: {} });
    let pid: number;
    try {
      pid = await holder.started;
    } catch (e) {
      holder.kill('SIGKILL');
      if (e instanceof StartError) throw new StartError(`failed to set up sandbox network: ${e.message}`);
      throw e;
    }
    return new Sandbox(holder, pid, spec);
  }

  /** /proc path of one of the pod's namespaces, for berth-run's `join`. */
  ns(type: NamespaceType): string {
    return `/proc/${this.pid}/ns/${type}`;
  }

  get alive(): boolean {
    return this.holder.exitStatus === undefined;
  }

  async destroy(): Promise<void> {
    this.holder.kill('SIGKILL');
    await this.holder.exited;
  }
}
