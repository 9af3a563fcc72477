// The PersistentVolume binder (kube-controller-manager's persistentvolume-binder, pkg/controller/volume/
// persistentvolume/pv_controller.go): binds claims to volumes, asks provisioners for new volumes, tracks the
// Pending/Bound/Lost and Available/Bound/Released/Failed phases and runs the reclaim policy of released volumes.
// Two queues (claims, volumes) of keys on one QueueController: claimWorker's is the main queue, volumeWorker's a
// second one (pv_controller_base.go), and resync runs every --pvclaimbinder-sync-period. The syncs read the informer
// caches plus a VolumeIndex that also sees our own writes at once, so back-to-back claims never pick the same volume.
import { isNotFound } from '../../apimachinery/errors.js';
import type { KubeClient } from '../../client/client.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { objectKey } from '../../client/store.js';
import { WorkQueue } from '../../client/workqueue.js';
import {
  claimClass, claimHasClass, claimKey, isDelayBinding, isPodTerminated, isVolumeBoundToClaim, pickDefaultClass,
  podClaimKeys, storageBytes, volumeModeOf,
} from '../../volume/helpers.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER, CLAIM_BOUND, CLAIM_LOST, CLAIM_PENDING, PersistentVolume, PersistentVolumeClaim, StorageClass,
  VOLUME_AVAILABLE, VOLUME_BOUND, VOLUME_FAILED, VOLUME_RELEASED, VolumePod,
} from '../../volume/types.js';
import { VolumeIndex } from '../../volume/volume-index.js';
import { warnSyncError } from '../common/sync-errors.js';
import { errorText, QueueController } from '../common/queue-controller.js';

export const PV_CONTROLLER_NAME = 'persistentvolume-controller';
const POD_CLAIM_INDEX = 'pvcKey';

export interface PersistentVolumeControllerOptions {
  /** How often unbound claims and all volumes are looked at again (--pvclaimbinder-sync-period); default 15 s. */
  resyncMs?: number;
  workers?: number;
  /** Failed syncs; default console.warn. */
  onError?: (key: string, err: unknown) => void;
}

type Phase = string;

export class PersistentVolumeController extends QueueController {
  readonly claimQueue = this.queue;
  readonly volumeQueue = new WorkQueue<string>({ name: 'volumes' });
  readonly index = new VolumeIndex();
  private readonly claims: SharedInformer<PersistentVolumeClaim>;
  private readonly volumes: SharedInformer<PersistentVolume>;
  private readonly classes: SharedInformer<StorageClass>;
  private readonly pods: SharedInformer<VolumePod>;
  /** Claims whose last sync found nothing: a new or freed volume wakes them before the periodic resync. */
  private readonly waiting = new Set<string>();
  private readonly resyncMs: number;

  constructor(client: KubeClient, factory: SharedInformerFactory, private readonly opts: PersistentVolumeControllerOptions = {}) {
    super(client, PV_CONTROLLER_NAME, 'claims', {
      workers: opts.workers ?? 1, onError: (key, err) => this.report(`claim ${key}`, err), onEventError: (e) => this.report('events', e),
    });
    this.addQueue(this.volumeQueue, (key) => this.syncVolumeKey(key), { workers: opts.workers ?? 1, onError: (key, err) => this.report(`volume ${key}`, err) });
    this.resyncMs = opts.resyncMs ?? 15_000;
    this.every(this.resyncMs, () => this.resync()); // resync, every --pvclaimbinder-sync-period
    this.claims = factory.informerFor<PersistentVolumeClaim>(builtin.persistentVolumeClaims);
    this.volumes = factory.informerFor<PersistentVolume>(builtin.persistentVolumes);
    this.classes = factory.informerFor<StorageClass>(builtin.storageClasses);
    this.pods = factory.informerFor<VolumePod>(builtin.pods);
    this.pods.addIndexers({ [POD_CLAIM_INDEX]: podClaimKeys });

    this.volumes.addEventHandler({
      onAdd: (pv) => this.volumeChanged(pv),
      onUpdate: (_old, pv) => this.volumeChanged(pv),
      onDelete: (pv) => {
        this.index.remove(pv.metadata.name ?? '');
        // claims bound to it become Lost
        if (pv.spec.claimRef) this.claimQueue.add(`${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}`);
      },
    });
    this.claims.addEventHandler({
      onAdd: (c) => this.claimQueue.add(objectKey(c)),
      onUpdate: (_o, c) => this.claimQueue.add(objectKey(c)),
      onDelete: (c) => {
        const key = objectKey(c);
        this.waiting.delete(key);
        this.claimOverrides.delete(key);
        // volumes bound to it are released
        for (const pv of this.index.claimedBy(c.metadata.namespace ?? '', c.metadata.name ?? '')) this.volumeQueue.add(pv.metadata.name ?? '');
      },
    });
    // a new default class may be assigned to waiting claims; a class change may unblock provisioning
    this.classes.addEventHandler({ onAdd: () => this.wakeWaiting(), onUpdate: () => this.wakeWaiting() });
  }

