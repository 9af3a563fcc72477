// Pod and claim operations with the events upstream records (stateful_pod_control.go). The object manager does
// the I/O; this class decides what to create, update or delete and reports it.
import { isNotFound, isConflict, isAlreadyExists } from '../../apimachinery/errors.js';
import { aggregate } from '../common/errors.js';
import type { EventRecorder, PersistentVolumeClaim, Pod, StatefulPodObjectManager, StatefulSet } from './types.js';
import {
  claimIsStaleForPod, getOrdinal, getPersistentVolumeClaimName, getPersistentVolumeClaimRetentionPolicy, getPersistentVolumeClaims,
  identityMatches, isClaimOwnerUpToDate, storageMatches, updateClaimOwnerRefForSetAndPod, updateIdentity, updateStorage,
} from './utils.js';

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

const titleCase = (verb: string) => verb.charAt(0).toUpperCase() + verb.slice(1);

// retry.DefaultBackoff allows 4 attempts for conflicts
const UPDATE_ATTEMPTS = 4;

export class StatefulPodControl {
  constructor(private readonly objects: StatefulPodObjectManager, private readonly recorder: EventRecorder) {}

  /** Creates the pod's missing claims, then the pod, then fixes claim ownership for the retention policy. */
  async createStatefulPod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.createPersistentVolumeClaims(set, pod);
    } catch (e) {
      this.recordPodEvent('create', set, pod, e);
      throw e;
    }
    let createErr: unknown;
    let created: Pod = pod;
    try {
      created = (await this.objects.createPod(pod)) ?? pod;
    } catch (e) {
      // a pod that already exists is someone else's (or our stale cache): no event, just retry later
      if (isAlreadyExists(e)) throw e;
      createErr = e;
    }
    if (createErr === undefined) {
      try {
        // the created pod carries its uid, which pod-owned claims need
        await this.updatePodClaimForRetentionPolicy(set, created);
      } catch (e) {
        this.recordPodEvent('update', set, pod, e);
        throw e;
      }
    }
    this.recordPodEvent('create', set, pod, createErr);
    if (createErr !== undefined) throw createErr;
  }

  /** Restores identity, storage and claim ownership on an existing pod; writes only when something changed. */
  async updateStatefulPod(set: StatefulSet, original: Pod): Promise<void> {
    let pod: Pod = structuredClone(original);
    let attemptedUpdate = false;
    let lastErr: unknown;
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      lastErr = undefined;
      let consistent = true;
      if (!identityMatches(set, pod)) {
        updateIdentity(set, pod);
        consistent = false;
      }
      if (!storageMatches(set, pod)) {
        updateStorage(set, pod);
        consistent = false;
        try {
          await this.createPersistentVolumeClaims(set, pod);
        } catch (e) {
          this.recordPodEvent('update', set, pod, e);
          throw e;
        }
      }
      try {
        if (!(await this.claimsMatchRetentionPolicy(set, pod))) {
          await this.updatePodClaimForRetentionPolicy(set, pod);
          consistent = false;
        }
      } catch (e) {
        this.recordPodEvent('update', set, pod, e);
        throw e;
      }
      if (consistent) return;
      attemptedUpdate = true;
      try {
        await this.objects.updatePod(pod);
        break;
      } catch (e) {
        lastErr = e;
        try {
          pod = structuredClone(await this.objects.getPod(set.metadata.namespace ?? '', pod.metadata.name ?? ''));
        } catch {
          // keep our copy; the next attempt (or sync) will sort it out
        }
        if (!isConflict(e)) break;
      }
    }
    if (attemptedUpdate) this.recordPodEvent('update', set, pod, lastErr);
    if (lastErr !== undefined) throw lastErr;
  }

  async deleteStatefulPod(set: StatefulSet, pod: Pod): Promise<void> {
    let err: unknown;
    try {
      await this.objects.deletePod(pod);
    } catch (e) {
      err = e;
    }
    this.recordPodEvent('delete', set, pod, err);
    if (err !== undefined) throw err;
  }

  /**
   * The pod's existing claims (missing ones are skipped: a later sync picks them up). `describeGetError` words
   * the failure of a read the way upstream reports it.
   */
  private async existingClaims(set: StatefulSet, pod: Pod, describeGetError: (claimName: string, e: unknown) => string): Promise<PersistentVolumeClaim[]> {
    const ordinal = getOrdinal(pod);
    const claims: PersistentVolumeClaim[] = [];
    for (const template of set.spec.volumeClaimTemplates ?? []) {
      const claimName = getPersistentVolumeClaimName(set, template, ordinal);
      try {
        claims.push(await this.objects.getClaim(set.metadata.namespace ?? '', claimName));
      } catch (e) {
        if (!isNotFound(e)) throw new Error(describeGetError(claimName, e));
      }
    }
    return claims;
  }

  /** False when one of the pod's existing claims has owner refs that do not express the retention policy. */
  async claimsMatchRetentionPolicy(set: StatefulSet, pod: Pod): Promise<boolean> {
    const claims = await this.existingClaims(set, pod, (name) => `Could not retrieve claim ${name} for ${pod.metadata.name} when checking PVC deletion policy`);
    return claims.every((claim) => isClaimOwnerUpToDate(claim, set, pod));
  }

  /** Rewrites owner refs on the pod's claims to match the retention policy. */
  async updatePodClaimForRetentionPolicy(set: StatefulSet, pod: Pod): Promise<void> {
    const claims = await this.existingClaims(
      set,
      pod,
      (name, e) => `Could not retrieve claim ${name} not found for ${pod.metadata.name} when checking PVC deletion policy: ${errText(e)}`,
    );
    for (const claim of claims) {
      if (isClaimOwnerUpToDate(claim, set, pod)) continue;
      const updated: PersistentVolumeClaim = structuredClone(claim);
      updateClaimOwnerRefForSetAndPod(updated, set, pod);
      try {
        await this.objects.updateClaim(updated);
      } catch (e) {
        throw new Error(`could not update claim ${claim.metadata.name} for delete policy ownerRefs: ${errText(e)}`);
      }
    }
  }

  /** With whenScaled=Delete, a claim still owned by an earlier pod of this name blocks creating the new pod. */
  async podClaimIsStale(set: StatefulSet, pod: Pod): Promise<boolean> {
    if (getPersistentVolumeClaimRetentionPolicy(set).whenScaled === 'Retain') return false;
    for (const claim of getPersistentVolumeClaims(set, pod).values()) {
      try {
        const existing = await this.objects.getClaim(claim.metadata.namespace ?? '', claim.metadata.name ?? '');
        if (claimIsStaleForPod(existing, pod)) return true;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return false;
  }

  /** Missing claims for a pod that exists but is still Pending (e.g. a claim was deleted by hand). */
  async createMissingPersistentVolumeClaims(set: StatefulSet, pod: Pod): Promise<void> {
    await this.createPersistentVolumeClaims(set, pod);
    try {
      await this.updatePodClaimForRetentionPolicy(set, pod);
    } catch (e) {
      this.recordPodEvent('update', set, pod, e);
      throw e;
    }
  }

  /** Creates every claim of the pod that does not exist yet; existing claims are reused as they are. */
  async createPersistentVolumeClaims(set: StatefulSet, pod: Pod): Promise<void> {
    const errs: Error[] = [];
    for (const claim of getPersistentVolumeClaims(set, pod).values()) {
      const name = claim.metadata.name ?? '';
      let existing: PersistentVolumeClaim | undefined;
      try {
        existing = await this.objects.getClaim(claim.metadata.namespace ?? '', name);
      } catch (e) {
        if (!isNotFound(e)) {
          errs.push(new Error(`failed to retrieve PVC ${name}: ${errText(e)}`));
          this.recordClaimEvent('create', set, pod, claim, e);
          continue;
        }
      }
      if (existing) {
        if (existing.metadata.deletionTimestamp) errs.push(new Error(`pvc ${name} is being deleted`));
        continue;
      }
      let createErr: unknown;
      try {
        await this.objects.createClaim(claim);
      } catch (e) {
        createErr = e;
        errs.push(new Error(`failed to create PVC ${name}: ${errText(e)}`));
      }
      if (createErr === undefined || !isAlreadyExists(createErr)) this.recordClaimEvent('create', set, pod, claim, createErr);
    }
    const err = aggregate(errs);
    if (err) throw err;
  }

  private recordPodEvent(verb: string, set: StatefulSet, pod: Pod, err: unknown): void {
    const who = `Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name}`;
    if (err === undefined) this.recorder.event(set, 'Normal', `Successful${titleCase(verb)}`, `${verb} ${who} successful`);
    else this.recorder.event(set, 'Warning', `Failed${titleCase(verb)}`, `${verb} ${who} failed error: ${errText(err)}`);
  }

  private recordClaimEvent(verb: string, set: StatefulSet, pod: Pod, claim: PersistentVolumeClaim, err: unknown): void {
    const claimName = claim.metadata.name;
    if (err === undefined) {
      this.recorder.event(set, 'Normal', `Successful${titleCase(verb)}`, `${verb} Claim ${claimName} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
    } else {
      this.recorder.event(set, 'Warning', `Failed${titleCase(verb)}`, `${verb} Claim ${claimName} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errText(err)}`);
    }
  }
}
