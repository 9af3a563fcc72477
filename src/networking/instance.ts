// One Berth on this machine among possibly several (tests run many in parallel): the names of everything it creates
// on the host — bridge, veth links, nftables table, cgroups — derive from its data dir, and its pod and Service
// ranges are registered under /run/berth/instances so that a second instance whose ranges overlap a running one's in
// the same network namespace refuses to start and names the other data dir.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cidr, cidrsOverlap, formatCidr, parseCidr } from './ipv4.js';

export const RUN_ROOT = '/run/berth';

export interface InstanceNames {
  /** Six hex digits from the data dir's real path. */
  id: string;
  /** The node bridge every pod's veth is attached to. */
  bridge: string;
  /** The nftables table (family inet) Berth owns; it never touches other tables. */
  nftTable: string;
  /** Top cgroup of the instance, under each controller's root (v1) or the unified root (v2). */
  cgroup: string;
  /** Volatile state (lost at reboot, as /run is): the instance record and per-pod files that must not persist. */
  runDir: string;
  /** A host-side veth name for a pod (≤ 15 characters, as Linux requires). */
  vethFor(podUid: string): string;
}

export function instanceNames(dataDir: string): InstanceNames {
  let real = dataDir;
  try {
    real = realpathSync(dataDir);
  } catch {
    // not created yet: the given path names it
  }
  const id = createHash('sha256').update(real).digest('hex').slice(0, 6);
  return {
    id,
    bridge: `berth${id}`,
    nftTable: `berth-${id}`,
    cgroup: `berth-${id}`,
    runDir: join(RUN_ROOT, id),
    vethFor: (uid) => `bv${id}${createHash('sha256').update(uid).digest('hex').slice(0, 6)}`,
  };
}

export interface InstanceRecord {
  id: string;
  pid: number;
  /** /proc/<pid>/stat start time: a recycled pid is not mistaken for a live instance. */
  pidStart: string;
  dataDir: string;
  clusterCidr: string;
  serviceCidr: string;
  /**
   * The network namespace it runs in (`net:[inode]`): ranges clash only inside one (machines simulated as network
   * namespaces each run a node of the same cluster, with the same pod range).
   */
  netns?: string;
}

/** This process's network namespace. */
function ownNetns(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/net');
  } catch {
    return undefined;
  }
}

const recordsDir = () => join(RUN_ROOT, 'instances');

function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const isLive = (r: InstanceRecord) => r.pid === process.pid ? false : processStart(r.pid) === r.pidStart;

export class InstanceConflictError extends Error {}

/** Whether instance `id` is this process's or a live one in the registry. */
export function isInstanceLive(id: string, own: InstanceNames): boolean {
  if (id === own.id) return true;
  try {
    return isLive(JSON.parse(readFileSync(join(recordsDir(), `${id}.json`), 'utf8')) as InstanceRecord);
  } catch {
    return false;
  }
}

/**
 * Registers this process as instance `names.id` with its ranges. Throws InstanceConflictError when a live
 * instance uses an overlapping range (naming its data dir) or the same data dir. Stale records are dropped.
 */
export function claimInstance(names: InstanceNames, dataDir: string, clusterCidr: string, serviceCidr: string): InstanceRecord {
  const cluster = mustParse(clusterCidr, '--cluster-cidr');
  const service = mustParse(serviceCidr, '--service-cidr');
  if (cidrsOverlap(cluster, service)) throw new InstanceConflictError(`--cluster-cidr ${formatCidr(cluster)} overlaps --service-cidr ${formatCidr(service)}`);
  mkdirSync(recordsDir(), { recursive: true, mode: 0o755 });
  checkOthers(names, cluster, service);
  const record: InstanceRecord = { id: names.id, pid: process.pid, pidStart: processStart(process.pid) ?? '', dataDir, clusterCidr: formatCidr(cluster), serviceCidr: formatCidr(service), netns: ownNetns() };
  const file = join(recordsDir(), `${names.id}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(record));
  renameSync(`${file}.tmp`, file);
  // Two Berths starting at once may both pass the check above; each looks again after writing its record, so at
  // least the later one sees the other (both may refuse; neither runs on ranges the other holds).
  try {
    checkOthers(names, cluster, service);
  } catch (e) {
    rmSync(file, { force: true });
    throw e;
  }
  return record;
}

/** Refuses when a live instance holds this data dir or a range overlapping ours. */
function checkOthers(names: InstanceNames, cluster: Cidr, service: Cidr): void {
  for (const file of readdirSync(recordsDir())) {
    if (!file.endsWith('.json')) continue;
    let other: InstanceRecord;
    try {
      other = JSON.parse(readFileSync(join(recordsDir(), file), 'utf8')) as InstanceRecord;
    } catch {
      continue;
    }
    if (other.id === names.id && other.pid === process.pid) continue; // our own record
    if (!isLive(other)) continue; // the orphan sweep removes its routes, then its record
    if (other.id === names.id) throw new InstanceConflictError(`data dir ${other.dataDir} is in use by berth (pid ${other.pid})`);
    if (other.netns && other.netns !== ownNetns()) continue;
    for (const [mine, flag] of [[cluster, '--cluster-cidr'], [service, '--service-cidr']] as [Cidr, string][]) {
      for (const theirs of [other.clusterCidr, other.serviceCidr]) {
        const t = parseCidr(theirs);
        if (t && cidrsOverlap(mine, t)) {
          throw new InstanceConflictError(`${flag} ${formatCidr(mine)} overlaps ${theirs} of the berth running with data dir ${other.dataDir} (pid ${other.pid}); choose other ranges with --cluster-cidr and --service-cidr`);
        }
      }
    }
  }
}

export function releaseInstance(names: InstanceNames): void {
  const file = join(recordsDir(), `${names.id}.json`);
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as InstanceRecord;
    if (r.pid === process.pid) rmSync(file, { force: true });
  } catch {
    // already gone
  }
}

/** The registry: instances whose process is gone, and the others (this one included). */
export function instanceRecords(): { dead: InstanceRecord[]; live: InstanceRecord[] } {
  const dead: InstanceRecord[] = [];
  const live: InstanceRecord[] = [];
  let files: string[] = [];
  try {
    files = readdirSync(recordsDir()).filter((f) => f.endsWith('.json'));
  } catch {
    return { dead, live };
  }
  for (const file of files) {
    try {
      const r = JSON.parse(readFileSync(join(recordsDir(), file), 'utf8')) as InstanceRecord;
      (r.pid === process.pid || isLive(r) ? live : dead).push(r);
    } catch {
      // being written (renamed into place) or not ours
    }
  }
  return { dead, live };
}

/** Drops a dead instance's record (once what it left on the host is gone). */
export function forgetInstance(record: InstanceRecord): void {
  const file = join(recordsDir(), `${record.id}.json`);
  try {
    const now = JSON.parse(readFileSync(file, 'utf8')) as InstanceRecord;
    if (now.pid === record.pid && now.pidStart === record.pidStart) rmSync(file, { force: true });
  } catch {
    // already gone, or claimed anew meanwhile
  }
}

/** Whether a record was made in this process's network namespace (its routes are ours to see). */
export const inOwnNetns = (r: InstanceRecord) => !r.netns || r.netns === ownNetns();

function mustParse(text: string, flag: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new InstanceConflictError(`${flag} ${JSON.stringify(text)} is not a valid IPv4 CIDR`);
  return c;
}
