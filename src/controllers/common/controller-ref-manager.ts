// Claiming of dependents by a controller, after upstream's pkg/controller/controller_ref_manager.go: adopt orphans
// that match, release owned objects that stopped matching, never touch objects another controller owns. Adoption
// and release are strategic merge patches of metadata.ownerReferences carrying the dependent's uid, so a
// recreated object of the same name is never patched by mistake.
import { ApiError, isNotFound } from '../../apimachinery/errors.js';
import type { KubeObject, OwnerReference } from '../../apimachinery/types.js';
import type { Selector } from '../../apimachinery/labels.js';
import type { KubeClient } from '../../client/client.js';
import { controllerRef } from '../../client/controller.js';
import type { ResourceDescriptor } from '../../client/resources.js';
import { aggregate } from './errors.js';

const isInvalid = (e: unknown) => e instanceof ApiError && e.code === 422;

/** metav1.NewControllerRef. */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/**
 * The patch that makes `owner` the controller of the object with uid `dependentUid` (ownerRefControllerPatch), adding
 * `finalizers` too (the Job controller's tracking finalizer).
 */
export function adoptionPatch(owner: KubeObject, apiVersion: string, kind: string, dependentUid: string, finalizers: string[] = []): Record<string, unknown> {
  const metadata: Record<string, unknown> = { ownerReferences: [newControllerRef(owner, apiVersion, kind)], uid: dependentUid };
  if (finalizers.length) metadata.finalizers = finalizers;
  return { metadata };
}

/** The patch that removes the owner references with the given uids (GenerateDeleteOwnerRefStrategicMergeBytes). */
export function releasePatch(dependentUid: string, ownerUids: string[]): Record<string, unknown> {
  return { metadata: { ownerReferences: ownerUids.map((uid) => ({ $patch: 'delete', uid })), uid: dependentUid } };
}

/** Go's metav1.Time printed with %v, as upstream's "has just been deleted at" message shows it. */
function goTimeString(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC');
}

/**
 * RecheckDeletionTimestamp: adoption is only allowed while a fresh read of the owner shows it is not being
 * deleted. `getFresh` must itself fail when the uid changed (the owner was recreated).
 */
export function recheckDeletionTimestamp(getFresh: () => Promise<KubeObject>): () => Promise<void> {
  return async () => {
    const fresh = await getFresh();
    const ts = fresh.metadata.deletionTimestamp;
    if (ts) throw new Error(`${fresh.metadata.namespace}/${fresh.metadata.name} has just been deleted at ${goTimeString(ts)}`);
  };
}

/**
 * canAdopt for a ControllerRefManager (RecheckDeletionTimestamp): adoption is allowed only while a fresh read shows
 * the owner alive and the same object (not deleted and recreated under its name).
 */
export function canAdoptFresh(client: KubeClient, res: ResourceDescriptor, owner: KubeObject): () => Promise<void> {
  return recheckDeletionTimestamp(async () => {
    const fresh = await client.get(res, owner.metadata.name ?? '', { namespace: owner.metadata.namespace });
    if (fresh.metadata.uid !== owner.metadata.uid) {
      throw new Error(`original ${res.kind} ${owner.metadata.namespace}/${owner.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${owner.metadata.uid}`);
    }
    return fresh;
  });
}

/** Runs fn at most once and replays its outcome (sync.Once around canAdopt). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}

export interface ControllerRefManagerOptions<T extends KubeObject> {
  owner: KubeObject;
  ownerApiVersion: string;
  ownerKind: string;
  selector: Selector;
  /** Checked once, before the first adoption; throws when the owner may not adopt. */
  canAdopt: () => Promise<void>;
  /** Writes the patch to the dependent; returns the patched object. */
  patch: (obj: T, patch: Record<string, unknown>) => Promise<T>;
  /**
   * The uid in the object's controller reference, undefined when it has none (default: read from its
   * ownerReferences). Lets a caller answer from what it remembers of each object.
   */
  controllerUidOf?: (obj: T) => string | undefined;
  /** Whether the selector matches the object (default: selector.matches of its labels). */
  selectorMatches?: (obj: T) => boolean;
  /** Finalizers an adoption adds (NewPodControllerRefManager's `finalizers`). */
  adoptFinalizers?: string[];
}

export class ControllerRefManager<T extends KubeObject> {
  private readonly canAdoptOnce: () => Promise<void>;
  private readonly controllerUidOf: (obj: T) => string | undefined;
  private readonly selectorMatches: (obj: T) => boolean;

  constructor(private readonly opts: ControllerRefManagerOptions<T>) {
    this.canAdoptOnce = once(opts.canAdopt);
    this.controllerUidOf = opts.controllerUidOf ?? ((obj) => controllerRef(obj)?.uid);
    this.selectorMatches = opts.selectorMatches ?? ((obj) => opts.selector.matches(obj.metadata.labels));
  }

