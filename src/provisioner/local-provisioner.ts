// The built-in dynamic provisioner `berth.dev/local`, shaped like an external CSI/nfs-subdir provisioner: it
// serves claims the PV binder annotated with `volume.kubernetes.io/storage-provisioner: berth.dev/local`, makes a
// directory `<dataDir>/volumes/<namespace>-<claim>-<pv>` and a PV `pvc-<claim uid>` pre-bound to the claim (the
// binder then completes the binding). Released PVs with reclaimPolicy Delete lose their directory, then the PV
// object; Retain keeps both. Bound claims of classes with allowVolumeExpansion grow on request.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isNotFound, isAlreadyExistsOrConflict } from '../apimachinery/errors.js';
import type { KubeClient } from '../client/client.js';
import { runWorkers } from '../client/controller.js';
import { EventRecorder } from '../client/events.js';
import type { SharedInformer, SharedInformerFactory } from '../client/informer.js';
import { builtin } from '../client/resources.js';
import { objectKey } from '../client/store.js';
import { WorkQueue } from '../client/workqueue.js';
import { ProvisionedVolumes } from './ledger.js';
import { claimClass, storageBytes } from '../volume/helpers.js';
import { localMachineId, machineNodeAffinity } from '../volume/local-machine.js';
import {
  ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, ANN_BETA_STORAGE_PROVISIONER,
  BINDING_WAIT_FOR_FIRST_CONSUMER, CLAIM_BOUND, PersistentVolume, PersistentVolumeClaim, StorageClass, VOLUME_RELEASED,
} from '../volume/types.js';

export const LOCAL_PROVISIONER = 'berth.dev/local';

export interface LocalProvisionerOptions {
  /** Volumes live in `<dataDir>/volumes/`. */
  dataDir: string;
  /** The machine the volumes' directories are on (default: this one, see volume/local-machine.ts). */
  machineId?: string;
  onError?: (key: string, err: unknown) => void;
}

/** Directory of a provisioned volume, as nfs-subdir-external-provisioner names them. */
export function volumeDirectory(dataDir: string, namespace: string, claimName: string, pvName: string): string {
  return join(dataDir, 'volumes', `${namespace}-${claimName}-${pvName}`);
}

const claimRefKind = { kind: 'PersistentVolumeClaim', apiVersion: 'v1' };
const pvRefKind = { kind: 'PersistentVolume', apiVersion: 'v1' };

export class LocalProvisioner {
  readonly claimQueue = new WorkQueue<string>({ name: 'local-provisioner-claims' });
  readonly volumeQueue = new WorkQueue<string>({ name: 'local-provisioner-volumes' });
  private readonly claims: SharedInformer<PersistentVolumeClaim>;
  private readonly volumes: SharedInformer<PersistentVolume>;
  private readonly classes: SharedInformer<StorageClass>;
  private readonly recorder: EventRecorder;
  private readonly ledger: ProvisionedVolumes;
  private readonly stopSignal = new AbortController();
  private running?: Promise<void>;

