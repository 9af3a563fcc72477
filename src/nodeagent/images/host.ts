// What the catalog needs to know about the host: whether an image's programs are installed, which Debian package
// versions they come from, busybox's applets, where Berth itself lives, and the host's own symlinks and
// directories (a layer must follow them, not shadow them).
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostFacts, Requirement } from './types.js';

/** The installed package root (the directory with Berth's package.json), from source or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('berth: package root not found');
    dir = up;
  }
  return dir;
}

/** A file shipped with the catalog (src/nodeagent/images/assets/…). */
export function readAsset(path: string): string {
  return readFileSync(join(packageRoot(), 'src/nodeagent/images/assets', path), 'utf8');
}

export function defaultHostFacts(root = '/'): HostFacts {
  let applets: string[] | undefined;
  return {
    root,
    busyboxApplets() {
      if (applets) return applets;
      const busybox = join(root, 'bin/busybox');
      try {
        const out = execFileSync(busybox, ['--list-full'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        applets = out.split('\n').filter(Boolean).map((p) => `/${p}`).sort();
      } catch {
        applets = [];
      }
      return applets;
    },
    berthCommand() {
      const pkg = packageRoot();
      const main = join(pkg, 'dist/src/cli/main.js');
      return { node: process.execPath, main, root: pkg };
    },
  };
}

/** The requirements whose program is missing (or not executable) under `root`. */
export function missingRequirements(requires: Requirement[], root = '/'): Requirement[] {
  return requires.filter((r) => {
    try {
      accessSync(join(root, r.path), constants.X_OK);
      return !statSync(join(root, r.path)).isFile();
    } catch {
      return true;
    }
  });
}

/** `apt-get install a b` for the packages of the missing requirements. */
export function installCommand(missing: Requirement[]): string {
  return `apt-get install ${[...new Set(missing.map((r) => r.package))].join(' ')}`;
}

interface DpkgCache {
  mtimeMs: number;
  versions: Map<string, string>;
}
const dpkgCaches = new Map<string, DpkgCache>();

/** Installed Debian package versions from dpkg's status file (empty off Debian), re-read when it changes. */
export function dpkgVersions(root = '/'): Map<string, string> {
  const file = join(root, 'var/lib/dpkg/status');
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return new Map();
  }
  const cached = dpkgCaches.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.versions;
  const versions = new Map<string, string>();
  for (const stanza of readFileSync(file, 'utf8').split('\n\n')) {
    const pkg = /^Package: (.+)$/m.exec(stanza)?.[1];
    const version = /^Version: (.+)$/m.exec(stanza)?.[1];
    const status = /^Status: (.+)$/m.exec(stanza)?.[1];
    // Multi-arch packages appear once per architecture; any installed one will do.
    if (pkg && version && status?.endsWith(' installed')) versions.set(pkg, version);
  }
  dpkgCaches.set(file, { mtimeMs, versions });
  return versions;
}

/** The host's name for a user or group (in its /etc/passwd or /etc/group), as numbers. */
export function lookupOwner(owner: string, root = '/'): { uid: number; gid: number } {
  const [user, group] = owner.split(':');
  const passwd = readTable(join(root, 'etc/passwd'));
  const u = /^\d+$/.test(user) ? passwd.find((f) => f[2] === user) ?? [user, '', user, user] : passwd.find((f) => f[0] === user);
  if (!u) throw new Error(`user ${JSON.stringify(user)} is not in the host's /etc/passwd`);
  let gid = Number(u[3]);
  if (group !== undefined) {
    const g = /^\d+$/.test(group) ? [group, '', group] : readTable(join(root, 'etc/group')).find((f) => f[0] === group);
    if (!g) throw new Error(`group ${JSON.stringify(group)} is not in the host's /etc/group`);
    gid = Number(g[2]);
  }
  return { uid: Number(u[2]), gid };
}

function readTable(file: string): string[][] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}