  /**
   * ClaimObjects: the objects this owner keeps, after adopting matching orphans and releasing owned objects that no
   * longer match (`filter` narrows matching beyond the selector, e.g. the pod name pattern). Per-object failures
   * are collected; the claimed ones are still returned alongside the aggregated error.
   */
  async claim(objs: T[], filter: (obj: T) => boolean = () => true): Promise<{ claimed: T[]; error?: Error }> {
    const match = (o: T) => this.selectorMatches(o) && filter(o);
    const claimed: T[] = [];
    const errors: unknown[] = [];
    for (const obj of objs) {
      // most objects need no write: decide synchronously and only wait for the adoptions and releases
      const action = this.claimAction(obj, match);
      if (action === 'ignore') continue;
      if (action === 'keep') {
        claimed.push(obj);
        continue;
      }
      try {
        if (action === 'release') {
          await this.release(obj);
          continue;
        }
        const adopted = await this.adoptIfStillThere(obj);
        if (adopted) claimed.push(adopted);
      } catch (e) {
        errors.push(e instanceof Error ? e : new Error(String(e)));
      }
    }
    return { claimed, error: aggregate(errors) };
  }

  /** ClaimObject's decision for one object: keep it as is, leave it alone, release it or adopt it. */
  private claimAction(obj: T, match: (o: T) => boolean): 'keep' | 'ignore' | 'release' | 'adopt' {
    const { owner } = this.opts;
    const controllerUid = this.controllerUidOf(obj);
    if (controllerUid !== undefined) {
      if (controllerUid !== owner.metadata.uid) return 'ignore'; // another controller's
      if (match(obj)) return 'keep';
      // a deleting owner does not release: its dependents go with it
      return owner.metadata.deletionTimestamp ? 'ignore' : 'release';
    }
    // an orphan: adopt only when the owner is alive, the object matches and is itself not going away
    if (owner.metadata.deletionTimestamp || !match(obj)) return 'ignore';
    if (obj.metadata.deletionTimestamp) return 'ignore';
    if (owner.metadata.namespace && obj.metadata.namespace !== owner.metadata.namespace) return 'ignore';
    return 'adopt';
  }

  private async adoptIfStillThere(obj: T): Promise<T | undefined> {
    try {
      return await this.adopt(obj);
    } catch (e) {
      if (isNotFound(e)) return undefined; // gone meanwhile
      throw e;
    }
  }

  async adopt(obj: T): Promise<T> {
    await this.canAdoptOnce();
    const { owner, ownerApiVersion, ownerKind } = this.opts;
    return this.opts.patch(obj, adoptionPatch(owner, ownerApiVersion, ownerKind, obj.metadata.uid ?? '', this.opts.adoptFinalizers));
  }

  async release(obj: T): Promise<void> {
    try {
      await this.opts.patch(obj, releasePatch(obj.metadata.uid ?? '', [this.opts.owner.metadata.uid ?? '']));
    } catch (e) {
      // already gone, or the uid no longer matches (deleted and recreated): nothing left to release
      if (isNotFound(e) || isInvalid(e)) return;
      throw e;
    }
  }
}

/** The patch hook of a ControllerRefManager whose dependents (of resource `res`) are patched through the API. */
export function strategicPatcher<T extends KubeObject>(client: KubeClient, res: ResourceDescriptor): (obj: T, patch: Record<string, unknown>) => Promise<T> {
  return (obj, patch) => client.patch<T>(res, obj.metadata.name ?? '', patch, 'strategic', { namespace: obj.metadata.namespace });
}

export interface ClaimOptions {
  owner: KubeObject;
  /** The owner's resource: adoption first re-reads the owner there (canAdoptFresh). */
  ownerResource: ResourceDescriptor;
  ownerApiVersion: string;
  ownerKind: string;
  selector: Selector;
  /** The dependents' resource, patched to adopt or release them. */
  dependents: ResourceDescriptor;
  adoptFinalizers?: string[];
}

/**
 * ClaimPods / ClaimReplicaSets / ClaimControllerRevisions as a controller's sync calls them: a ControllerRefManager
 * that rechecks the owner before adopting and patches through `client`; any failed adoption or release fails the
 * sync (the aggregated error is thrown), as upstream's callers return it.
 */
export async function claimDependents<T extends KubeObject>(client: KubeClient, opts: ClaimOptions, objs: T[]): Promise<T[]> {
  const manager = new ControllerRefManager<T>({
    owner: opts.owner,
    ownerApiVersion: opts.ownerApiVersion,
    ownerKind: opts.ownerKind,
    selector: opts.selector,
    adoptFinalizers: opts.adoptFinalizers,
    canAdopt: canAdoptFresh(client, opts.ownerResource, opts.owner),
    patch: strategicPatcher<T>(client, opts.dependents),
  });
  const { claimed, error } = await manager.claim(objs);
  if (error) throw error;
  return claimed;
}
