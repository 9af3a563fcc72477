// The CRD controllers of upstream's apiextensions-apiserver folded into one loop over CustomResourceDefinitions:
// naming (accepted names, NamesAccepted), establishing (Established), serving (one ResourceDef per served version
// in the registry, so discovery, OpenAPI and the REST handlers pick the kind up) and the cleanup finalizer (delete
// every custom resource, unregister, release the CRD). CRDs are read and written as an API client; the registry is
// in-process because serving is part of the API server itself.
import { ApiError, isNotFound, isAlreadyExistsOrConflict } from '../apimachinery/errors.js';
import { jsonEqual } from '../apimachinery/json.js';
import type { KubeObject } from '../apimachinery/types.js';
import type { KubeClient } from '../client/client.js';
import { runWorkers } from '../client/controller.js';
import type { SharedInformer } from '../client/informer.js';
import { builtin } from '../client/resources.js';
import { WorkQueue } from '../client/workqueue.js';
import type { AdmissionPlugin, ResourceDef } from '../registry/types.js';
import type { ComponentContext, RunningComponent } from '../component/contract.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ResourceRegistry } from '../registry/registry.js';
import { customResourceDefs } from './cr-resource.js';
import { calculateNamesAndConditions, usedNamesInGroup } from './naming.js';
import {
  asCRD, CLEANUP_FINALIZER, CRD_GROUP, CRD_KIND, CRD_RESOURCE, CustomResourceDefinition, findCondition,
  isConditionTrue, sameCondition, setCondition,
} from './types.js';
import { KUBE_VERSION } from '../apimachinery/version.js';
import { systemRequestContext } from '../registry/system-context.js';

const USER_AGENT = `kube-apiserver/${KUBE_VERSION} (linux/amd64) kubernetes/berth apiextensions`;
const INSTANCE_RECHECK_MS = 300;
const crdKey = `${CRD_GROUP}/${CRD_KIND}`;

interface Served {
  fingerprint: string;
  defs: ResourceDef[];
}


/** What serving CRDs needs of the host: the registry the kinds are added to and the store their objects live in. */
export interface CrdServingContext extends ComponentContext {
  registry: ResourceRegistry;
  objects: GenericStore;
}
export class CrdController implements RunningComponent {
  private readonly served = new Map<string, Served>();
  private readonly queue = new WorkQueue<string>({ name: 'crd-controller' });
  private client?: KubeClient;
  private informer?: SharedInformer<CustomResourceDefinition>;
  private workers?: Promise<void>;
  private stopped = false;

  constructor(private readonly ctx: CrdServingContext) {}

  /** Re-serves every Established CRD from storage, so custom resources answer as soon as the server is ready. */
  async start(): Promise<void> {
    this.ctx.objects.beforeDelete.set(crdKey, markCRDForCleanup);
    this.ctx.objects.useAdmission(this.terminatingAdmission());
    await this.restoreFromStorage();
  }

