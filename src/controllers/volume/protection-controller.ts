// pvc-protection and pv-protection (pkg/controller/volume/pvcprotection, pvprotection): a claim being deleted
// keeps its `kubernetes.io/pvc-protection` finalizer while a scheduled, non-terminated pod mounts it; a volume
// being deleted keeps `kubernetes.io/pv-protection` while it is Bound. Then the finalizer goes and the delete ends.
// Upstream's two controllers are one QueueController here: the claims' queue is its main one (pvc_protection_controller.go
// processPVC), the volumes' a second one (pv_protection_controller.go processPV), one worker each.
import { isNotFound } from '../../apimachinery/errors.js';
import type { KubeClient } from '../../client/client.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { claimKey, isPodTerminated, podClaimKeys, podClaimNames } from '../../volume/helpers.js';
import { warnSyncError } from '../common/sync-errors.js';
import { errorText, QueueController } from '../common/queue-controller.js';
import {
  PersistentVolume, PersistentVolumeClaim, PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER, VOLUME_BOUND, VolumePod,
} from '../../volume/types.js';

const POD_CLAIM_INDEX = 'protectionPvcKey';

/** A pod holds a claim once it is on a node and until it has terminated. */
export function podUsesClaim(pod: VolumePod, claimName: string): boolean {
  return !!pod.spec.nodeName && !isPodTerminated(pod) && podClaimNames(pod).includes(claimName);
}

export class StorageProtectionController extends QueueController {
  readonly claimQueue = this.queue;
  readonly volumeQueue = new WorkQueue<string>({ name: 'pvprotection' });
  private readonly claims: SharedInformer<PersistentVolumeClaim>;
  private readonly volumes: SharedInformer<PersistentVolume>;
  private readonly pods: SharedInformer<VolumePod>;

  private readonly clients: { claims: KubeClient; volumes: KubeClient };

  /** `clients`: one, or upstream's two (the pvc-protection and pv-protection controllers' accounts). */
  constructor(clients: KubeClient | { claims: KubeClient; volumes: KubeClient }, factory: SharedInformerFactory, onError?: (key: string, err: unknown) => void) {
    const both = 'claims' in clients ? clients : { claims: clients, volumes: clients };
    super(both.claims, 'pvc-protection-controller', 'pvcprotection', {
      workers: 1,
      onError: onError ?? ((key, err) => warnSyncError(err, `storage protection: ${key}: ${errorText(err)}`)),
    });
    this.clients = both;
    this.addQueue(this.volumeQueue, (name) => this.syncVolume(name), { workers: 1, onError: this.onError });
    this.claims = factory.informerFor<PersistentVolumeClaim>(builtin.persistentVolumeClaims);
    this.volumes = factory.informerFor<PersistentVolume>(builtin.persistentVolumes);
    this.pods = factory.informerFor<VolumePod>(builtin.pods);
    this.pods.addIndexers({ [POD_CLAIM_INDEX]: podClaimKeys });
    const addClaim = (c: PersistentVolumeClaim) => {
      if (c.metadata.deletionTimestamp && c.metadata.finalizers?.includes(PVC_PROTECTION_FINALIZER)) this.enqueue(c);
    };
    this.claims.addEventHandler({ onAdd: addClaim, onUpdate: (_o, c) => addClaim(c) });
    const addVolume = (v: PersistentVolume) => {
      if (v.metadata.deletionTimestamp && v.metadata.finalizers?.includes(PV_PROTECTION_FINALIZER)) this.volumeQueue.add(v.metadata.name ?? '');
    };
    this.volumes.addEventHandler({ onAdd: addVolume, onUpdate: (_o, v) => addVolume(v) });
    // a pod that stops using its claims (deleted, finished) may unblock their deletion
    const podGone = (p: VolumePod) => {
      for (const key of podClaimKeys(p)) {
        const c = this.claims.store.get(key);
        if (c) addClaim(c);
      }
    };
    this.pods.addEventHandler({ onDelete: podGone, onUpdate: (_o, p) => { if (isPodTerminated(p) || p.metadata.deletionTimestamp) podGone(p); } });
  }

  protected caches() {
    return [this.claims, this.volumes, this.pods];
  }

  /** processPVC: the claims' queue. */
  protected async sync(key: string): Promise<void> {
    const claim = this.claims.store.get(key);
    if (!claim?.metadata.deletionTimestamp || !claim.metadata.finalizers?.includes(PVC_PROTECTION_FINALIZER)) return;
    if (await this.claimInUse(claim)) return; // a pod event brings it back
    await this.removeFinalizer(builtin.persistentVolumeClaims, claim, PVC_PROTECTION_FINALIZER);
  }

  /** The informer first, then a live list, so a pod created a moment ago is not missed (askAPIServer). */
  private async claimInUse(claim: PersistentVolumeClaim): Promise<boolean> {
    const name = claim.metadata.name ?? '';
    if (this.pods.store.byIndex(POD_CLAIM_INDEX, claimKey(claim)).some((p) => podUsesClaim(p, name))) return true;
    const live = await this.clients.claims.list<VolumePod>(builtin.pods, { namespace: claim.metadata.namespace });
    return live.items.some((p) => podUsesClaim(p, name));
  }

  /** processPV: the volumes' queue. */
  private async syncVolume(name: string): Promise<void> {
    const pv = this.volumes.store.get(name);
    if (!pv?.metadata.deletionTimestamp || !pv.metadata.finalizers?.includes(PV_PROTECTION_FINALIZER)) return;
    if (pv.status?.phase === VOLUME_BOUND) return; // its claim's release brings it back
    await this.removeFinalizer(builtin.persistentVolumes, pv, PV_PROTECTION_FINALIZER);
  }

  private async removeFinalizer(res: typeof builtin.persistentVolumes | typeof builtin.persistentVolumeClaims, obj: PersistentVolume | PersistentVolumeClaim, finalizer: string): Promise<void> {
    const clone = structuredClone(obj);
    clone.metadata.finalizers = (clone.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    try {
      await (res === builtin.persistentVolumes ? this.clients.volumes : this.clients.claims).update(res, clone);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
  }
}
