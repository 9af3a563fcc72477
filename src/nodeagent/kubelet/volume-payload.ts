// What configMap, secret, downwardAPI and projected volumes hold, as the kubelet's volume plugins compute it
// (pkg/volume/configmap MakePayload, pkg/volume/secret MakePayload, pkg/volume/downwardapi CollectData,
// pkg/volume/projected collectData), and the ownership pkg/volume SetVolumeOwnership gives them for an fsGroup —
// as data the runtime writes with the AtomicWriter and applies.
import { lchown, lstat, chmod, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigMap, DownwardAPIVolumeFile, KeyToPath, Pod, ProjectedVolumeSource, Secret, ServiceAccountTokenProjection, Volume } from '../../api/core.js';
import { cleanPath, type FileProjection, type Payload } from './atomic-writer.js';
import { configMapNotFound, secretNotFound } from './env.js';
import { aggregateMessage } from './events.js';
import { extractFieldPathAsString, volumeResourceFieldRefValue } from './fieldpath.js';

/** core/v1 default file mode of these volumes (0644). */
export const DEFAULT_MODE = 0o644;

/** The kubelet's event for a volume that cannot be set up (reason FailedMount). */
export function mountFailedMessage(volumeName: string, err: unknown): string {
  return `MountVolume.SetUp failed for volume ${JSON.stringify(volumeName)} : ${err instanceof Error ? err.message : String(err)}`;
}

