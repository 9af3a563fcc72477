// The image catalog: resolves any image reference to the entry that runs it on this host, checks the host has
// the entry's programs, and hands the runtime the image config and the layer directory to copy into a
// container's root. Built-in entries (builtin.ts) plus the user's <data-dir>/images.yaml (user-catalog.ts), which
// is re-read when it changes.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_MIRRORS, builtinEntries } from './builtin.js';
import { defaultHostFacts, dpkgVersions, installCommand, missingRequirements } from './host.js';
import { layerDigest, materializeLayer } from './layer-store.js';
import {
  canonicalString, familiarName, ImageReference, imageNameError, parseImageReference, repositoryOf,
} from './reference.js';
import type { HostFacts, ImageConfig, ImageEntry, LayerItem, Mirror, Requirement } from './types.js';
import { CatalogFileError, loadUserCatalog, USER_CATALOG_FILE } from './user-catalog.js';

export interface CatalogOptions {
  /** Berth's data dir: holds images.yaml (optional) and the layer cache (images/layers). */
  dataDir?: string;
  /** Host facts (tests inject a fake root). */
  host?: HostFacts;
  /** Leave out the built-in entries (tests). */
  builtins?: boolean;
}

/** A reference resolved to a catalog entry. */
export interface ResolvedImage {
  /** The reference as the pod spec gives it. */
  reference: string;
  /** Fully qualified, as containerd reports it: docker.io/library/redis:7.0. */
  image: string;
  /** docker.io/library/redis */
  repository: string;
  /** The tag the reference names (latest when it names neither tag nor digest). */
  tag?: string;
  entry: ImageEntry;
  /** Set when the reference matched through a registry mirror. */
  mirror?: Mirror;
  config: ImageConfig;
  /** The entry's host programs that are not installed. */
  missing: Requirement[];
  /** Versions of the Debian packages the image runs, e.g. { 'redis-server': '5:7.0.15-1~deb12u10' }. */
  versions: Record<string, string>;
  /** What differs from the upstream image, plus what it runs as. */
  notes: string[];
}

export type Resolution =
  | { kind: 'invalid'; reference: string; message: string }
  | { kind: 'unknown'; reference: string; image: string; message: string }
  | ({ kind: 'found' } & ResolvedImage);

/** An image ready to run: its config and the layer to copy into the container's upper directory. */
export interface PulledImage extends ResolvedImage {
  /** `<repository>@sha256:<digest of entry, config, layer and package versions>`. */
  imageID: string;
  /** Directory whose tree mirrors the container root (`cp -a <layerDir>/. <upper>/`). */
  layerDir: string;
  sizeBytes: number;
}

export type PullOutcome =
  | { ok: true; image: PulledImage }
  | { ok: false; reason: 'InvalidImageName' | 'ErrImagePull'; message: string };

interface Candidate {
  repository: string;
  mirror?: Mirror;
}

export class ImageCatalog {
  readonly host: HostFacts;
  readonly dataDir?: string;
  private readonly builtins: ImageEntry[];
  private user: { entries: ImageEntry[]; mirrors: Mirror[]; stamp: string } = { entries: [], mirrors: [], stamp: '' };
  /** The user file's last load error, while the previous good version stays in use. */
  userFileError?: string;
  private readonly layerCache = new Map<string, LayerItem[]>();

  /** Builds the catalog; throws CatalogFileError when <data-dir>/images.yaml exists and is invalid. */
  constructor(opts: CatalogOptions = {}) {
    this.host = opts.host ?? defaultHostFacts();
    this.dataDir = opts.dataDir;
    this.builtins = opts.builtins === false ? [] : builtinEntries(this.host);
    const err = this.refresh();
    if (err) throw err;
  }

  /** The user catalog file, when there is a data dir. */
  get userFile(): string | undefined {
    return this.dataDir ? join(this.dataDir, USER_CATALOG_FILE) : undefined;
  }