  protected caches() {
    return [this.claims, this.volumes, this.classes, this.pods];
  }

  /** Resolves once every write so far has landed (tests). */
  flushEvents(): Promise<void> {
    return this.recorder.flush();
  }

  private report(what: string, err: unknown): void {
    if (this.opts.onError) this.opts.onError(what, err);
    else warnSyncError(err, `${PV_CONTROLLER_NAME}: ${what}: ${errorText(err)}`);
  }

  // ---- event plumbing ------------------------------------------------------------------------------------------

  private volumeChanged(pv: PersistentVolume): void {
    this.storeVolume(pv);
    this.volumeQueue.add(pv.metadata.name ?? '');
    // a volume a claim may use: wake the claims that found nothing
    if (!pv.spec.claimRef?.uid) this.wakeWaiting();
    if (pv.spec.claimRef) this.claimQueue.add(`${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}`);
  }

  private wakeWaiting(): void {
    for (const key of this.waiting) this.claimQueue.add(key);
  }

  private resync(): void {
    for (const c of this.claims.store.list()) this.claimQueue.add(objectKey(c));
    for (const pv of this.volumes.store.list()) this.volumeQueue.add(pv.metadata.name ?? '');
  }

  /** Keeps the newer of the cached and the given object (our writes may be ahead of the informer). */
  private storeVolume(pv: PersistentVolume): void {
    const cur = this.index.get(pv.metadata.name ?? '');
    if (cur && isOlder(pv, cur)) return;
    this.index.upsert(pv);
  }

  private readonly claimOverrides = new Map<string, PersistentVolumeClaim>();

  private currentClaim(key: string): PersistentVolumeClaim | undefined {
    const cached = this.claims.store.get(key);
    const mine = this.claimOverrides.get(key);
    if (mine && cached && !isOlder(mine, cached) && mine.metadata.uid === cached.metadata.uid) return mine;
    this.claimOverrides.delete(key);
    return cached;
  }

  private storeClaim(c: PersistentVolumeClaim): PersistentVolumeClaim {
    this.claimOverrides.set(claimKey(c), c);
    return c;
  }

  private getClass = (name: string) => this.classes.store.get(name);

  // ---- claims --------------------------------------------------------------------------------------------------

  /** claimWorker: the main queue's sync. */
  protected async sync(key: string): Promise<{ requeueAfter?: number } | void> {
    const claim = this.currentClaim(key);
    if (!claim) {
      this.waiting.delete(key);
      return;
    }
    const bindDone = claim.metadata.annotations?.[ANN_BIND_COMPLETED] !== undefined;
    if (bindDone) {
      this.waiting.delete(key);
      await this.syncBoundClaim(claim);
      return;
    }
    const settled = await this.syncUnboundClaim(claim);
    if (settled) {
      this.waiting.delete(key);
      return;
    }
    this.waiting.add(key);
    return { requeueAfter: this.resyncMs };
  }