  /** Once the API is ready: the reconcile loop over CRDs, as an API client. */
  async ready(): Promise<void> {
    // The connections and informers all components share; Berth closes them after the components stop.
    this.client = this.ctx.clientAs({ userAgent: USER_AGENT, fieldManager: 'kube-apiserver' });
    this.informer = this.ctx.informers.informerFor<CustomResourceDefinition>(builtin.customResourceDefinitions);
    const enqueue = (crd: CustomResourceDefinition) => this.queue.add(crd.metadata.name!);
    this.informer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, crd) => enqueue(crd), onDelete: enqueue });
    this.ctx.informers.start();
    this.workers = runWorkers(this.queue, 1, (name) => this.reconcile(name), {
      onError: (name, err) => console.warn(`berth: crd controller: ${name}: ${err instanceof Error ? err.message : String(err)}`),
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.ctx.objects.beforeDelete.get(crdKey) === markCRDForCleanup) this.ctx.objects.beforeDelete.delete(crdKey);
    this.queue.shutDown();
    await this.workers;
  }

  /** Names of the CRDs currently served (tests). */
  servedCRDs(): string[] {
    return [...this.served.keys()];
  }

  private async restoreFromStorage(): Promise<void> {
    const def = this.ctx.registry.lookup(CRD_GROUP, 'v1', CRD_RESOURCE);
    if (!def) return;
    const { items } = await this.ctx.objects.list(def, '');
    for (const obj of items) {
      const crd = asCRD(obj);
      if (isConditionTrue(crd, 'Established')) this.serve(crd);
    }
  }

  private async reconcile(name: string): Promise<{ requeueAfter?: number } | void> {
    if (this.stopped) return;
    const crd = this.informer!.store.getByName(undefined, name);
    if (!crd) {
      this.unserve(name);
      return;
    }
    if (crd.metadata.deletionTimestamp) return this.finalize(structuredClone(crd));
    if (await this.syncNames(crd)) return;
    if (await this.establish(crd)) return;
    if (isConditionTrue(crd, 'Established')) this.serve(crd);
  }

  // ---- naming ------------------------------------------------------------------------------------------------

  /** Returns true when it wrote the CRD (the resulting watch event brings the next step). */
  private async syncNames(crd: CustomResourceDefinition): Promise<boolean> {
    if (jsonEqual(normalizedNames(crd.spec.names), normalizedNames(crd.status?.acceptedNames ?? {}))) return false;
    const used = usedNamesInGroup(crd.spec.group, this.informer!.store.list(), crd.metadata.name!);
    for (const def of this.ctx.registry.all()) {
      if (def.group !== crd.spec.group || def.custom) continue;
      for (const r of [def.resource, def.singular, ...def.shortNames]) used.resources.add(r);
      used.kinds.add(def.kind).add(def.listKind);
    }
    const result = calculateNamesAndConditions(crd, used);
    if (jsonEqual(result.acceptedNames, crd.status?.acceptedNames ?? {}) && sameCondition(result.namesAccepted, findCondition(crd, 'NamesAccepted'))) {
      return false;
    }
    const next = structuredClone(crd);
    next.status ??= {};
    next.status.acceptedNames = result.acceptedNames;
    setCondition(next, result.namesAccepted);
    setCondition(next, result.established);
    const written = await this.updateStatus(next);
    if (written) this.requeueGroup(crd.spec.group, crd.metadata.name!);
    return true;
  }

  private requeueGroup(group: string, except: string): void {
    for (const other of this.informer!.store.list()) {
      if (other.spec?.group === group && other.metadata.name !== except) this.queue.add(other.metadata.name!);
    }
  }

  // ---- establishing ------------------------------------------------------------------------------------------

  private async establish(crd: CustomResourceDefinition): Promise<boolean> {
    if (!isConditionTrue(crd, 'NamesAccepted') || isConditionTrue(crd, 'Established')) return false;
    const next = structuredClone(crd);
    setCondition(next, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' });
    // Serve before reporting Established, so a client that waited for the condition finds the resource.
    if (!this.serve(next)) return true;
    await this.updateStatus(next);
    return true;
  }

  // ---- serving -----------------------------------------------------------------------------------------------

  /** Registers (or refreshes) the CRD's ResourceDefs; false when they cannot be built. */
  private serve(crd: CustomResourceDefinition): boolean {
    const name = crd.metadata.name!;
    const fingerprint = JSON.stringify([crd.spec, crd.status?.acceptedNames]);
    const current = this.served.get(name);
    if (current?.fingerprint === fingerprint) return true;
    let defs: ResourceDef[];
    try {
      defs = customResourceDefs(crd, this.ctx.model);
    } catch (e) {
      console.warn(`berth: crd controller: cannot serve ${name}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
    const keep = new Set(defs.map(gvrOf));
    for (const old of current?.defs ?? []) if (!keep.has(gvrOf(old))) this.ctx.registry.remove(old.group, old.version, old.resource);
    for (const def of defs) this.ctx.registry.add(def);
    this.served.set(name, { fingerprint, defs });
    return true;
  }

  private unserve(name: string): void {
    const current = this.served.get(name);
    if (!current) return;
    for (const def of current.defs) this.ctx.registry.remove(def.group, def.version, def.resource);
    this.served.delete(name);
  }

  // ---- deletion ----------------------------------------------------------------------------------------------

  /** The cleanup finalizer: delete every instance, wait until none is left, unregister, release the CRD. */
  private async finalize(crd: CustomResourceDefinition): Promise<{ requeueAfter?: number } | void> {
    if (!crd.metadata.finalizers?.includes(CLEANUP_FINALIZER)) return;
    const name = crd.metadata.name!;
    const def = this.served.get(name)?.defs[0];
    if (def && isConditionTrue(crd, 'Established')) {
      const remaining = await this.deleteInstances(def);
      if (remaining > 0) {
        const changed = setTerminating(crd, 'True', 'InstanceDeletionInProgress', 'CustomResource deletion is in progress');
        if (changed) await this.updateStatus(crd);
        return { requeueAfter: INSTANCE_RECHECK_MS };
      }
      setTerminating(crd, 'False', 'InstanceDeletionCompleted', 'removed all instances');
    } else {
      setTerminating(crd, 'False', 'NeverEstablished', 'resource was never established');
    }
    const updated = await this.updateStatus(crd);
    if (!updated) return;
    this.unserve(name);
    updated.metadata.finalizers = (updated.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
    await this.ignoreGoneOrConflict(() => this.client!.update(builtin.customResourceDefinitions, updated));
  }

  /** Issues a delete for every instance (in-process, as upstream's finalizer uses the CR storage); returns how many remain. */
  private async deleteInstances(def: ResourceDef): Promise<number> {
    const { items } = await this.ctx.objects.list(def, '');
    const namespaces = new Set(items.map((o) => o.metadata.namespace ?? ''));
    for (const ns of namespaces) {
      const pending = (await this.ctx.objects.list(def, ns)).items.filter((o) => !o.metadata.deletionTimestamp);
      for (const obj of pending) {
        try {
          await this.ctx.objects.delete(def, obj.metadata.namespace ?? '', obj.metadata.name!, {}, systemRequestContext());
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
    }
    return (await this.ctx.objects.list(def, '')).items.length;
  }

  // ---- admission ---------------------------------------------------------------------------------------------

  /** Custom resources of a terminating CRD cannot be created (upstream's crdHandler refuses with 405). */
  private terminatingAdmission(): AdmissionPlugin {
    return {
      name: 'CustomResourceTerminating',
      validate: (attrs) => {
        if (this.stopped || attrs.operation !== 'CREATE' || !attrs.def.custom || attrs.subresource) return;
        const crd = this.informer?.store.getByName(undefined, `${attrs.def.resource}.${attrs.def.group}`);
        if (!crd || !isConditionTrue(crd, 'Terminating')) return;
        throw new ApiError(405, 'MethodNotAllowed', 'create not allowed while custom resource definition is terminating', { group: attrs.def.group, kind: attrs.def.resource });
      },
    };
  }

  // ---- API writes --------------------------------------------------------------------------------------------

  private updateStatus(crd: CustomResourceDefinition): Promise<CustomResourceDefinition | undefined> {
    return this.ignoreGoneOrConflict(() => this.client!.updateStatus(builtin.customResourceDefinitions, crd));
  }

  /** NotFound and Conflict mean a newer state exists; its watch event brings the CRD back to the queue. */
  private async ignoreGoneOrConflict<T>(write: () => Promise<T>): Promise<T | undefined> {
    try {
      return await write();
    } catch (e) {
      if (isNotFound(e) || isAlreadyExistsOrConflict(e)) return undefined;
      throw e;
    }
  }
}

const gvrOf = (d: ResourceDef) => `${d.group}/${d.version}/${d.resource}`;

/** Names compare as upstream's Semantic.DeepEqual of the structs: an empty list equals a missing one. */
function normalizedNames(n: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(n)) {
    if (v === '' || v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

function setTerminating(crd: CustomResourceDefinition, status: 'True' | 'False', reason: string, message: string): boolean {
  const before = findCondition(crd, 'Terminating');
  const cond = { type: 'Terminating', status, reason, message } as const;
  if (sameCondition(before, cond)) return false;
  setCondition(crd, cond);
  return true;
}

/**
 * DELETE of a CRD (upstream's customresourcedefinition REST Delete): the first delete adds the cleanup finalizer
 * and the Terminating condition, so the object stays until its custom resources are gone.
 */
export function markCRDForCleanup(obj: KubeObject): boolean {
  if (obj.metadata.deletionTimestamp) return false;
  const crd = asCRD(obj);
  if (!crd.metadata.finalizers?.includes(CLEANUP_FINALIZER)) crd.metadata.finalizers = [...(crd.metadata.finalizers ?? []), CLEANUP_FINALIZER];
  setCondition(crd, {
    type: 'Terminating', status: 'True', reason: 'InstanceDeletionPending',
    message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
  });
  return true;
}
