// Upstream's matching as written (FindMatchingVolume over a list, findByClaim over access-mode groups), kept as
// the reference the indexed binder is tested and benchmarked against. O(PVs) per claim.
import { labelSelectorAsSelector } from '../apimachinery/labels.js';
import {
  accessModesKey, accessModesFromKey, claimClass, containsAllModes, isVolumeBoundToClaim, storageBytes, volumeClass,
  volumeModeOf,
} from './helpers.js';
import type { FindOptions } from './volume-index.js';
import { PersistentVolume, PersistentVolumeClaim, VOLUME_AVAILABLE } from './types.js';

/** The best PV among `volumes` for the claim: pre-bound first, else the smallest Available fit. */
export function findMatchingVolume(claim: PersistentVolumeClaim, volumes: readonly PersistentVolume[], opts: FindOptions = {}): PersistentVolume | undefined {
  const requested = storageBytes(claim.spec.resources?.requests) ?? 0n;
  const requestedClass = claimClass(claim);
  const selector = claim.spec.selector ? labelSelectorAsSelector(claim.spec.selector) : undefined;
  let smallest: PersistentVolume | undefined;
  let smallestBytes = 0n;
  for (const pv of volumes) {
    if (opts.excluded?.has(pv.metadata.name ?? '')) continue;
    if (pv.spec.claimRef && !isVolumeBoundToClaim(pv, claim)) continue;
    const bytes = storageBytes(pv.spec.capacity) ?? 0n;
    if (bytes < requested) continue;
    if (volumeModeOf(pv.spec) !== volumeModeOf(claim.spec)) continue;
    if (pv.metadata.deletionTimestamp) continue;
    const nodeOk = !opts.nodeMatches || opts.nodeMatches(pv);
    if (isVolumeBoundToClaim(pv, claim)) return nodeOk ? pv : undefined;
    if (opts.delayBinding && !opts.nodeMatches) continue;
    if (pv.status?.phase !== VOLUME_AVAILABLE) continue;
    if (selector && !selector.matches(pv.metadata.labels ?? {})) continue;
    if (volumeClass(pv) !== requestedClass || !nodeOk) continue;
    if (opts.nodeMatches && !containsAllModes(pv.spec.accessModes ?? [], claim.spec.accessModes)) continue;
    if (!smallest || smallestBytes > bytes || (smallestBytes === bytes && (pv.metadata.name ?? '') < (smallest.metadata.name ?? ''))) {
      smallest = pv;
      smallestBytes = bytes;
    }
  }
  return smallest;
}

/** findByClaim without an index: group every PV by access modes, try groups fewest modes first. */
export function naiveFindBestMatch(claim: PersistentVolumeClaim, volumes: readonly PersistentVolume[], opts: FindOptions = {}): PersistentVolume | undefined {
  const groups = new Map<string, PersistentVolume[]>();
  for (const pv of volumes) {
    const key = accessModesKey(pv.spec.accessModes);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(pv);
  }
  const keys = [...groups.keys()]
    .map((k) => ({ k, modes: accessModesFromKey(k) }))
    .filter((x) => containsAllModes(x.modes, claim.spec.accessModes))
    .sort((a, b) => a.modes.length - b.modes.length || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  for (const { k } of keys) {
    const pv = findMatchingVolume(claim, groups.get(k)!, opts);
    if (pv) return pv;
  }
  return undefined;
}