  constructor(private readonly client: KubeClient, factory: SharedInformerFactory, private readonly opts: LocalProvisionerOptions) {
    this.claims = factory.informerFor<PersistentVolumeClaim>(builtin.persistentVolumeClaims);
    this.volumes = factory.informerFor<PersistentVolume>(builtin.persistentVolumes);
    this.classes = factory.informerFor<StorageClass>(builtin.storageClasses);
    this.ledger = new ProvisionedVolumes(opts.dataDir);
    this.recorder = new EventRecorder(client, { component: LOCAL_PROVISIONER, onError: (e) => this.report('events', e) });
    const addClaim = (c: PersistentVolumeClaim) => this.claimQueue.add(objectKey(c));
    this.claims.addEventHandler({ onAdd: addClaim, onUpdate: (_o, c) => addClaim(c) });
    const addVolume = (v: PersistentVolume) => {
      if (v.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED] === LOCAL_PROVISIONER) this.volumeQueue.add(v.metadata.name ?? '');
    };
    this.volumes.addEventHandler({ onAdd: addVolume, onUpdate: (_o, v) => addVolume(v) });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      const synced = await Promise.all([this.claims, this.volumes, this.classes].map((i) => i.waitForSync(this.stopSignal.signal)));
      if (!synced.every(Boolean)) return;
      await Promise.all([
        runWorkers(this.claimQueue, 2, (key) => this.syncClaim(key), { onError: (k, e) => this.report(`claim ${k}`, e) }),
        runWorkers(this.volumeQueue, 2, (key) => this.syncVolume(key), { onError: (k, e) => this.report(`volume ${k}`, e) }),
      ]);
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopSignal.abort();
    this.claimQueue.shutDown();
    this.volumeQueue.shutDown();
    await this.running;
    await this.recorder.flush();
  }

  private report(what: string, err: unknown): void {
    if (this.opts.onError) this.opts.onError(what, err);
    else console.warn(`${LOCAL_PROVISIONER}: ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }

  private ourClass(claim: PersistentVolumeClaim): StorageClass | undefined {
    const sc = this.classes.store.get(claimClass(claim));
    return sc?.provisioner === LOCAL_PROVISIONER ? sc : undefined;
  }

  private async syncClaim(key: string): Promise<void> {
    const claim = this.claims.store.get(key);
    if (!claim || claim.metadata.deletionTimestamp) return;
    const sc = this.ourClass(claim);
    if (!sc) return;
    if (claim.spec.volumeName) {
      if (claim.status?.phase === CLAIM_BOUND) await this.maybeExpand(claim, sc);
      return;
    }
    const ann = claim.metadata.annotations ?? {};
    if (ann[ANN_STORAGE_PROVISIONER] !== LOCAL_PROVISIONER && ann[ANN_BETA_STORAGE_PROVISIONER] !== LOCAL_PROVISIONER) return;
    const selectedNode = ann[ANN_SELECTED_NODE];
    if (sc.volumeBindingMode === BINDING_WAIT_FOR_FIRST_CONSUMER && !selectedNode) return;
    const pvName = `pvc-${claim.metadata.uid}`;
    if (this.volumes.store.get(pvName)) return;
    await this.provision(claim, sc, pvName, selectedNode);
  }

  private async provision(claim: PersistentVolumeClaim, sc: StorageClass, pvName: string, selectedNode: string | undefined): Promise<void> {
    const ns = claim.metadata.namespace ?? '', name = claim.metadata.name ?? '';
    this.recorder.event(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${ns}/${name}"`, claimRefKind);
    const request = claim.spec.resources?.requests?.storage;
    if (!request) {
      this.recorder.event(claim, 'Warning', 'ProvisioningFailed', 'failed to provision volume with StorageClass "' + sc.metadata.name + '": claim has no storage request', claimRefKind);
      return;
    }
    const dir = volumeDirectory(this.opts.dataDir, ns, name, pvName);
    // recorded before the directory exists, so that only what this provisioner made can ever be deleted
    this.ledger.record(pvName, dir);
    await mkdir(dir, { recursive: true, mode: 0o777 });
    const pv: PersistentVolume = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pvName, annotations: { [ANN_DYNAMICALLY_PROVISIONED]: LOCAL_PROVISIONER } },
      spec: {
        capacity: { storage: request },
        accessModes: claim.spec.accessModes,
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
        storageClassName: sc.metadata.name,
        volumeMode: claim.spec.volumeMode ?? 'Filesystem',
        hostPath: { path: dir, type: 'DirectoryOrCreate' },
        claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: ns, name, uid: claim.metadata.uid, resourceVersion: claim.metadata.resourceVersion },
        ...(sc.mountOptions?.length ? { mountOptions: sc.mountOptions } : {}),
        // The directory is on this machine: the selected node's (WaitForFirstConsumer), else any node of this machine.
        nodeAffinity: selectedNode
          ? { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [selectedNode] }] }] } }
          : machineNodeAffinity(this.opts.machineId ?? localMachineId()),
      },
    };
    try {
      const created = await this.client.create(builtin.persistentVolumes, pv);
      this.ledger.record(pvName, dir, created.metadata.uid);
    } catch (e) {
      if (isAlreadyExistsOrConflict(e)) return; // an earlier attempt made it
      await rm(dir, { recursive: true, force: true });
      this.ledger.forget(pvName);
      this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata.name}": ${e instanceof Error ? e.message : String(e)}`, claimRefKind);
      throw e;
    }
    this.recorder.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`, claimRefKind);
  }

  /** A bound claim asking for more than its volume has: grow the PV, then report the new size on the claim. */
  private async maybeExpand(claim: PersistentVolumeClaim, sc: StorageClass): Promise<void> {
    if (!sc.allowVolumeExpansion) return;
    const pv = this.volumes.store.get(claim.spec.volumeName ?? '');
    if (!pv || pv.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED] !== LOCAL_PROVISIONER) return;
    const want = claim.spec.resources?.requests?.storage;
    const wantBytes = storageBytes(claim.spec.resources?.requests), pvBytes = storageBytes(pv.spec.capacity);
    if (!want || wantBytes === undefined || pvBytes === undefined) return;
    if (wantBytes > pvBytes) {
      this.recorder.event(claim, 'Normal', 'Resizing', `External resizer is resizing volume ${pv.metadata.name}`, claimRefKind);
      const grown = structuredClone(pv);
      grown.spec.capacity = { ...grown.spec.capacity, storage: want };
      await this.client.update(builtin.persistentVolumes, grown);
      this.recorder.event(claim, 'Normal', 'VolumeResizeSuccessful', 'Resize volume succeeded', claimRefKind);
    }
    const statusBytes = storageBytes(claim.status?.capacity);
    if (statusBytes === undefined || statusBytes < wantBytes) {
      const status = { ...(claim.status ?? {}), capacity: { ...claim.status?.capacity, storage: want }, allocatedResources: { ...claim.status?.allocatedResources, storage: want } };
      await this.client.updateStatus(builtin.persistentVolumeClaims, { ...claim, status });
    }
  }

  private async syncVolume(name: string): Promise<void> {
    const pv = this.volumes.store.get(name);
    if (!pv || pv.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED] !== LOCAL_PROVISIONER) return;
    if (pv.status?.phase !== VOLUME_RELEASED || pv.spec.persistentVolumeReclaimPolicy !== 'Delete') return;
    const path = pv.spec.hostPath?.path;
    // Only ever remove what this provisioner made: the directory recorded for this PV (and its UID) when it was
    // provisioned, never a path someone wrote into a PV of their own.
    if (path && !this.ledger.owns(name, path, pv.metadata.uid)) {
      this.recorder.event(pv, 'Warning', 'VolumeFailedDelete', `refusing to delete ${path}: this provisioner did not create it for volume ${name}`, pvRefKind);
      return;
    }
    if (path && join(path, '..') === join(this.opts.dataDir, 'volumes')) await rm(path, { recursive: true, force: true });
    try {
      await this.client.delete(builtin.persistentVolumes, name, { preconditions: { uid: pv.metadata.uid } });
      this.ledger.forget(name);
    } catch (e) {
      if (!(isNotFound(e) || isAlreadyExistsOrConflict(e))) throw e;
    }
  }
}

/** The class `berth up` offers by default: local directories, bound at once, deleted with their claim. */
export function defaultStorageClassObject(name = 'standard'): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: LOCAL_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
    allowVolumeExpansion: true,
  };
}
