// The binder's view of the PersistentVolumes, built so one claim costs O(log n) instead of a scan of every PV.
// Upstream (persistentvolume/index.go) files PVs by their access-mode set and, for a claim, tries the sets that
// contain every requested mode, fewest modes first, taking the first set that yields a match. Within a set it
// scans all PVs (findMatchingVolume). Here each set is further split by (storage class, volume mode) into a list
// sorted by capacity, so the smallest PV that fits is found by binary search; PVs carrying a claimRef live in a
// separate map keyed by the claim they name, because only that claim may use them.
import { labelSelectorAsSelector, Selector } from '../apimachinery/labels.js';
import {
  accessModesFromKey, accessModesKey, claimClass, containsAllModes, isVolumeBoundToClaim, storageBytes, volumeClass,
  volumeModeOf,
} from './helpers.js';
import { PersistentVolume, PersistentVolumeClaim, VOLUME_AVAILABLE } from './types.js';

interface Entry { bytes: bigint; name: string }

/** PVs without a claimRef of one (class, volumeMode), ascending by capacity then name. */
class SortedVolumes {
  readonly entries: Entry[] = [];

  /** First position whose entry is ≥ (bytes, name). */
  lowerBound(bytes: bigint, name = ''): number {
    let lo = 0, hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.entries[mid];
      if (e.bytes < bytes || (e.bytes === bytes && e.name < name)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(e: Entry): void {
    this.entries.splice(this.lowerBound(e.bytes, e.name), 0, e);
  }

  remove(e: Entry): void {
    const i = this.lowerBound(e.bytes, e.name);
    if (this.entries[i]?.name === e.name) this.entries.splice(i, 1);
  }
}

interface ModeSet {
  key: string;
  modes: string[];
  /** All PVs with exactly these modes, bound or not: a set exists while it has members, as in upstream's index. */
  size: number;
  unclaimed: Map<string, SortedVolumes>;
}

interface Filed { pv: PersistentVolume; modeKey: string; bytes: bigint; bucket?: string; claim?: string }

const bucketKey = (cls: string, mode: string) => `${cls}\u0000${mode}`;

export interface FindOptions {
  /** WaitForFirstConsumer in the controller: only PVs pre-bound to the claim count. */
  delayBinding?: boolean;
  /** Scheduler path: PVs whose node affinity rejects the node are skipped. */
  nodeMatches?: (pv: PersistentVolume) => boolean;
  /** Scheduler path: PVs already chosen for another claim of the same pod. */
  excluded?: ReadonlySet<string>;
}

export class VolumeIndex {
  private readonly filed = new Map<string, Filed>();
  private readonly sets = new Map<string, ModeSet>();
  /** `namespace/name` of a claimRef → names of PVs pointing at it. */
  private readonly byClaim = new Map<string, Set<string>>();
  private sortedSets: ModeSet[] | undefined;

  get size(): number {
    return this.filed.size;
  }

  get(name: string): PersistentVolume | undefined {
    return this.filed.get(name)?.pv;
  }

  list(): PersistentVolume[] {
    return [...this.filed.values()].map((f) => f.pv);
  }

  /** PVs whose claimRef names this claim (any uid). */
  claimedBy(namespace: string, name: string): PersistentVolume[] {
    return [...(this.byClaim.get(`${namespace}/${name}`) ?? [])].map((n) => this.filed.get(n)!.pv);
  }

  upsert(pv: PersistentVolume): void {
    const name = pv.metadata.name ?? '';
    this.remove(name);
    const modeKey = accessModesKey(pv.spec.accessModes);
    let set = this.sets.get(modeKey);
    if (!set) {
      set = { key: modeKey, modes: accessModesFromKey(modeKey), size: 0, unclaimed: new Map() };
      this.sets.set(modeKey, set);
      this.sortedSets = undefined;
    }
    set.size++;
    const f: Filed = { pv, modeKey, bytes: storageBytes(pv.spec.capacity) ?? 0n };
    const ref = pv.spec.claimRef;
    if (ref) {
      f.claim = `${ref.namespace ?? ''}/${ref.name ?? ''}`;
      let names = this.byClaim.get(f.claim);
      if (!names) this.byClaim.set(f.claim, (names = new Set()));
      names.add(name);
    } else {
      f.bucket = bucketKey(volumeClass(pv), volumeModeOf(pv.spec));
      let sorted = set.unclaimed.get(f.bucket);
      if (!sorted) set.unclaimed.set(f.bucket, (sorted = new SortedVolumes()));
      sorted.insert({ bytes: f.bytes, name });
    }
    this.filed.set(name, f);
  }

  remove(name: string): void {
    const f = this.filed.get(name);
    if (!f) return;
    this.filed.delete(name);
    const set = this.sets.get(f.modeKey)!;
    if (f.bucket !== undefined) set.unclaimed.get(f.bucket)?.remove({ bytes: f.bytes, name });
    if (f.claim !== undefined) {
      const names = this.byClaim.get(f.claim)!;
      names.delete(name);
      if (names.size === 0) this.byClaim.delete(f.claim);
    }
    if (--set.size === 0) {
      this.sets.delete(f.modeKey);
      this.sortedSets = undefined;
    }
  }

  /** Mode sets holding every requested mode, fewest modes first (allPossibleMatchingAccessModes). */
  matchingModeSets(requested: readonly string[] | undefined): string[][] {
    return this.orderedSets().filter((s) => containsAllModes(s.modes, requested)).map((s) => s.modes);
  }

  private orderedSets(): ModeSet[] {
    return (this.sortedSets ??= [...this.sets.values()].sort((a, b) => a.modes.length - b.modes.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  }

  /** The PV the claim should bind to (findBestMatchForClaim), or undefined. */
  findBestMatch(claim: PersistentVolumeClaim, opts: FindOptions = {}): PersistentVolume | undefined {
    const requested = storageBytes(claim.spec.resources?.requests) ?? 0n;
    const wantMode = volumeModeOf(claim.spec);
    const bucket = bucketKey(claimClass(claim), wantMode);
    let selector: Selector | undefined;
    const ns = claim.metadata.namespace ?? '', name = claim.metadata.name ?? '';
    const preBound = this.byClaim.get(`${ns}/${name}`);
    sets: for (const set of this.orderedSets()) {
      if (!containsAllModes(set.modes, claim.spec.accessModes)) continue;
      // A PV reserved for this very claim wins within its set, whatever its class, selector or phase; if its node
      // affinity rejects the node, this set has no match at all.
      if (preBound) {
        for (const pvName of preBound) {
          const f = this.filed.get(pvName)!;
          if (f.modeKey !== set.key || opts.excluded?.has(pvName)) continue;
          if (!isVolumeBoundToClaim(f.pv, claim) || f.bytes < requested) continue;
          if (volumeModeOf(f.pv.spec) !== wantMode || f.pv.metadata.deletionTimestamp) continue;
          if (opts.nodeMatches && !opts.nodeMatches(f.pv)) continue sets;
          return f.pv;
        }
      }
      if (opts.delayBinding && !opts.nodeMatches) continue;
      const sorted = set.unclaimed.get(bucket);
      if (!sorted) continue;
      for (let i = sorted.lowerBound(requested); i < sorted.entries.length; i++) {
        const pv = this.filed.get(sorted.entries[i].name)!.pv;
        if (opts.excluded?.has(pv.metadata.name ?? '')) continue;
        if (pv.metadata.deletionTimestamp || pv.status?.phase !== VOLUME_AVAILABLE) continue;
        if (claim.spec.selector) {
          selector ??= labelSelectorAsSelector(claim.spec.selector);
          if (!selector.matches(pv.metadata.labels ?? {})) continue;
        }
        if (opts.nodeMatches && !opts.nodeMatches(pv)) continue;
        return pv;
      }
    }
    return undefined;
  }
}