/** configmap MakePayload: every key (data and binaryData), or the listed items with their paths and modes. */
export function configMapPayload(items: KeyToPath[] | undefined, cm: ConfigMap, defaultMode = DEFAULT_MODE, optional = false): Payload {
  const payload: Payload = new Map();
  if (!items?.length) {
    for (const [k, v] of Object.entries(cm.data ?? {})) payload.set(k, { data: Buffer.from(v), mode: defaultMode });
    for (const [k, v] of Object.entries(cm.binaryData ?? {})) payload.set(k, { data: Buffer.from(v, 'base64'), mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    let data: Buffer;
    if (cm.data && Object.hasOwn(cm.data, item.key)) data = Buffer.from(cm.data[item.key]);
    else if (cm.binaryData && Object.hasOwn(cm.binaryData, item.key)) data = Buffer.from(cm.binaryData[item.key], 'base64');
    else if (optional) continue;
    else throw new Error(`configmap references non-existent config key: ${item.key}`);
    payload.set(item.path, { data, mode: item.mode ?? defaultMode });
  }
  return payload;
}

/** secret MakePayload. */
export function secretPayload(items: KeyToPath[] | undefined, secret: Secret, defaultMode = DEFAULT_MODE, optional = false): Payload {
  const payload: Payload = new Map();
  const data = secret.data ?? {};
  if (!items?.length) {
    for (const [k, v] of Object.entries(data)) payload.set(k, { data: Buffer.from(v, 'base64'), mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    if (!Object.hasOwn(data, item.key)) {
      if (optional) continue;
      throw new Error(`references non-existent secret key: ${item.key}`);
    }
    payload.set(item.path, { data: Buffer.from(data[item.key], 'base64'), mode: item.mode ?? defaultMode });
  }
  return payload;
}

/**
 * downwardapi CollectData: metadata fields and container resources (limits defaulted to node allocatable); every
 * failing item is reported, together.
 */
export function downwardAPIPayload(items: DownwardAPIVolumeFile[] | undefined, pod: Pod, nodeAllocatable: Record<string, string>, defaultMode = DEFAULT_MODE): Payload {
  const payload: Payload = new Map();
  const errs: string[] = [];
  for (const item of items ?? []) {
    let data = '';
    try {
      if (item.fieldRef) data = extractFieldPathAsString(pod, item.fieldRef.fieldPath);
      else if (item.resourceFieldRef) data = volumeResourceFieldRefValue(item.resourceFieldRef, pod, nodeAllocatable);
    } catch (e) {
      errs.push((e as Error).message);
    }
    payload.set(cleanPath(item.path), { data: Buffer.from(data), mode: item.mode ?? defaultMode });
  }
  if (errs.length) throw new Error(aggregateMessage(errs));
  return payload;
}

/** A TokenRequest for a projected service account token (audience empty = the API server's). */
export interface TokenRequest {
  namespace: string;
  serviceAccountName: string;
  audiences: string[];
  expirationSeconds?: number;
  boundPod: { name: string; uid: string };
}

export interface VolumeSources {
  /** The pod namespace's objects by name; undefined when missing. May throw other errors. */
  getConfigMap: (namespace: string, name: string) => ConfigMap | undefined;
  getSecret: (namespace: string, name: string) => Secret | undefined;
  nodeAllocatable: Record<string, string>;
  /** Issues a service account token; without it, token projections fail. */
  serviceAccountToken?: (req: TokenRequest) => string;
}

/** The optional-aware fetch of the volume plugins: a missing optional object is an empty one. */
function fetch<T extends ConfigMap | Secret>(get: () => T | undefined, name: string, optional: boolean, notFound: (n: string) => string): T {
  const obj = get();
  if (obj) return obj;
  if (!optional) throw new Error(notFound(name));
  return { metadata: { name } } as T;
}

/**
 * FsUserFrom: the one runAsUser every (init) container runs as, when they agree (container settings override the
 * pod's); undefined otherwise.
 */
export function fsUserFrom(pod: Pod): number | undefined {
  let user: number | undefined;
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    const uid = c.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser;
    if (uid === undefined || (user !== undefined && user !== uid)) return undefined;
    user = uid;
  }
  return user;
}

/** projected collectData: all sources into one payload; failures of several sources are reported together. */
export function projectedPayload(source: ProjectedVolumeSource, pod: Pod, deps: VolumeSources): Payload {
  const ns = pod.metadata.namespace ?? '';
  const defaultMode = source.defaultMode ?? DEFAULT_MODE;
  const payload: Payload = new Map();
  const errs: string[] = [];
  const merge = (p: Payload) => { for (const [k, v] of p) payload.set(k, v); };
  for (const s of source.sources ?? []) {
    try {
      if (s.secret) {
        const optional = s.secret.optional === true;
        const name = s.secret.name ?? '';
        merge(secretPayload(s.secret.items, fetch(() => deps.getSecret(ns, name), name, optional, secretNotFound), defaultMode, optional));
      } else if (s.configMap) {
        const optional = s.configMap.optional === true;
        const name = s.configMap.name ?? '';
        merge(configMapPayload(s.configMap.items, fetch(() => deps.getConfigMap(ns, name), name, optional, configMapNotFound), defaultMode, optional));
      } else if (s.downwardAPI) {
        merge(downwardAPIPayload(s.downwardAPI.items, pod, deps.nodeAllocatable, defaultMode));
      } else if (s.serviceAccountToken) {
        const [file, projection] = tokenFile(s.serviceAccountToken, pod, deps, defaultMode);
        payload.set(file, projection);
      }
      // clusterTrustBundle and podCertificate sources are behind feature gates Berth does not serve.
    } catch (e) {
      errs.push((e as Error).message);
    }
  }
  if (errs.length) throw new Error(aggregateMessage(errs));
  return payload;
}

function tokenFile(tp: ServiceAccountTokenProjection, pod: Pod, deps: VolumeSources, defaultMode: number): [string, FileProjection] {
  if (!deps.serviceAccountToken) throw new Error('service account token projection is not available on this node');
  const token = deps.serviceAccountToken({
    namespace: pod.metadata.namespace ?? '',
    serviceAccountName: pod.spec.serviceAccountName || 'default',
    audiences: tp.audience ? [tp.audience] : [],
    expirationSeconds: tp.expirationSeconds,
    boundPod: { name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
  });
  const fsUser = fsUserFrom(pod);
  const fsGroup = pod.spec.securityContext?.fsGroup;
  // With an fsUser or fsGroup the token is 0600 (SetVolumeOwnership then adds group read).
  const mode = fsUser !== undefined || fsGroup !== undefined ? 0o600 : defaultMode;
  return [tp.path, { data: Buffer.from(token), mode, ...(fsUser !== undefined ? { fsUser } : {}) }];
}

/**
 * The payload of a configMap, secret, downwardAPI or projected volume (undefined for other kinds), fetching the
 * objects it names. Errors carry the plugin's text; report them with mountFailedMessage.
 */
export function volumePayload(volume: Volume, pod: Pod, deps: VolumeSources): Payload | undefined {
  const ns = pod.metadata.namespace ?? '';
  if (volume.configMap) {
    const src = volume.configMap;
    const optional = src.optional === true;
    const cm = fetch(() => deps.getConfigMap(ns, src.name ?? ''), src.name ?? '', optional, configMapNotFound);
    return configMapPayload(src.items, cm, src.defaultMode ?? DEFAULT_MODE, optional);
  }
  if (volume.secret) {
    const src = volume.secret;
    const optional = src.optional === true;
    const secret = fetch(() => deps.getSecret(ns, src.secretName ?? ''), src.secretName ?? '', optional, secretNotFound);
    return secretPayload(src.items, secret, src.defaultMode ?? DEFAULT_MODE, optional);
  }
  if (volume.downwardAPI) return downwardAPIPayload(volume.downwardAPI.items, pod, deps.nodeAllocatable, volume.downwardAPI.defaultMode ?? DEFAULT_MODE);
  if (volume.projected) return projectedPayload(volume.projected, pod, deps);
  return undefined;
}

// ---- fsGroup ownership (pkg/volume/volume_linux.go) ---------------------------------------------------------

const RW_MASK = 0o660;
const RO_MASK = 0o440;
const EXEC_MASK = 0o110;
const SETGID = 0o2000;

/**
 * changeFilePermission's mode: the existing bits plus group (and owner) read — and write unless the volume is
 * read-only — and, for directories, setgid and search. Symlinks keep theirs (undefined).
 */
export function fsGroupMode(mode: number, kind: 'file' | 'dir' | 'symlink', readOnly: boolean): number | undefined {
  if (kind === 'symlink') return undefined;
  let mask = readOnly ? RO_MASK : RW_MASK;
  if (kind === 'dir') mask |= SETGID | EXEC_MASK;
  return (mode & 0o7777) | mask;
}

/** One change SetVolumeOwnership makes: lchown the group, then chmod (not for symlinks). */
export interface OwnershipChange {
  path: string;
  gid: number;
  mode?: number;
}

/**
 * SetVolumeOwnership as data: every path under `dir` (itself included) gets group `fsGroup`, and the mode bits
 * fsGroupMode gives it. configMap, secret, downwardAPI and projected volumes are read-only.
 */
export async function volumeOwnershipPlan(dir: string, fsGroup: number, readOnly = true): Promise<OwnershipChange[]> {
  const plan: OwnershipChange[] = [];
  const visit = async (p: string) => {
    const st = await lstat(p);
    const kind = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : 'file';
    const mode = fsGroupMode(st.mode, kind, readOnly);
    plan.push(mode === undefined ? { path: p, gid: fsGroup } : { path: p, gid: fsGroup, mode });
    if (kind === 'dir') for (const name of (await readdir(p)).sort()) await visit(path.join(p, name));
  };
  await visit(dir);
  return plan;
}

/** Applies a plan (needs the privilege to chown to the group). */
export async function applyOwnership(plan: OwnershipChange[]): Promise<void> {
  for (const c of plan) {
    await lchown(c.path, -1, c.gid);
    if (c.mode !== undefined) await chmod(c.path, c.mode);
  }
}
