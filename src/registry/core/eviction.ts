// pods/eviction, after pkg/registry/core/pod/storage/eviction.go: an Eviction (policy/v1, or the v1beta1 body) deletes
// the pod unless that would violate its PodDisruptionBudget. Pods not running yet, finished or already terminating go
// at once; otherwise the PDB must allow a disruption, which the eviction consumes (decrementing disruptionsAllowed and
// recording the pod in disruptedPods, compare-and-swap) before the pod gets a DisruptionTarget condition and is
// deleted with the Eviction's DeleteOptions. Refusals are 429s with a DisruptionBudget cause, as upstream words them.
import { ApiError, errBadRequest, errForbidden, isConflict } from '../../apimachinery/errors.js';
import { labelSelectorAsSelector } from '../../apimachinery/labels.js';
import type { KubeObject, Status } from '../../apimachinery/types.js';
import type { DeleteOptions, GenericStore, RequestContext } from '../generic-store.js';
import type { ResourceRegistry } from '../registry.js';
import type { ResourceDef } from '../types.js';
import { systemRequestContext } from '../system-context.js';
import { rfc3339 } from '../../apimachinery/time.js';
import { updatePodCondition } from './pod-conditions.js';
import type { Pod } from '../../api/generated/core-v1.js';
import type { PodDisruptionBudget } from '../../api/generated/policy-v1.js';

/** EvictionsRetry: conflicts are retried this often. */
const EVICTIONS_RETRY = 20;
/** MaxDisruptedPodSize: evictions the disruption controller has not confirmed yet. */
const MAX_DISRUPTED_POD_SIZE = 2000;
const DISRUPTION_BUDGET_CAUSE = 'DisruptionBudget';
const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

interface Eviction extends KubeObject {
  deleteOptions?: DeleteOptions & { kind?: string; apiVersion?: string };
}

export interface EvictionDeps {
  objects: GenericStore;
  registry: ResourceRegistry;
  now?: () => Date;
}

const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const terminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** The 429 when the budget still needs its controller's attention (retry after 10 s). */
function tooManyRequests(pdbName: string): ApiError {
  return new ApiError(429, 'TooManyRequests', VIOLATION,
    { retryAfterSeconds: 10, causes: [{ reason: DISRUPTION_BUDGET_CAUSE, message: `The disruption budget ${pdbName} is still being processed by the server.` }] },
    { 'Retry-After': '10' });
}

/** propagateDryRun: the Eviction's DeleteOptions, with the request's dryRun when it has none (they must agree). */
function propagateDryRun(eviction: Eviction, dryRun: string[]): DeleteOptions {
  const opts = eviction.deleteOptions;
  if (!opts) return dryRun.length ? { dryRun } : {};
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = opts;
  if (!rest.dryRun?.length) return dryRun.length ? { ...rest, dryRun } : rest;
  if (dryRun.length && JSON.stringify(dryRun) !== JSON.stringify(rest.dryRun)) {
    throw errBadRequest(`DryRun in DeleteOptions ([${rest.dryRun.join(' ')}]) does not match DryRun in CreateOptions ([${dryRun.join(' ')}])`);
  }
  return rest;
}

/** canIgnorePDB: a pod not running yet, finished or already terminating disrupts nothing more. */
const canIgnorePDB = (pod: Pod) => terminal(pod) || pod.status?.phase === 'Pending' || !!pod.metadata.deletionTimestamp;

/** shouldEnforceResourceVersion: a running pod must not have become ready since it was read. */
const shouldEnforceResourceVersion = (pod: Pod) => !terminal(pod) && !pod.metadata.deletionTimestamp;

export class EvictionREST {
  private readonly pods: ResourceDef;
  private readonly pdbs: ResourceDef;
  private readonly now: () => Date;