  /** Returns true when the claim got bound (or nothing more can be done until something changes). */
  private async syncUnboundClaim(claim: PersistentVolumeClaim): Promise<boolean> {
    if (!claim.spec.volumeName) {
      const delayBinding = isDelayBinding(claim, this.getClass);
      const volume = this.index.findBestMatch(claim, { delayBinding });
      if (volume) {
        await this.bind(volume, claim);
        return true;
      }
      if (await this.assignDefaultStorageClass(claim)) return true; // the update brings the claim back
      if (delayBinding && !claim.metadata.annotations?.[ANN_SELECTED_NODE]) {
        this.emitWaitingForConsumer(claim);
      } else if (claimClass(claim) !== '') {
        await this.provisionClaim(claim);
        return false;
      } else {
        this.recorder.event(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set', claimRefKind);
      }
      await this.updateClaimStatus(claim, CLAIM_PENDING, undefined);
      return false;
    }

    // the user asked for a specific volume
    const volume = this.index.get(claim.spec.volumeName);
    if (!volume) {
      await this.updateClaimStatus(claim, CLAIM_PENDING, undefined);
      return false;
    }
    if (!volume.spec.claimRef) {
      const mismatch = volumeMismatch(volume, claim);
      if (mismatch) {
        this.recorder.event(claim, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${volume.metadata.name}": ${mismatch}`, claimRefKind);
        await this.updateClaimStatus(claim, CLAIM_PENDING, undefined);
        return false;
      }
      await this.bind(volume, claim);
      return true;
    }
    if (isVolumeBoundToClaim(volume, claim)) {
      await this.bind(volume, claim);
      return true;
    }
    this.recorder.event(claim, 'Warning', 'FailedBinding', `volume "${volume.metadata.name}" already bound to a different claim.`, claimRefKind);
    if (claim.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] !== undefined) {
      throw new Error(`invalid binding of claim "${claimKey(claim)}" to volume "${claim.spec.volumeName}": volume already claimed by "${volume.spec.claimRef.namespace}/${volume.spec.claimRef.name}"`);
    }
    await this.updateClaimStatus(claim, CLAIM_PENDING, undefined);
    return false;
  }

  private async syncBoundClaim(claim: PersistentVolumeClaim): Promise<void> {
    if (!claim.spec.volumeName) {
      await this.updateClaimStatusWithEvent(claim, CLAIM_LOST, 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
      return;
    }
    const volume = this.index.get(claim.spec.volumeName);
    if (!volume) {
      await this.updateClaimStatusWithEvent(claim, CLAIM_LOST, 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      return;
    }
    if (!volume.spec.claimRef || volume.spec.claimRef.uid === claim.metadata.uid) {
      await this.bind(volume, claim);
      return;
    }
    await this.updateClaimStatusWithEvent(claim, CLAIM_LOST, 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
  }

  /** Retroactive default class: an unbound claim that never named a class gets today's default. */
  private async assignDefaultStorageClass(claim: PersistentVolumeClaim): Promise<boolean> {
    if (claimHasClass(claim)) return false;
    const def = pickDefaultClass(this.classes.store.list());
    if (!def) return false;
    const updated = structuredClone(claim);
    updated.spec.storageClassName = def.metadata.name;
    this.storeClaim(await this.client.update(builtin.persistentVolumeClaims, updated));
    return true;
  }

  private emitWaitingForConsumer(claim: PersistentVolumeClaim): void {
    const unscheduled = this.pods.store.byIndex(POD_CLAIM_INDEX, claimKey(claim))
      .filter((p) => !isPodTerminated(p) && !p.spec.nodeName)
      .map((p) => p.metadata.name ?? '');
    if (unscheduled.length === 0) {
      this.recorder.event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', claimRefKind);
    } else {
      const msg = unscheduled.length > 1 ? `waiting for pods ${unscheduled.join(',')} to be scheduled` : `waiting for pod ${unscheduled[0]} to be scheduled`;
      this.recorder.event(claim, 'Normal', 'WaitForPodScheduled', msg, claimRefKind);
    }
  }

  /**
   * Every provisioner is external to this controller (as CSI drivers are upstream): annotate the claim with the
   * class's provisioner and say so; the provisioner creates a PV pre-bound to the claim, which we then bind.
   */
  private async provisionClaim(claim: PersistentVolumeClaim): Promise<void> {
    const className = claimClass(claim);
    const sc = this.getClass(className);
    if (!sc) {
      this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`, claimRefKind);
      await this.updateClaimStatus(claim, CLAIM_PENDING, undefined);
      return;
    }
    let current = claim;
    const ann = claim.metadata.annotations ?? {};
    if (ann[ANN_STORAGE_PROVISIONER] !== sc.provisioner || ann[ANN_BETA_STORAGE_PROVISIONER] !== sc.provisioner) {
      const updated = structuredClone(claim);
      updated.metadata.annotations = { ...updated.metadata.annotations, [ANN_STORAGE_PROVISIONER]: sc.provisioner, [ANN_BETA_STORAGE_PROVISIONER]: sc.provisioner };
      try {
        current = this.storeClaim(await this.client.update(builtin.persistentVolumeClaims, updated));
      } catch (e) {
        this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `Error saving claim: ${e instanceof Error ? e.message : String(e)}`, claimRefKind);
        throw e;
      }
    }
    this.recorder.event(current, 'Normal', 'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
      claimRefKind);
    await this.updateClaimStatus(current, CLAIM_PENDING, undefined);
  }

  // ---- binding -------------------------------------------------------------------------------------------------

  /** Volume first (claimRef, then phase), then the claim (volumeName + annotations, then status). */
  private async bind(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    volume = await this.bindVolumeToClaim(volume, claim);
    volume = await this.updateVolumePhase(volume, VOLUME_BOUND, '');
    claim = await this.bindClaimToVolume(claim, volume);
    await this.updateClaimStatus(claim, CLAIM_BOUND, volume);
  }

  private async bindVolumeToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<PersistentVolume> {
    const setBoundByController = !isVolumeBoundToClaim(volume, claim);
    const ref = volume.spec.claimRef;
    const clone = structuredClone(volume);
    let dirty = false;
    if (!ref || ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace || ref.uid !== claim.metadata.uid) {
      clone.spec.claimRef = {
        kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name,
        uid: claim.metadata.uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion,
      };
      dirty = true;
    }
    if (setBoundByController && clone.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] === undefined) {
      clone.metadata.annotations = { ...clone.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
      dirty = true;
    }
    if (!dirty) return volume;
    const saved = await this.client.update<PersistentVolume>(builtin.persistentVolumes, clone);
    this.storeVolume(saved);
    return saved;
  }

  private async bindClaimToVolume(claim: PersistentVolumeClaim, volume: PersistentVolume): Promise<PersistentVolumeClaim> {
    const clone = structuredClone(claim);
    const ann = { ...clone.metadata.annotations };
    let dirty = false;
    if (claim.spec.volumeName !== volume.metadata.name) {
      clone.spec.volumeName = volume.metadata.name;
      if (ann[ANN_BOUND_BY_CONTROLLER] === undefined) ann[ANN_BOUND_BY_CONTROLLER] = 'yes';
      dirty = true;
    }
    if (ann[ANN_BIND_COMPLETED] === undefined) {
      ann[ANN_BIND_COMPLETED] = 'yes';
      dirty = true;
    }
    if (!dirty) return claim;
    clone.metadata.annotations = ann;
    return this.storeClaim(await this.client.update<PersistentVolumeClaim>(builtin.persistentVolumeClaims, clone));
  }

  private async updateClaimStatus(claim: PersistentVolumeClaim, phase: Phase, volume: PersistentVolume | undefined): Promise<PersistentVolumeClaim> {
    const status = { ...(claim.status ?? {}) };
    let dirty = false;
    if (status.phase !== phase) {
      status.phase = phase;
      dirty = true;
    }
    if (!volume) {
      if (status.accessModes) { delete status.accessModes; dirty = true; }
      if (status.capacity) { delete status.capacity; dirty = true; }
    } else {
      if (JSON.stringify(status.accessModes ?? null) !== JSON.stringify(volume.spec.accessModes ?? null)) {
        status.accessModes = volume.spec.accessModes;
        dirty = true;
      }
      // capacity is copied when the claim becomes Bound, never afterwards (resizes own it then)
      if (claim.status?.phase !== phase) {
        const want = storageBytes(volume.spec.capacity), have = storageBytes(status.capacity);
        if (have === undefined || want !== have) {
          status.capacity = { ...volume.spec.capacity };
          dirty = true;
        }
      }
    }
    if (!dirty) return claim;
    return this.storeClaim(await this.client.updateStatus<PersistentVolumeClaim>(builtin.persistentVolumeClaims, { ...claim, status }));
  }

  private async updateClaimStatusWithEvent(claim: PersistentVolumeClaim, phase: Phase, reason: string, message: string): Promise<void> {
    if (claim.status?.phase === phase) return;
    const saved = await this.updateClaimStatus(claim, phase, undefined);
    this.recorder.event(saved, 'Warning', reason, message, claimRefKind);
  }

  // ---- volumes -------------------------------------------------------------------------------------------------

  /** volumeWorker: the second queue's sync. */
  private async syncVolumeKey(name: string): Promise<void> {
    const volume = this.index.get(name);
    if (!volume) return;
    const ref = volume.spec.claimRef;
    if (!ref?.uid) {
      // unused, or reserved for a claim that will pick it up in its own sync
      await this.updateVolumePhase(volume, VOLUME_AVAILABLE, '');
      return;
    }
    const key = `${ref.namespace}/${ref.name}`;
    let claim = this.currentClaim(key);
    if (!claim && volume.status?.phase !== VOLUME_RELEASED && volume.status?.phase !== VOLUME_FAILED) {
      claim = await this.fetchClaim(ref.namespace ?? '', ref.name ?? ''); // the cache may lag a fresh binding
    }
    if (claim && claim.metadata.uid !== ref.uid) {
      claim = await this.fetchClaim(ref.namespace ?? '', ref.name ?? '');
      if (claim && claim.metadata.uid !== ref.uid) claim = undefined;
    }

    if (!claim) {
      let v = volume;
      if (v.status?.phase !== VOLUME_RELEASED && v.status?.phase !== VOLUME_FAILED) v = await this.updateVolumePhase(v, VOLUME_RELEASED, '');
      await this.reclaimVolume(v);
      return;
    }
    if (!claim.spec.volumeName) {
      if (volumeModeOf(claim.spec) !== volumeModeOf(volume.spec)) {
        this.recorder.event(volume, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata.name}" due to incompatible volumeMode.`, pvRefKind);
        this.recorder.event(claim, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume "${volume.metadata.name}" to requested PersistentVolumeClaim due to incompatible volumeMode.`, claimRefKind);
        return;
      }
      // binding not finished (or a freshly provisioned volume): the claim's sync completes it
      this.claimQueue.add(key);
      return;
    }
    if (claim.spec.volumeName === volume.metadata.name) {
      await this.updateVolumePhase(volume, VOLUME_BOUND, '');
      return;
    }
    // the claim is bound to another volume
    const ann = volume.metadata.annotations ?? {};
    if (ann[ANN_DYNAMICALLY_PROVISIONED] !== undefined && volume.spec.persistentVolumeReclaimPolicy === 'Delete') {
      let v = volume;
      if (v.status?.phase !== VOLUME_RELEASED && v.status?.phase !== VOLUME_FAILED) v = await this.updateVolumePhase(v, VOLUME_RELEASED, '');
      await this.reclaimVolume(v);
      return;
    }
    await this.unbindVolume(volume);
  }

  private async fetchClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined> {
    try {
      return await this.client.get<PersistentVolumeClaim>(builtin.persistentVolumeClaims, name, { namespace });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private async unbindVolume(volume: PersistentVolume): Promise<void> {
    const clone = structuredClone(volume);
    if (clone.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] !== undefined) {
      delete clone.spec.claimRef;
      delete clone.metadata.annotations[ANN_BOUND_BY_CONTROLLER];
    } else if (clone.spec.claimRef) {
      clone.spec.claimRef = { ...clone.spec.claimRef, uid: '' };
    }
    const saved = await this.client.update<PersistentVolume>(builtin.persistentVolumes, clone);
    this.storeVolume(saved);
    await this.updateVolumePhase(saved, VOLUME_AVAILABLE, '');
  }

  /**
   * Retain keeps the volume Released with its claimRef. Delete: volumes made by a provisioner are left to it (it
   * removes the storage, then the PV); anything else has no deleter here, as upstream's nfs/iscsi/… volumes.
   */
  private async reclaimVolume(volume: PersistentVolume): Promise<void> {
    switch (volume.spec.persistentVolumeReclaimPolicy) {
      case 'Retain':
        return;
      case 'Delete': {
        const provisioner = volume.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED];
        if (provisioner && !provisioner.startsWith('kubernetes.io/')) return;
        if (volume.spec.csi) return;
        await this.updateVolumePhaseWithEvent(volume, VOLUME_FAILED, 'VolumeFailedDelete',
          `error getting deleter volume plugin for volume "${volume.metadata.name}": no deletable volume plugin matched`);
        return;
      }
      case 'Recycle':
        await this.updateVolumePhaseWithEvent(volume, VOLUME_FAILED, 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
        return;
      default:
        await this.updateVolumePhaseWithEvent(volume, VOLUME_FAILED, 'VolumeUnknownReclaimPolicy', 'Volume has unrecognized PersistentVolumeReclaimPolicy');
    }
  }

  private async updateVolumePhase(volume: PersistentVolume, phase: Phase, message: string): Promise<PersistentVolume> {
    if (volume.status?.phase === phase) return volume;
    const status: NonNullable<PersistentVolume['status']> = { ...(volume.status ?? {}), phase };
    if (message) status.message = message;
    else delete status.message;
    const saved = await this.client.updateStatus<PersistentVolume>(builtin.persistentVolumes, { ...volume, status });
    this.storeVolume(saved);
    return saved;
  }

  private async updateVolumePhaseWithEvent(volume: PersistentVolume, phase: Phase, reason: string, message: string): Promise<void> {
    if (volume.status?.phase === phase) return;
    const saved = await this.updateVolumePhase(volume, phase, message);
    this.recorder.event(saved, 'Warning', reason, message, pvRefKind);
  }
}

const claimRefKind = { kind: 'PersistentVolumeClaim', apiVersion: 'v1' };
const pvRefKind = { kind: 'PersistentVolume', apiVersion: 'v1' };

/** resourceVersions are decimal counters here; an unparsable one is never treated as older. */
function isOlder(a: { metadata: { resourceVersion?: string } }, b: { metadata: { resourceVersion?: string } }): boolean {
  const x = a.metadata.resourceVersion, y = b.metadata.resourceVersion;
  if (!x || !y || !/^\d+$/.test(x) || !/^\d+$/.test(y)) return false;
  return BigInt(x) < BigInt(y);
}

/** checkVolumeSatisfyClaim: why a requested volume cannot serve the claim, or undefined. */
export function volumeMismatch(volume: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  const requested = storageBytes(claim.spec.resources?.requests) ?? 0n;
  const have = storageBytes(volume.spec.capacity) ?? 0n;
  if (have < requested) return 'requested PV is too small';
  const cls = claimClass(claim);
  if ((volume.spec.storageClassName ?? '') !== cls) return 'storageClassName does not match';
  if (volumeModeOf(volume.spec) !== volumeModeOf(claim.spec)) return 'incompatible volumeMode';
  if (!(claim.spec.accessModes ?? []).every((m) => (volume.spec.accessModes ?? []).includes(m))) return 'incompatible accessMode';
  return undefined;
}
