// Atomic projection of a set of files into a volume directory, as kubernetes pkg/volume/util/atomic_writer.go does
// it for configMap, secret, downwardAPI and projected volumes: the data lives in a hidden timestamped directory,
// `..data` links to it, every top-level name is a link through `..data`, and an update swaps `..data` with one
// rename so readers never see a mix of old and new files.
import { randomInt } from 'node:crypto';
import { lstat, mkdir, readFile, readlink, readdir, rename, rm, symlink, unlink, writeFile, chmod, lchown } from 'node:fs/promises';
import path from 'node:path';

export const DATA_DIR_NAME = '..data';
export const NEW_DATA_DIR_NAME = '..data_tmp';
const MAX_FILE_NAME_LENGTH = 255;
const MAX_PATH_LENGTH = 4096;

export interface FileProjection {
  data: Buffer | string;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** Owner to set on the file (service account tokens with runAsUser); the group is fsGroup or unchanged. */
  fsUser?: number;
  fsGroup?: number;
}

/** File path (relative to the volume) → content. */
export type Payload = Map<string, FileProjection>;

/** validatePath: relative, no `..` element, not starting with `..`, names ≤ 255 and the path ≤ 4096 characters. */
export function validatePayloadPath(p: string): void {
  if (p === '') throw new Error('invalid path: must not be empty: ""');
  if (p.startsWith('/')) throw new Error(`invalid path: must be relative path: ${p}`);
  if (p.length > MAX_PATH_LENGTH) throw new Error(`invalid path: must be less than or equal to ${MAX_PATH_LENGTH} characters`);
  const items = p.split('/');
  for (const item of items) {
    if (item === '..') throw new Error(`invalid path: must not contain '..': ${p}`);
    if (item.length > MAX_FILE_NAME_LENGTH) throw new Error(`invalid path: filenames must be less than or equal to ${MAX_FILE_NAME_LENGTH} characters`);
  }
  if (items[0].startsWith('..') && items[0].length > 2) throw new Error(`invalid path: must not start with '..': ${p}`);
}

/** filepath.Clean for the relative paths validation lets through. */
export const cleanPath = (p: string) => path.posix.normalize(p).replace(/\/+$/, '') || '.';

/** validatePayload: a copy with cleaned paths; throws on the first invalid one. */
export function validatePayload(payload: Payload): Payload {
  const out: Payload = new Map();
  for (const [p, f] of payload) {
    validatePayloadPath(p);
    out.set(cleanPath(p), f);
  }
  return out;
}

const isNotExist = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

export interface AtomicWriterOptions {
  now?: () => Date;
}

/** AtomicWriter. Not safe for concurrent writes to the same directory (callers serialize, as upstream). */
export class AtomicWriter {
  private readonly now: () => Date;

