// Image references as the kubelet and containerd read them: a port of distribution/reference's grammar
// (regexp.go), ParseNormalizedNamed and FamiliarName (normalize.go), and go-digest's validation, so that the same
// strings are accepted, normalised and rejected with the same words.
import { createHash } from 'node:crypto';

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const NAME_TOTAL_LENGTH_MAX = 255;

// regexp.go, assembled from the same pieces.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const tagPat = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePat = `(?:${domainAndPort}/)?${remoteName}`;
const referenceRegexp = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const anchoredIdentifier = /^[a-f0-9]{64}$/;
const tagRegexp = new RegExp(`^${tagPat}$`);
const repositoryRegexp = new RegExp(`^${namePat}$`);

/** go-digest's known algorithms and their hex lengths. */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export class ImageReferenceError extends Error {}

/** A parsed, normalised reference: `redis` is docker.io / library/redis, tag undefined. */
export interface ImageReference {
  domain: string;
  /** Path below the domain, e.g. `library/redis`, `wangxiaochun/nginx`. */
  path: string;
  tag?: string;
  digest?: string;
}

/** distribution/reference ParseNormalizedNamed; throws ImageReferenceError with upstream's messages. */
export function parseImageReference(s: string): ImageReference {
  if (anchoredIdentifier.test(s)) {
    throw new ImageReferenceError(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  const [domain, remainder] = splitDockerDomain(s);
  const colon = remainder.indexOf(':');
  const remote = colon >= 0 ? remainder.slice(0, colon) : remainder;
  if (remote.toLowerCase() !== remote) {
    throw new ImageReferenceError(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  const full = `${domain}/${remainder}`;
  const m = referenceRegexp.exec(full);
  if (!m) {
    if (!full) throw new ImageReferenceError('repository name must have at least one component');
    if (referenceRegexp.test(full.toLowerCase())) throw new ImageReferenceError('repository name must be lowercase');
    throw new ImageReferenceError('invalid reference format');
  }
  if (m[1].length > NAME_TOTAL_LENGTH_MAX) {
    throw new ImageReferenceError(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  const ref: ImageReference = { domain, path: m[1].slice(domain.length + 1) };
  if (m[2]) ref.tag = m[2];
  if (m[3]) {
    validateDigest(m[3]);
    ref.digest = m[3];
  }
  return ref;
}

/** normalize.go splitDockerDomain: no domain → docker.io, one-component names → library/. */
function splitDockerDomain(name: string): [string, string] {
  const i = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = i >= 0 ? name.slice(0, i) : '';
  if (i < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return [domain, remainder];
}

function validateDigest(d: string): void {
  const colon = d.indexOf(':');
  const algorithm = d.slice(0, colon);
  const hex = d.slice(colon + 1);
  const want = DIGEST_HEX_LENGTH[algorithm];
  if (want === undefined) throw new ImageReferenceError('unsupported digest algorithm');
  if (hex.length !== want) throw new ImageReferenceError('invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(hex)) throw new ImageReferenceError('invalid checksum digest format');
}

/** `docker.io/library/redis` */
export function repositoryOf(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** normalize.go FamiliarName: `redis`, `ikubernetes/myapp`, `quay.io/coreos/etcd`. */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryOf(ref);
  return ref.path.startsWith(OFFICIAL_REPO_PREFIX) && ref.path.indexOf('/', OFFICIAL_REPO_PREFIX.length) < 0
    ? ref.path.slice(OFFICIAL_REPO_PREFIX.length)
    : ref.path;
}

/** The fully qualified string containerd reports as a container's image: `docker.io/library/redis:7.0`. */
export function canonicalString(ref: ImageReference): string {
  let s = repositoryOf(ref);
  if (ref.tag) s += `:${ref.tag}`;
  else if (!ref.digest) s += ':latest';
  if (ref.digest) s += `@${ref.digest}`;
  return s;
}

/**
 * The kubelet's "couldn't parse image name" error for a reference it cannot read
 * (pkg/util/parsers ParseImageName), or undefined when the reference is valid.
 */
export function imageNameError(image: string): string | undefined {
  try {
    parseImageReference(image);
    return undefined;
  } catch (e) {
    return `couldn't parse image name ${JSON.stringify(image)}: ${(e as Error).message}`;
  }
}

export function isValidTag(tag: string): boolean {
  return tagRegexp.test(tag);
}

/** Whether `s` is a repository name without tag or digest (any domain, normalised or familiar). */
export function isRepositoryName(s: string): boolean {
  try {
    const r = parseImageReference(s);
    return !r.tag && !r.digest && repositoryRegexp.test(repositoryOf(r));
  } catch {
    return false;
  }
}

/**
 * Fully qualified reference as containerd reports it: nginx → docker.io/library/nginx:latest. Lenient: a string
 * that is not a valid reference is returned as given (the runtime reports InvalidImageName for it separately).
 */
export function normalizeImage(ref: string): string {
  if (!ref) return ref;
  try {
    return canonicalString(parseImageReference(ref));
  } catch {
    return ref;
  }
}

/**
 * A stable digest reference for an image no catalog describes (the simulated runtime's images):
 * repository@sha256:<hash of the reference>. A reference with a digest is its own ID.
 */
export function imageID(image: string): string {
  if (!image) return '';
  const at = image.indexOf('@');
  if (at >= 0) return image;
  let id = imageIDs.get(image);
  if (id === undefined) {
    const repo = image.replace(/:[^/:]+$/, '');
    id = `${repo}@sha256:${createHash('sha256').update(image).digest('hex')}`;
    // A node's image store: bounded, since pods may name ever new images.
    if (imageIDs.size >= 1024) imageIDs.clear();
    imageIDs.set(image, id);
  }
  return id;
}

const imageIDs = new Map<string, string>();
