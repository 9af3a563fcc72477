// What a container's filesystem is made of, as berth-run directives (a pure function, so it can be read and tested
// on its own). The host is the image: the root is an overlay whose lower layer is the host's `/` (read-only) and
// whose upper layer is the container's own directory, seeded with the image's layer files. On top come a fresh
// /proc (in the container's PID namespace), a small /dev, a read-only /sys, private /tmp and /run, the kubelet's
// /etc/hosts, /etc/resolv.conf and /etc/hostname, the termination-message file and the pod's volumes; Berth's data
// dir is hidden, and the paths runc masks or makes read-only by default are masked or read-only here too.

import { isAbsolute, posix, relative } from 'node:path';

export interface VolumeMount {
  /** Host path of the volume (or of the subPath inside it). */
  source: string;
  /** Path inside the container. */
  target: string;
  readOnly: boolean;
  /** The source is a file (bind over a file) rather than a directory. */
  file?: boolean;
}

export interface ContainerFilesystem {
  /** Mount point of the root (an empty directory). */
  rootfs: string;
  upper: string;
  work: string;
  readOnlyRoot: boolean;
  privileged: boolean;
  /** Host paths that must not be visible inside (Berth's data dir). */
  hide: string[];
  /** Kubelet-managed files bound over /etc/hosts, /etc/resolv.conf, /etc/hostname (absent: the host's stays hidden by nothing). */
  hosts?: string;
  resolvConf?: string;
  hostname?: string;
  /** Host file for the termination message, bound at `terminationMessagePath`. */
  terminationLog?: { source: string; target: string };
  volumes: VolumeMount[];
  /** Working directory inside the container (created when missing, as runc does). */
  workingDir: string;
  /** /dev/shm size in bytes (64 MiB like containerd). */
  shmSize?: number;
}

/** runc's default masked and read-only paths (libcontainer/specconv). */
export const MASKED_PATHS = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

const DEVICES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];

/** Paths in the overlay options are separated by ',' and ':' — refuse those rather than mis-mount. */
function overlayPath(p: string): string {
  if (/[,:\\]/.test(p)) throw new Error(`path ${JSON.stringify(p)} cannot be used in overlay options (contains , : or \\)`);
  return p;
}

export function mountDirectives(fs: ContainerFilesystem): string[] {
  const d: string[] = [];
  const mount = (src: string, target: string, type: string, flags: string, data = '-') => d.push('mount', src, target, type, flags, data);
  // Nothing mounted here propagates back to the host (hosts with systemd make / shared).
  mount('none', '/', '-', 'rec,private');
  mount('overlay', fs.rootfs, 'overlay', '-', `lowerdir=/,upperdir=${overlayPath(fs.upper)},workdir=${overlayPath(fs.work)}`);
  d.push('rootfs', fs.rootfs);
  // Berth's own state first, so that nothing mounted later can be reached through it.
  for (const h of fs.hide) d.push('mask', `@${h}`);
  d.push('mkdir', '@/proc');
  mount('proc', '@/proc', 'proc', 'nosuid,nodev,noexec');
  if (fs.privileged) {
    d.push('mkdir', '@/dev');
    mount('/dev', '@/dev', '-', 'bind,rec');
  } else {
    d.push('mkdir', '@/dev');
    mount('tmpfs', '@/dev', 'tmpfs', 'nosuid,strictatime', 'mode=755,size=65536k');
    for (const dev of DEVICES) {
      d.push('mkfile', `@/dev/${dev}`);
      mount(`/dev/${dev}`, `@/dev/${dev}`, '-', 'bind');
    }
    d.push('mkdir', '@/dev/pts', 'mkdir', '@/dev/shm', 'mkdir', '@/dev/mqueue');
    mount('devpts', '@/dev/pts', 'devpts', 'nosuid,noexec', 'newinstance,ptmxmode=0666,mode=0620,gid=5');
    d.push('symlink', 'pts/ptmx', '@/dev/ptmx');
    for (const [name, target] of [['fd', '/proc/self/fd'], ['stdin', '/proc/self/fd/0'], ['stdout', '/proc/self/fd/1'], ['stderr', '/proc/self/fd/2'], ['core', '/proc/kcore']]) {
      d.push('symlink', target, `@/dev/${name}`);
    }
    mount('mqueue', '@/dev/mqueue', 'mqueue', 'nosuid,nodev,noexec');
  }
  mount('shm', '@/dev/shm', 'tmpfs', 'nosuid,nodev,noexec', `mode=1777,size=${fs.shmSize ?? 64 * 1024 * 1024}`);
  d.push('mkdir', '@/sys');
  mount('sysfs', '@/sys', 'sysfs', fs.privileged ? 'nosuid,nodev,noexec' : 'ro,nosuid,nodev,noexec');
  // Private /run and /tmp: the host's hold other programs' sockets and state (and other Berths' data dirs).
  d.push('mkdir', '@/run', 'mkdir', '@/tmp');
  mount('tmpfs', '@/run', 'tmpfs', 'nosuid,nodev', 'mode=755');
  mount('tmpfs', '@/tmp', 'tmpfs', 'nosuid,nodev', 'mode=1777');
  const bindFile = (source: string, target: string, ro = false) => {
    d.push('mkfile', `@${target}`);
    mount(source, `@${target}`, '-', ro ? 'bind,ro' : 'bind');
  };
  if (fs.hosts) bindFile(fs.hosts, '/etc/hosts');
  if (fs.resolvConf) bindFile(fs.resolvConf, '/etc/resolv.conf');
  if (fs.hostname) bindFile(fs.hostname, '/etc/hostname');
  if (fs.terminationLog) bindFile(fs.terminationLog.source, fs.terminationLog.target);
  for (const v of fs.volumes) {
    if (v.file) bindFile(v.source, v.target, v.readOnly);
    else {
      d.push('mkdir', `@${v.target}`);
      mount(v.source, `@${v.target}`, '-', v.readOnly ? 'bind,rec,ro' : 'bind,rec');
    }
  }
  // A volume whose host directory holds Berth's state (a hostPath of /, a checkout of Berth with its data dir inside)
  // must not open a way back to it.
  for (const v of fs.volumes) {
    if (v.file) continue;
    for (const h of fs.hide) {
      const rel = relative(v.source, h);
      if (!rel.startsWith('..') && !isAbsolute(rel)) d.push('mask', `@${posix.join(v.target, rel)}`);
    }
  }
  if (!fs.privileged) {
    for (const p of MASKED_PATHS) d.push('mask', `@${p}`);
    for (const p of READONLY_PATHS) d.push('rdonly', `@${p}`);
  }
  d.push('mkdir', `@${fs.workingDir || '/'}`);
  d.push('pivot', fs.rootfs);
  if (fs.readOnlyRoot) mount('none', '/', '-', 'remount,bind,ro');
  d.push('chdir', fs.workingDir || '/');
  return d;
}
