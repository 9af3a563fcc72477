// Cgroups of one Berth instance, as the kubelet's cgroupfs driver lays them out (pkg/kubelet/cm): a tree
// `berth-<id>/<qos>/pod<uid>/<container>` under each v1 controller (cpu, memory, pids) or under the unified v2 root.
// Containers join theirs before they exec (berth-run's `cgroup` directive), so everything they fork is accounted;
// the tree is how leftovers of a killed Berth are found and killed at the next start.
import { existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';
const V1_CONTROLLERS = ['cpu', 'memory', 'pids'] as const;

export type CgroupVersion = 1 | 2;

export function cgroupVersion(): CgroupVersion {
  return existsSync(join(ROOT, 'cgroup.controllers')) ? 2 : 1;
}

export class CgroupTree {
  readonly version: CgroupVersion;

  constructor(readonly top: string, version: CgroupVersion = cgroupVersion()) {
    this.version = version;
  }

  /** Directories of a cgroup (one per controller on v1). `rel` is relative to the instance's top. */
  dirs(rel: string): string[] {
    const path = rel ? join(this.top, rel) : this.top;
    return this.version === 2 ? [join(ROOT, path)] : V1_CONTROLLERS.map((c) => join(ROOT, c, path));
  }

  /** The cgroup.procs files a process writes itself into to join `rel`. */
  procsFiles(rel: string): string[] {
    return this.dirs(rel).map((d) => join(d, 'cgroup.procs'));
  }

  /**
   * Creates `rel` (and its parents) and writes its control files — `{file: value}` as the kubelet's cgroup values
   * give them (kubelet/cgroups.ts cgroupV1Files / cgroupV2Files); on v1 each file goes to its controller's hierarchy.
   */
  create(rel: string, files: Record<string, string> = {}): void {
    const parts = [this.top, ...rel.split('/').filter(Boolean)];
    if (this.version === 2) {
      // v2: controllers are enabled for children level by level, from the root down.
      let dir = ROOT;
      for (const part of parts) {
        enableV2Controllers(dir);
        dir = join(dir, part);
        mkdirSync(dir, { recursive: true });
      }
    } else {
      for (const d of this.dirs(rel)) mkdirSync(d, { recursive: true });
    }
    this.write(rel, files);
  }

  write(rel: string, files: Record<string, string>): void {
    const dirs = this.dirs(rel);
    for (const [file, value] of Object.entries(files)) {
      const dir = this.version === 2 ? dirs[0] : dirs[V1_CONTROLLERS.indexOf(file.split('.')[0] as typeof V1_CONTROLLERS[number])];
      // A controller this tree does not use (hugetlb) has no directory here: its limit is not enforced.
      if (dir) writeIfPresent(join(dir, file), value);
    }
  }

  /** How many times the kernel's OOM killer killed a process of `rel` (memory.events / memory.oom_control). */
  oomKills(rel: string): number {
    const memDir = this.version === 2 ? this.dirs(rel)[0] : this.dirs(rel)[1];
    const file = join(memDir, this.version === 2 ? 'memory.events' : 'memory.oom_control');
    try {
      const m = /^oom_kill (\d+)$/m.exec(readFileSync(file, 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  }

  /** Pids in `rel` and below. */
  pids(rel: string): number[] {
    const out = new Set<number>();
    const walk = (dir: string) => {
      try {
        for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) if (line) out.add(Number(line));
        for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name));
      } catch {
        // gone meanwhile
      }
    };
    // Every process is in the memory (v1) or unified (v2) hierarchy: one walk finds them all.
    walk(this.version === 2 ? this.dirs(rel)[0] : this.dirs(rel)[1]);
    return [...out];
  }

  /** SIGKILLs every process of `rel` and below, then removes the cgroups bottom-up. Resolves when all are gone. */
  async destroy(rel: string): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const pids = this.pids(rel);
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const dir of this.dirs(rel)) removeTree(dir);
  }
}

function enableV2Controllers(dir: string): void {
  try {
    const available = readFileSync(join(dir, 'cgroup.controllers'), 'utf8').split(/\s+/);
    const wanted = ['cpu', 'memory', 'pids'].filter((c) => available.includes(c));
    const enabled = readFileSync(join(dir, 'cgroup.subtree_control'), 'utf8').split(/\s+/);
    const missing = wanted.filter((c) => !enabled.includes(c));
    if (missing.length) writeFileSync(join(dir, 'cgroup.subtree_control'), missing.map((c) => `+${c}`).join(' '));
  } catch {
    // a controller that cannot be enabled here only means its limits are not enforced
  }
}

function writeIfPresent(file: string, value: string): void {
  try {
    writeFileSync(file, value);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** rmdir of a cgroup tree, children first (cgroupfs directories hold only control files, which rmdir ignores). */
function removeTree(dir: string): void {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) removeTree(join(dir, e.name));
  try {
    rmdirSync(dir);
  } catch {
    // still busy (a process that outlived its kill): the next start tries again
  }
}

/** Ids of the Berth instances (`berth-<id>`) that have a cgroup tree on the host. */
export function instanceCgroupIds(version: CgroupVersion = cgroupVersion()): string[] {
  const dir = version === 2 ? ROOT : join(ROOT, V1_CONTROLLERS[1]!);
  try {
    return readdirSync(dir).map((n) => /^berth-([0-9a-f]{6})$/.exec(n)?.[1]).filter((id): id is string => !!id);
  } catch {
    return [];
  }
}