  /**
   * Re-reads the user file if it changed. On error the previous entries stay and the error is returned (and kept
   * in userFileError).
   */
  refresh(): CatalogFileError | undefined {
    const file = this.userFile;
    if (!file) return undefined;
    let stamp = '';
    try {
      const st = statSync(file);
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      stamp = '';
    }
    if (stamp === this.user.stamp) return undefined;
    if (!stamp) {
      this.user = { entries: [], mirrors: [], stamp };
      this.userFileError = undefined;
      this.layerCache.clear();
      return undefined;
    }
    try {
      const loaded = loadUserCatalog(file);
      this.user = { ...loaded, stamp };
      this.userFileError = undefined;
      this.layerCache.clear();
      return undefined;
    } catch (e) {
      const err = e instanceof CatalogFileError ? e : new CatalogFileError(file, [(e as Error).message]);
      this.userFileError = err.message;
      // Remember the stamp so a bad file is reported once per change, not re-parsed on every pull.
      this.user = { ...this.user, stamp };
      return err;
    }
  }

  /** User entries first, then the built-ins they do not replace. */
  entries(): ImageEntry[] {
    const replaced = new Set(this.user.entries.map((e) => e.name));
    return [...this.user.entries, ...this.builtins.filter((e) => !replaced.has(e.name))];
  }

  mirrors(): Mirror[] {
    return [...this.user.mirrors, ...BUILTIN_MIRRORS];
  }

  /** Which entry runs `reference`, and whether this host has its programs. */
  resolve(reference: string): Resolution {
    this.refresh();
    const parseError = imageNameError(reference);
    if (parseError) return { kind: 'invalid', reference, message: parseError };
    const ref = parseImageReference(reference);
    const image = canonicalString(ref);
    const tag = ref.tag ?? (ref.digest ? undefined : 'latest');
    const entries = this.entries();
    for (const candidate of this.candidates(ref)) {
      const entry = bestMatch(entries, candidate.repository, tag);
      if (entry) return { kind: 'found', ...this.describe(reference, ref, image, tag, entry, candidate.mirror) };
    }
    return { kind: 'unknown', reference, image, message: this.unknownMessage(ref, image, tag, entries) };
  }

  /** What `reference` resolves to, ready to run: checks the host, writes the layer (once), computes the image ID. */
  pull(reference: string): PullOutcome {
    const r = this.resolve(reference);
    if (r.kind === 'invalid') return { ok: false, reason: 'InvalidImageName', message: r.message };
    if (r.kind === 'unknown') return { ok: false, reason: 'ErrImagePull', message: r.message };
    if (r.missing.length) return { ok: false, reason: 'ErrImagePull', message: missingMessage(r) };
    if (!this.dataDir) throw new Error('ImageCatalog.pull needs a data dir for its layer cache');
    let layer;
    try {
      layer = materializeLayer(this.layerItems(r.entry, r.tag), { cacheDir: this.layerCacheDir()!, hostRoot: this.host.root });
    } catch (e) {
      return { ok: false, reason: 'ErrImagePull', message: `failed to pull and unpack image ${JSON.stringify(r.image)}: failed to write the catalog layer of ${JSON.stringify(r.entry.name)}: ${(e as Error).message}` };
    }
    const { kind: _kind, ...resolved } = r;
    return {
      ok: true,
      image: {
        ...resolved, layerDir: layer.dir, sizeBytes: layer.sizeBytes,
        imageID: imageIDOf(r.repository, r.entry, r.config, layer.digest, r.versions),
      },
    };
  }

  /** Whether the image can run here without a pull changing anything: known, and its programs installed. */
  isPresent(reference: string): boolean {
    const r = this.resolve(reference);
    return r.kind === 'found' && r.missing.length === 0;
  }

  /** The image ID a pull would report, without writing the layer. */
  imageID(r: ResolvedImage): string {
    const { digest } = layerDigest(this.layerItems(r.entry, r.tag), this.host.root);
    return imageIDOf(r.repository, r.entry, r.config, digest, r.versions);
  }

  /** `<data-dir>/images/layers` */
  layerCacheDir(): string | undefined {
    return this.dataDir ? join(this.dataDir, 'images', 'layers') : undefined;
  }

  layerItems(entry: ImageEntry, tag: string | undefined): LayerItem[] {
    const key = `${entry.source}\0${entry.name}\0${tag ?? ''}`;
    let items = this.layerCache.get(key);
    if (!items) {
      items = entry.layer({ tag, host: this.host });
      this.layerCache.set(key, items);
    }
    return items;
  }

  private candidates(ref: ImageReference): Candidate[] {
    const repository = repositoryOf(ref);
    const out: Candidate[] = [{ repository }];
    for (const m of this.mirrors()) {
      const registry = m.registry.replace(/\/+$/, '');
      if (repository.startsWith(`${registry}/`)) {
        out.push({ repository: `${m.upstream.replace(/\/+$/, '')}/${repository.slice(registry.length + 1)}`, mirror: m });
      }
    }
    return out;
  }

