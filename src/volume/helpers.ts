// Small rules shared by the binder, the provisioner, the protection controllers and the scheduler hook, after
// upstream's component-helpers/storage/volume and pkg/volume/util.
import { tryParseQuantity } from '../apimachinery/quantity.js';
import type { ResourceList } from '../api/core.js';
import {
  ANN_BETA_DEFAULT_CLASS, ANN_BETA_STORAGE_CLASS, ANN_DEFAULT_CLASS, BINDING_WAIT_FOR_FIRST_CONSUMER,
  PersistentVolume, PersistentVolumeClaim, StorageClass, VolumePod,
} from './types.js';

const MODE_ORDER = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
const MODE_SHORT: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

/** Canonical `RWO,ROX,RWX` spelling of a set of access modes (GetAccessModesAsString): fixed order, no repeats. */
export function accessModesKey(modes: readonly string[] | undefined): string {
  const have = new Set(modes ?? []);
  return MODE_ORDER.filter((m) => have.has(m)).map((m) => MODE_SHORT[m]).join(',');
}

const SHORT_TO_MODE = Object.fromEntries(Object.entries(MODE_SHORT).map(([k, v]) => [v, k]));
export function accessModesFromKey(key: string): string[] {
  return key === '' ? [] : key.split(',').map((s) => SHORT_TO_MODE[s]);
}

/** Every requested mode is among `have`. */
export function containsAllModes(have: readonly string[], requested: readonly string[] | undefined): boolean {
  return (requested ?? []).every((m) => have.includes(m));
}

/** Bytes of a `storage` quantity; undefined when absent or unparsable. */
export function storageBytes(resources: ResourceList | undefined): bigint | undefined {
  const q = tryParseQuantity(resources?.storage);
  return q ? q.value() : undefined;
}

export const claimKey = (c: { metadata: { namespace?: string; name?: string } }) => `${c.metadata.namespace ?? ''}/${c.metadata.name ?? ''}`;

/** The claim's class: spec.storageClassName, else the beta annotation, else "" (GetPersistentVolumeClaimClass). */
export function claimClass(claim: PersistentVolumeClaim): string {
  const beta = claim.metadata.annotations?.[ANN_BETA_STORAGE_CLASS];
  if (beta !== undefined) return beta;
  return claim.spec.storageClassName ?? '';
}

/** The user asked for a class (even ""): PersistentVolumeClaimHasClass. */
export function claimHasClass(claim: PersistentVolumeClaim): boolean {
  return claim.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] !== undefined ||
    (claim.spec.storageClassName !== undefined && claim.spec.storageClassName !== null);
}

export function volumeClass(pv: PersistentVolume): string {
  const beta = pv.metadata.annotations?.[ANN_BETA_STORAGE_CLASS];
  if (beta !== undefined) return beta;
  return pv.spec.storageClassName ?? '';
}

/** nil volumeMode means Filesystem on both sides. */
export const volumeModeOf = (spec: { volumeMode?: string }) => spec.volumeMode || 'Filesystem';

/** Pre-bound or bound to this claim: namespace/name equal, uid equal when the ref has one. */
export function isVolumeBoundToClaim(pv: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = pv.spec.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

export function isDefaultClass(sc: StorageClass): boolean {
  const a = sc.metadata.annotations ?? {};
  return a[ANN_DEFAULT_CLASS] === 'true' || a[ANN_BETA_DEFAULT_CLASS] === 'true';
}

/** The default class when several are marked: the newest, then the first by name (GetDefaultClass). */
export function pickDefaultClass(classes: Iterable<StorageClass>): StorageClass | undefined {
  let best: StorageClass | undefined;
  for (const sc of classes) {
    if (!isDefaultClass(sc)) continue;
    if (!best) { best = sc; continue; }
    const t = Date.parse(sc.metadata.creationTimestamp ?? '') || 0, bt = Date.parse(best.metadata.creationTimestamp ?? '') || 0;
    if (t > bt || (t === bt && (sc.metadata.name ?? '') < (best.metadata.name ?? ''))) best = sc;
  }
  return best;
}

/** WaitForFirstConsumer class (IsDelayBindingMode); an unknown class is not delayed. */
export function isDelayBinding(claim: PersistentVolumeClaim, getClass: (name: string) => StorageClass | undefined): boolean {
  const name = claimClass(claim);
  if (!name) return false;
  return getClass(name)?.volumeBindingMode === BINDING_WAIT_FOR_FIRST_CONSUMER;
}

export const isPodTerminated = (pod: VolumePod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/** Names of the claims a pod mounts, including generic ephemeral volumes (`<pod>-<volume>`). */
export function podClaimNames(pod: VolumePod): string[] {
  const names: string[] = [];
  for (const v of pod.spec.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) names.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) names.push(`${pod.metadata.name}-${v.name}`);
  }
  return names;
}

/** Index function: `namespace/claim` for every claim a pod mounts. */
export const podClaimKeys = (pod: VolumePod) => podClaimNames(pod).map((n) => `${pod.metadata.namespace ?? ''}/${n}`);
