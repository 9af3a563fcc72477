// The algorithm's interfaces (StatefulPodObjectManager, History, StatusUpdater, EventRecorder) over the client
// toolkit: writes go to the API server, claim reads come from the informer cache as upstream's listers do.
import { errNotFound } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import type { EventRecorder as ToolkitRecorder } from '../../client/events.js';
import type { SharedInformer } from '../../client/informer.js';
import { builtin } from '../../client/resources.js';
import { labelSelectorAsSelector } from '../../apimachinery/labels.js';
import type { ControllerRevision, History } from '../history/controller-history.js';
import { controllerRef } from '../../client/controller.js';
import { retryOnConflict } from '../../client/retry.js';
import type {
  EventRecorder, EventType, PersistentVolumeClaim, Pod, StatefulPodObjectManager, StatefulSet, StatefulSetStatus, StatusUpdater,
} from './types.js';
import { SET_API_VERSION, SET_KIND } from './utils.js';

/** Pods and claims: CRUD through the client; claim reads from the PVC informer's cache. */
export class ClientPodObjectManager implements StatefulPodObjectManager {
  constructor(private readonly client: KubeClient, private readonly claims: SharedInformer<PersistentVolumeClaim>) {}

  createPod(pod: Pod): Promise<Pod> {
    return this.client.create(builtin.pods, pod);
  }

  // only used to refetch after a failed update, so read the server rather than a possibly stale cache
  getPod(namespace: string, name: string): Promise<Pod> {
    return this.client.get<Pod>(builtin.pods, name, { namespace });
  }

  updatePod(pod: Pod): Promise<Pod> {
    return this.client.update(builtin.pods, pod);
  }

  async deletePod(pod: Pod): Promise<void> {
    await this.client.delete(builtin.pods, pod.metadata.name ?? '', { namespace: pod.metadata.namespace });
  }

  createClaim(claim: PersistentVolumeClaim): Promise<PersistentVolumeClaim> {
    return this.client.create(builtin.persistentVolumeClaims, claim);
  }

  async getClaim(namespace: string, name: string): Promise<PersistentVolumeClaim> {
    const claim = this.claims.store.getByName(namespace, name);
    if (!claim) throw errNotFound({ group: '', resource: 'persistentvolumeclaims' }, name);
    return structuredClone(claim);
  }

  updateClaim(claim: PersistentVolumeClaim): Promise<PersistentVolumeClaim> {
    return this.client.update(builtin.persistentVolumeClaims, claim);
  }
}

/** ControllerRevision history: lists from the revision informer's cache, writes through the client. */
export class ClientHistory implements History {
  constructor(private readonly client: KubeClient, private readonly revisions: SharedInformer<ControllerRevision>) {}

  /**
   * Revisions in the parent's namespace matching its selector that it controls or nobody controls. These are the
   * cache's own objects (so what is derived from their data can be remembered): callers copy before changing one.
   */
  async listControllerRevisions(parent: KubeObject): Promise<ControllerRevision[]> {
    const selector = labelSelectorAsSelector((parent as StatefulSet).spec?.selector);
    return this.revisions.store
      .byNamespace(parent.metadata.namespace ?? '')
      .filter((r) => selector.matches(r.metadata.labels))
      .filter((r) => {
        const ref = controllerRef(r);
        return !ref || ref.uid === parent.metadata.uid;
      });
  }

  createControllerRevision(revision: ControllerRevision): Promise<ControllerRevision> {
    return this.client.create(builtin.controllerRevisions, revision);
  }

  // read after an AlreadyExists, when the cache has likely not seen the object yet
  getControllerRevision(namespace: string, name: string): Promise<ControllerRevision> {
    return this.client.get<ControllerRevision>(builtin.controllerRevisions, name, { namespace });
  }

  async updateControllerRevision(revision: ControllerRevision, newRevision: number): Promise<ControllerRevision> {
    let current = structuredClone(revision);
    return retryOnConflict(async (attempt) => {
      if (attempt > 0) current = await this.getControllerRevision(revision.metadata.namespace ?? '', revision.metadata.name ?? '');
      if (current.revision === newRevision) return current;
      current.revision = newRevision;
      return this.client.update(builtin.controllerRevisions, current);
    });
  }

  async deleteControllerRevision(revision: ControllerRevision): Promise<void> {
    await this.client.delete(builtin.controllerRevisions, revision.metadata.name ?? '', { namespace: revision.metadata.namespace });
  }
}

/** Writes statefulsets/status; on a conflict re-reads the set and writes the same status again. */
export class ClientStatusUpdater implements StatusUpdater {
  constructor(private readonly client: KubeClient) {}

  async updateStatefulSetStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    // a shallow copy: only status is replaced, and the set may be the informer cache's object
    let current: StatefulSet = { ...set };
    await retryOnConflict(async (attempt) => {
      if (attempt > 0) current = await this.client.get<StatefulSet>(builtin.statefulSets, set.metadata.name ?? '', { namespace: set.metadata.namespace });
      current.status = status;
      return this.client.updateStatus(builtin.statefulSets, current);
    });
  }
}

/** The algorithm's recorder onto the toolkit's (which aggregates and writes core/v1 Events in the background). */
export function recorderAdapter(recorder: ToolkitRecorder): EventRecorder {
  return {
    event(object: KubeObject, type: EventType, reason: string, message: string) {
      recorder.event(object, type, reason, message, { kind: SET_KIND, apiVersion: SET_API_VERSION });
    },
  };
}