  private describe(reference: string, ref: ImageReference, image: string, tag: string | undefined, entry: ImageEntry, mirror?: Mirror): ResolvedImage {
    const installed = dpkgVersions(this.host.root);
    const versions: Record<string, string> = {};
    const packages = entry.versionPackages ?? [...new Set(entry.requires.map((r) => r.package))];
    for (const p of packages) {
      const v = installed.get(p);
      if (v) versions[p] = v;
    }
    const runs = Object.entries(versions).map(([p, v]) => `${p} ${v}`).join(', ');
    const notes = [...(entry.notes ?? [])];
    if (runs) notes.push(`runs ${runs}`);
    if (mirror) notes.push(`${mirror.registry} is a mirror of ${mirror.upstream}`);
    return {
      reference, image, repository: repositoryOf(ref), tag, entry, mirror, config: entry.config,
      missing: missingRequirements(entry.requires, this.host.root), versions, notes,
    };
  }

  private unknownMessage(ref: ImageReference, image: string, tag: string | undefined, entries: ImageEntry[]): string {
    const repo = repositoryOf(ref);
    const sameRepo = entries.filter((e) => e.match.some((m) => qualified(m.repository) === repo));
    let why = 'not found in Berth\'s image catalog (the host is the image: no registry is contacted)';
    if (sameRepo.length) {
      const tags = sameRepo.flatMap((e) => e.match.filter((m) => qualified(m.repository) === repo).flatMap((m) => m.tags ?? ['*']));
      why = `not found in Berth's image catalog: ${familiarName(ref)} is there for tag${tags.length > 1 ? 's' : ''} ${tags.join(', ')} only${tag ? '' : ' (a digest-only reference matches entries for every tag)'}`;
    }
    const where = this.userFile ?? `<data-dir>/${USER_CATALOG_FILE}`;
    let how = `add an entry for ${familiarName(ref)} to ${where} (see \`berth images\` and src/nodeagent/images/README.md)`;
    if (this.userFileError) how += `; note: ${this.userFileError}`;
    return `failed to pull and unpack image ${JSON.stringify(image)}: failed to resolve reference ${JSON.stringify(image)}: ${image}: ${why}; ${how}`;
  }
}

/** The message of a pull whose entry needs programs the host lacks, naming the packages to install. */
export function missingMessage(r: ResolvedImage): string {
  const paths = r.missing.map((m) => m.path).join(', ');
  return `failed to pull and unpack image ${JSON.stringify(r.image)}: Berth's image catalog runs ${r.reference} as ${r.entry.description}, `
    + `and this host lacks ${paths}: install ${r.missing.length > 1 ? 'them' : 'it'} with \`${installCommand(r.missing)}\``;
}

function qualified(repository: string): string {
  try {
    return repositoryOf(parseImageReference(repository));
  } catch {
    return repository;
  }
}

/**
 * The entry for a repository and tag. Within each source (user before built-in) the most specific rule wins:
 * an exact tag, then a pattern with fixed characters (v3.*), then any tag (*); ties go to the earlier entry.
 */
function bestMatch(entries: ImageEntry[], repository: string, tag: string | undefined): ImageEntry | undefined {
  let best: { entry: ImageEntry; score: number } | undefined;
  for (const entry of entries) {
    if (best && best.entry.source !== entry.source) break;
    for (const rule of entry.match) {
      if (qualified(rule.repository) !== repository) continue;
      const score = tagScore(rule.tags ?? ['*'], tag);
      if (score > 0 && (!best || score > best.score)) best = { entry, score };
    }
  }
  return best?.entry;
}

function tagScore(patterns: string[], tag: string | undefined): number {
  let score = 0;
  for (const p of patterns) {
    if (tag === undefined) {
      if (p === '*') score = Math.max(score, 1);
      continue;
    }
    if (p === tag) return 3;
    if (!/[*?]/.test(p)) continue;
    const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    if (re.test(tag)) score = Math.max(score, p === '*' ? 1 : 2);
  }
  return score;
}

function imageIDOf(repository: string, entry: ImageEntry, config: ImageConfig, layer: string, versions: Record<string, string>): string {
  const h = createHash('sha256').update(JSON.stringify({ entry: entry.name, source: entry.source, config, layer, versions }));
  return `${repository}@sha256:${h.digest('hex')}`;
}
