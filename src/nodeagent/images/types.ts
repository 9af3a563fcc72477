// The image catalog's data model. There are no image files: the host is the image. An entry says which
// references it answers for, the OCI-style config a container of it runs with, which host programs it needs (and
// the Debian packages that provide them), and its layer: the few files it adds to or overrides on the host's root.

/** The parts of an OCI image config (image-spec config.md) a container runtime uses. */
export interface ImageConfig {
  /** ENTRYPOINT; a container's `command` replaces it (and drops cmd). */
  entrypoint?: string[];
  /** CMD; a container's `args` replace it. */
  cmd?: string[];
  /** `NAME=value` pairs, the container's own env on top. */
  env?: string[];
  /** WORKDIR; `/` when unset. */
  workingDir?: string;
  /** USER: `name`, `uid`, `name:group` or `uid:gid`, resolved in the container's /etc/passwd; root when unset. */
  user?: string;
  /** STOPSIGNAL, e.g. SIGQUIT; SIGTERM when unset. */
  stopSignal?: string;
  /** EXPOSE, e.g. `6379/tcp`. */
  exposedPorts?: string[];
  /** VOLUME: directories that start empty (a fresh directory per container) unless a pod volume is mounted there. */
  volumes?: string[];
  /**
   * Not OCI: host directories the image's programs live in, bound read-only at the same path. The overlay shows the
   * host's root, but containers get private /tmp and /run, where an installation (a checkout of Berth) may live.
   */
  hostPaths?: string[];
}

/** A host program the image runs and the Debian package that provides it. */
export interface Requirement {
  path: string;
  package: string;
}

/** Which references an entry answers for: a repository and tag patterns. */
export interface MatchRule {
  /** Repository, familiar (`redis`, `ikubernetes/myapp`) or qualified (`quay.io/coreos/etcd`). */
  repository: string;
  /**
   * Tags: exact (`v1`), wildcard (`v3.*`, `*`). A reference without a tag means `latest`. A reference with only a
   * digest matches `*`. Default: every tag.
   */
  tags?: string[];
}

/** One path of a layer. Paths are absolute, as seen inside the container. */
export type LayerItem =
  | { type: 'file'; path: string; content: string | Buffer; mode?: number; owner?: string }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'dir'; path: string; mode?: number; owner?: string };

/** What a layer builder may look at; builders must be deterministic for equal inputs. */
export interface LayerContext {
  /** The tag the reference named (undefined for a digest-only reference). */
  tag?: string;
  host: HostFacts;
}

/** Facts about the host the layers depend on (injected for tests). */
export interface HostFacts {
  /** The host's root, `/` except in tests. */
  root: string;
  /** Absolute paths of busybox's applets on the host, from `busybox --list-full` (empty without busybox). */
  busyboxApplets(): string[];
  /** The node binary, Berth's CLI entry point and its package root, for the Berth image. */
  berthCommand(): { node: string; main: string; root: string };
}

export interface ImageEntry {
  /** Catalog key; a user entry with a built-in's name replaces it. */
  name: string;
  source: 'builtin' | 'user';
  match: MatchRule[];
  /** What the references run as on this host, e.g. "Debian's redis-server 7.0 with the upstream image's defaults". */
  description: string;
  /** Where this image differs from the upstream one, said plainly. */
  notes?: string[];
  config: ImageConfig;
  requires: Requirement[];
  /** Debian packages whose versions name what the image runs (default: those of `requires`). */
  versionPackages?: string[];
  layer: (ctx: LayerContext) => LayerItem[];
}

/** `registry` (a registry, optionally with a path prefix) holds copies of the images under `upstream`. */
export interface Mirror {
  registry: string;
  upstream: string;
}
