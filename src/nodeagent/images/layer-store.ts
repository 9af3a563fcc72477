// Writes an image's layer (the files it adds to the host's root) into a directory the runtime copies into each
// container's overlay upper directory. Layers are content-addressed: written once under
// `<cache>/<digest>/root`, then reused. Paths follow the host's symlinked directories (a file for /bin/sh goes to
// usr/bin/sh when /bin → usr/bin, /var/run/x to run/x), and every directory the layer creates carries the host
// directory's mode and owner: in an overlay, an upper directory's attributes hide the lower one's, and a real
// directory in the upper hides a symlink in the lower.
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync, chownSync, existsSync, lchownSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, statSync,
  symlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { lookupOwner } from './host.js';
import type { LayerItem } from './types.js';

export interface MaterializedLayer {
  /** The directory to copy (`cp -a <dir>/. <upper>/`): its tree mirrors the container's root. */
  dir: string;
  /** sha256 of the layer's content, paths, modes and owners. */
  digest: string;
  /** Bytes of file content in the layer. */
  sizeBytes: number;
}

interface Planned {
  path: string;
  type: 'file' | 'symlink' | 'dir';
  mode: number;
  uid: number;
  gid: number;
  content?: Buffer;
  target?: string;
}

const MAX_LINK_HOPS = 40;

/** Where a container path must be written so that the host's symlinked parent directories lead to it. */
export function resolveOnHost(root: string, path: string, hops = 0): string {
  const parts = path.split('/').filter((p) => p && p !== '.');
  const cur: string[] = [];
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] === '..') {
      cur.pop();
      continue;
    }
    const next = [...cur, parts[i]];
    let isLink = false;
    try {
      isLink = lstatSync(join(root, ...next)).isSymbolicLink();
    } catch {
      // Missing on the host: the layer creates it.
    }
    if (isLink) {
      if (hops >= MAX_LINK_HOPS) throw new Error(`${path}: too many levels of symbolic links`);
      const target = readlinkSync(join(root, ...next));
      const base = target.startsWith('/') ? '' : `/${cur.join('/')}`;
      return resolveOnHost(root, `${base}/${target}/${parts.slice(i + 1).join('/')}`, hops + 1);
    }
    cur.push(parts[i]);
  }
  const last = parts[parts.length - 1];
  if (last === '..') cur.pop();
  else if (last !== undefined) cur.push(last);
  return `/${cur.join('/')}`;
}

function plan(items: LayerItem[], root: string): Planned[] {
  const byPath = new Map<string, Planned>();
  const owner = (o: string | undefined) => (o ? lookupOwner(o, root) : { uid: 0, gid: 0 });
  for (const item of items) {
    const path = resolveOnHost(root, item.path);
    if (path === '/') throw new Error(`layer path ${JSON.stringify(item.path)} is the root`);
    if (item.type === 'file') {
      const { uid, gid } = owner(item.owner);
      byPath.set(path, { path, type: 'file', mode: item.mode ?? 0o644, uid, gid, content: Buffer.from(item.content) });
    } else if (item.type === 'symlink') {
      byPath.set(path, { path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, target: item.target });
    } else {
      const { uid, gid } = owner(item.owner);
      byPath.set(path, { path, type: 'dir', mode: item.mode ?? 0o755, uid, gid });
    }
  }
  // Parent directories the layer implies: as the host has them, or root-owned 0755 when the host has none.
  for (const p of [...byPath.keys()]) {
    const parts = p.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join('/')}`;
      if (byPath.has(dir)) {
        if (byPath.get(dir)!.type !== 'dir') throw new Error(`layer path ${dir} is both a directory and a ${byPath.get(dir)!.type}`);
        continue;
      }
      let mode = 0o755;
      let uid = 0;
      let gid = 0;
      try {
        const st = statSync(join(root, dir));
        if (st.isDirectory()) {
          mode = st.mode & 0o7777;
          uid = st.uid;
          gid = st.gid;
        }
      } catch {
        // not on the host
      }
      byPath.set(dir, { path: dir, type: 'dir', mode, uid, gid });
    }
  }
  // The layer's root becomes the container root's attributes too: the host root's.
  const rootStat = statSync(root);
  byPath.set('/', { path: '/', type: 'dir', mode: rootStat.mode & 0o7777, uid: rootStat.uid, gid: rootStat.gid });
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function digestOf(planned: Planned[]): string {
  const h = createHash('sha256');
  for (const p of planned) {
    const content = p.content ? createHash('sha256').update(p.content).digest('hex') : '';
    h.update(JSON.stringify([p.path, p.type, p.mode, p.uid, p.gid, content, p.target ?? '']));
    h.update('\n');
  }
  return h.digest('hex');
}

/** The digest a layer would have on this host, without writing it. */
export function layerDigest(items: LayerItem[], hostRoot = '/'): { digest: string; sizeBytes: number } {
  const planned = plan(items, hostRoot);
  return { digest: digestOf(planned), sizeBytes: planned.reduce((n, p) => n + (p.content?.length ?? 0), 0) };
}

/**
 * Writes the layer under `cacheDir` unless a complete copy is there already; safe against concurrent callers
 * (each builds in its own temporary directory and renames it into place).
 */
export function materializeLayer(items: LayerItem[], opts: { cacheDir: string; hostRoot?: string }): MaterializedLayer {
  const hostRoot = opts.hostRoot ?? '/';
  const planned = plan(items, hostRoot);
  const digest = digestOf(planned);
  const sizeBytes = planned.reduce((n, p) => n + (p.content?.length ?? 0), 0);
  const finalDir = join(opts.cacheDir, digest);
  const result = { dir: join(finalDir, 'root'), digest, sizeBytes };
  if (existsSync(join(finalDir, 'complete'))) return result;

  mkdirSync(opts.cacheDir, { recursive: true, mode: 0o700 });
  const tmp = join(opts.cacheDir, `.tmp-${digest.slice(0, 12)}-${randomBytes(6).toString('hex')}`);
  const rootDir = join(tmp, 'root');
  const asRoot = process.getuid?.() === 0;
  try {
    mkdirSync(rootDir, { recursive: true });
    for (const p of planned) {
      const dest = join(rootDir, p.path);
      if (p.type === 'dir') mkdirSync(dest, { recursive: p.path === '/' });
      else if (p.type === 'file') writeFileSync(dest, p.content!);
      else symlinkSync(p.target!, dest);
      if (p.type === 'symlink') {
        if (asRoot) lchownSync(dest, p.uid, p.gid);
        continue;
      }
      if (asRoot) chownSync(dest, p.uid, p.gid);
      if (p.type === 'file') chmodSync(dest, p.mode);
    }
    // Directory modes last, deepest first: a read-only directory must not stop its own children being written.
    for (const p of [...planned].reverse()) if (p.type === 'dir') chmodSync(join(rootDir, p.path), p.mode);
    writeFileSync(join(tmp, 'complete'), `${digest}\n`);
    try {
      renameSync(tmp, finalDir);
    } catch (e) {
      // Someone else finished first (the directory exists and is not empty): theirs is identical.
      if (!existsSync(join(finalDir, 'complete'))) throw e;
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return result;
}