  constructor(private readonly deps: EvictionDeps) {
    this.pods = deps.registry.lookup('', 'v1', 'pods')!;
    this.pdbs = deps.registry.lookup('policy', 'v1', 'poddisruptionbudgets')!;
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Create: evicts pod `name` of `namespace`. Resolves with a Success Status (or the 500 Status upstream returns for a
   * pod under several PDBs); refusals throw ApiErrors.
   */
  async create(namespace: string, name: string, body: unknown, dryRun: string[], ctx: RequestContext): Promise<Status> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errBadRequest("Object 'Kind' is missing in the request body");
    const eviction = body as Eviction;
    if (eviction.kind !== 'Eviction' || !/^policy\/v1(beta1)?$/.test(String(eviction.apiVersion ?? ''))) {
      throw errBadRequest(`not a Eviction object: ${String(eviction.apiVersion ?? '')}, Kind=${String(eviction.kind ?? '')}`);
    }
    if ((eviction.metadata?.name ?? '') !== name) throw errBadRequest('name in URL does not match name in Eviction object');
    const original = propagateDryRun(eviction, dryRun);
    const isDryRun = original.dryRun?.includes('All') ?? false;
    const rvUnset = !original.preconditions?.resourceVersion;

    let pod: Pod | undefined;
    // pods the budget does not concern are deleted straight away (conflicts retried unless the caller pinned a version)
    for (let attempt = 0; ; attempt++) {
      pod = (await this.deps.objects.get(this.pods, namespace, name)) as Pod;
      if (!canIgnorePDB(pod)) break;
      const options: DeleteOptions = { ...original };
      if (shouldEnforceResourceVersion(pod) && rvUnset) options.preconditions = { ...(options.preconditions ?? {}), resourceVersion: pod.metadata.resourceVersion };
      try {
        await this.addConditionAndDeletePod(namespace, name, options, ctx);
        return success();
      } catch (e) {
        if (!(isConflict(e) && rvUnset && attempt < EVICTIONS_RETRY)) throw e;
      }
    }

    let updateDeletionOptions = false;
    const pdbs = await this.podDisruptionBudgets(pod);
    if (pdbs.length > 1) {
      return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 };
    }
    let pdbName = '';
    if (pdbs.length === 1) {
      let pdb = pdbs[0];
      pdbName = pdb.metadata.name ?? '';
      let decrement = true;
      // an unready pod does not count as healthy: it may go without using up the budget
      if (!isReady(pod)) {
        if (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') decrement = false;
        else if ((pdb.status?.currentHealthy ?? 0) >= (pdb.status?.desiredHealthy ?? 0) && (pdb.status?.desiredHealthy ?? 0) > 0) decrement = false;
        updateDeletionOptions = !decrement;
      }
      if (decrement) {
        for (let attempt = 0; ; attempt++) {
          try {
            await this.checkAndDecrement(name, pdb, isDryRun);
            break;
          } catch (e) {
            if (!isConflict(e)) throw e;
            if (attempt >= EVICTIONS_RETRY) throw new ApiError(504, 'Timeout', `couldn't update PodDisruptionBudget "${pdbName}" due to conflicts`, { retryAfterSeconds: 10 });
            pdb = (await this.deps.objects.get(this.pdbs, namespace, pdbName)) as PodDisruptionBudget;
          }
        }
      }
    }
    // no budget, one that allowed it, or an unready pod the budget can spare
    let options = original;
    if (updateDeletionOptions) options = { ...original, preconditions: { ...(original.preconditions ?? {}), resourceVersion: pod.metadata.resourceVersion } };
    try {
      await this.addConditionAndDeletePod(namespace, name, options, ctx);
    } catch (e) {
      // the pod changed (became ready?) since it was judged: let the client try again
      if (isConflict(e) && updateDeletionOptions && rvUnset) throw tooManyRequests(pdbName);
      throw e;
    }
    return success();
  }

  /** getPodDisruptionBudgets (policy/v1: an empty selector matches every pod). */
  private async podDisruptionBudgets(pod: Pod): Promise<PodDisruptionBudget[]> {
    const { items } = await this.deps.objects.list(this.pdbs, pod.metadata.namespace ?? '');
    return (items as PodDisruptionBudget[]).filter((pdb) => {
      try {
        return labelSelectorAsSelector(pdb.spec?.selector).matches(pod.metadata.labels ?? {});
      } catch {
        return false;
      }
    });
  }