  constructor(readonly targetDir: string, opts: AtomicWriterOptions = {}) {
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * Write: project `payload`, calling `setPerms` with the new timestamped directory's name before it is published.
   * Returns false when the volume already held exactly this data (only missing links are re-created then).
   */
  async write(payload: Payload, setPerms?: (tsDirName: string) => Promise<void> | void): Promise<boolean> {
    const clean = validatePayload(payload);
    const dataDirPath = path.join(this.targetDir, DATA_DIR_NAME);
    let oldTsDir = '';
    try {
      oldTsDir = await readlink(dataDirPath);
    } catch (e) {
      if (!isNotExist(e)) throw e;
    }
    const oldTsPath = path.join(this.targetDir, oldTsDir);

    let pathsToRemove = new Set<string>();
    let shouldWrite = true;
    if (oldTsDir) {
      pathsToRemove = await this.pathsToRemove(clean, oldTsPath);
      if (!(await shouldWritePayload(clean, oldTsPath)) && pathsToRemove.size === 0) {
        // Up to date; still make sure the visible links exist (kubernetes#121472).
        shouldWrite = false;
        oldTsDir = '';
      }
    }

    if (shouldWrite) {
      const tsDir = await this.newTimestampDir();
      const tsDirName = path.basename(tsDir);
      await writePayloadToDir(clean, tsDir);
      if (setPerms) await setPerms(tsDirName);
      const newDataDirPath = path.join(this.targetDir, NEW_DATA_DIR_NAME);
      // A link left by a writer that died here would block every later update.
      await rm(newDataDirPath, { force: true });
      try {
        await symlink(tsDirName, newDataDirPath);
      } catch (e) {
        await rm(tsDir, { recursive: true, force: true });
        throw e;
      }
      try {
        await rename(newDataDirPath, dataDirPath);
      } catch (e) {
        await rm(newDataDirPath, { force: true });
        await rm(tsDir, { recursive: true, force: true });
        throw e;
      }
    }

    await this.createUserVisibleFiles(clean);
    await this.removeUserVisiblePaths(pathsToRemove);
    if (oldTsDir) await rm(oldTsPath, { recursive: true, force: true });
    return shouldWrite;
  }

  /** Everything under the old data directory that the new payload (with its parent directories) does not cover. */
  private async pathsToRemove(payload: Payload, oldTsPath: string): Promise<Set<string>> {
    const current = new Set<string>();
    try {
      await walk(oldTsPath, '', current);
    } catch (e) {
      if (isNotExist(e)) return new Set();
      throw e;
    }
    const wanted = new Set<string>();
    for (const file of payload.keys()) {
      const parts = file.split('/');
      for (let i = parts.length; i > 0; i--) wanted.add(parts.slice(0, i).join('/'));
    }
    return new Set([...current].filter((p) => !wanted.has(p)));
  }

  /** `..<UTC 2006_01_02_15_04_05>.<random digits>` with mode 0755 whatever the umask (os.MkdirTemp's naming). */
  private async newTimestampDir(): Promise<string> {
    const d = this.now();
    const two = (n: number) => String(n).padStart(2, '0');
    const stamp = `..${d.getUTCFullYear()}_${two(d.getUTCMonth() + 1)}_${two(d.getUTCDate())}_${two(d.getUTCHours())}_${two(d.getUTCMinutes())}_${two(d.getUTCSeconds())}.`;
    for (let attempt = 0; ; attempt++) {
      const dir = path.join(this.targetDir, stamp + String(randomInt(0, 2 ** 32 - 1)));
      try {
        await mkdir(dir, { mode: 0o700 });
        await chmod(dir, 0o755);
        return dir;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw e;
      }
    }
  }

  /** bar → ..data/bar for each top-level name of the payload that has no link yet. */
  private async createUserVisibleFiles(payload: Payload): Promise<void> {
    for (const p of payload.keys()) {
      const linkName = p.split('/')[0];
      const visible = path.join(this.targetDir, linkName);
      try {
        await readlink(visible);
      } catch (e) {
        if (!isNotExist(e)) continue; // something that is not a link is left alone
        await symlink(path.posix.join(DATA_DIR_NAME, linkName), visible);
      }
    }
  }

  /** Only top-level names are links; nested ones went away with the old data directory. */
  private async removeUserVisiblePaths(paths: Set<string>): Promise<void> {
    let last: unknown;
    for (const p of paths) {
      if (p.includes('/')) continue;
      try {
        await unlink(path.join(this.targetDir, p));
      } catch (e) {
        last = e;
      }
    }
    if (last) throw last;
  }
}

async function walk(root: string, rel: string, into: Set<string>): Promise<void> {
  const st = await lstat(path.join(root, rel));
  if (rel) into.add(rel);
  if (!st.isDirectory()) return;
  for (const name of await readdir(path.join(root, rel))) await walk(root, rel ? `${rel}/${name}` : name, into);
}

/** shouldWritePayload: a file is missing or its bytes differ (a mode change alone does not rewrite, as upstream). */
async function shouldWritePayload(payload: Payload, oldTsPath: string): Promise<boolean> {
  for (const [p, f] of payload) {
    const file = path.join(oldTsPath, p);
    try {
      await lstat(file);
    } catch (e) {
      if (isNotExist(e)) return true;
      throw e;
    }
    const onDisk = await readFile(file);
    if (!onDisk.equals(Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data))) return true;
  }
  return false;
}

/** writePayloadToDir: parents as needed, each file with its exact mode (chmod beats the umask) and owner. */
async function writePayloadToDir(payload: Payload, dir: string): Promise<void> {
  for (const [p, f] of payload) {
    const full = path.join(dir, p);
    await mkdir(path.dirname(full), { recursive: true, mode: 0o777 });
    await writeFile(full, f.data, { mode: f.mode });
    await chmod(full, f.mode);
    if (f.fsUser !== undefined) await lchown(full, f.fsUser, f.fsGroup ?? -1);
  }
}