  /** checkAndDecrement: consumes one allowed disruption (a status write, unless dry run) or refuses with 429. */
  private async checkAndDecrement(podName: string, pdbIn: PodDisruptionBudget, dryRun: boolean): Promise<void> {
    const pdb: PodDisruptionBudget = structuredClone(pdbIn);
    // Go's zero status when the controller has not written one (observedGeneration 0 then refuses below)
    const status = (pdb.status ??= { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
    const name = pdb.metadata.name ?? '';
    const gr = { group: 'policy', resource: 'poddisruptionbudget' };
    if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw tooManyRequests(name);
    if ((status.disruptionsAllowed ?? 0) < 0) throw errForbidden(gr, name, 'pdb disruptions allowed is negative');
    if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
      throw errForbidden(gr, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
    }
    if ((status.disruptionsAllowed ?? 0) === 0) {
      throw new ApiError(429, 'TooManyRequests', VIOLATION, {
        causes: [{ reason: DISRUPTION_BUDGET_CAUSE, message: `The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently` }],
      });
    }
    status.disruptionsAllowed = (status.disruptionsAllowed ?? 0) - 1;
    if (status.disruptionsAllowed === 0) {
      // UpdateDisruptionAllowedCondition
      const now = rfc3339(this.now());
      const conds = status.conditions ?? [];
      const i = conds.findIndex((c) => c.type === 'DisruptionAllowed');
      const next = { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: status.observedGeneration };
      if (i < 0) conds.push({ ...next, lastTransitionTime: now });
      else conds[i] = { ...conds[i], ...next, lastTransitionTime: conds[i].status !== 'False' ? now : conds[i].lastTransitionTime };
      status.conditions = conds;
    }
    if (dryRun) return;
    // the disruption controller must not count the pod as healthy until it has seen it go
    status.disruptedPods = { ...(status.disruptedPods ?? {}), [podName]: rfc3339(this.now()) };
    await this.deps.objects.update(this.pdbs, pdb.metadata.namespace ?? '', name, pdb, systemRequestContext(), 'status');
  }

  /**
   * addConditionAndDeletePod: marks the pod DisruptionTarget=True (EvictionByEvictionAPI) on its latest version,
   * honouring the preconditions, then deletes it with the options (a dry run only deletes, as a dry run).
   */
  private async addConditionAndDeletePod(namespace: string, name: string, optsIn: DeleteOptions, ctx: RequestContext): Promise<void> {
    let opts = optsIn;
    const dryRun = opts.dryRun?.includes('All') ?? false;
    if (!dryRun) {
      const updated = await this.deps.objects.guaranteedUpdate(this.pods, namespace, name, { ...ctx, dryRun: false }, 'status', undefined, (latest) => {
        const pre = opts.preconditions;
        if (pre?.uid && pre.uid !== latest.metadata.uid) {
          throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on Pod "${name}": the UID in the precondition (${pre.uid}) does not match the UID in record (${latest.metadata.uid}). The object might have been deleted and then recreated`, { name, kind: 'Pod' });
        }
        if (pre?.resourceVersion && pre.resourceVersion !== latest.metadata.resourceVersion) {
          throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on Pod "${name}": the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${latest.metadata.resourceVersion}). The object might have been modified`, { name, kind: 'Pod' });
        }
        const pod = latest as Pod;
        const status = (pod.status ??= {});
        const cond = { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' };
        status.conditions = updatePodCondition(status.conditions ?? [], cond, rfc3339(this.now()));
        return pod;
      });
      // our own write moved the version the caller pinned
      if (opts.preconditions?.resourceVersion) opts = { ...opts, preconditions: { ...opts.preconditions, resourceVersion: updated.metadata.resourceVersion } };
    }
    await this.deps.objects.delete(this.pods, namespace, name, opts, { ...ctx, dryRun });
  }
}

const success = (): Status => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });

