// Namespace deletion, after upstream's pkg/controller/namespace, as an API client: a terminating namespace has
// every namespaced resource found by discovery emptied (deletecollection where served, else one delete per object),
// and is looked at again until nothing is left; then `kubernetes` is removed from spec.finalizers through
// PUT namespaces/<name>/finalize, and the server completes the deletion. Progress shows in status.conditions.
import { ApiError, isNotFound, isAlreadyExistsOrConflict } from '../../apimachinery/errors.js';
import type { KubeClient } from '../../client/client.js';
import type { ReconcileResult } from '../../client/controller.js';
import type { HandlerRegistration, SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin, resourcePath } from '../../client/resources.js';
import { discoverResources, type ApiResource } from '../garbagecollector/discovery.js';
import { MetadataClient } from '../garbagecollector/metadata-client.js';
import { KUBE_VERSION } from '../../apimachinery/version.js';
import { warnSyncError } from '../common/sync-errors.js';
import { QueueController } from '../common/queue-controller.js';
import type { Namespace, NamespaceCondition } from '../../api/generated/core-v1.js';

export const NAMESPACE_FINALIZER = 'kubernetes';
/** Upstream waits at least a second (estimate/2 + 1 s) before looking at a namespace with content left. */
const CONTENT_REMAINING_REQUEUE_MS = 1000;

export interface NamespaceControllerOptions {
  userAgent?: string;
  workers?: number;
  onError?: (err: unknown, namespace: string) => void;
}

/** What one pass over a namespace's content found. */
interface ContentReport {
  remaining: Map<string, number>; // resource → objects left
  finalizers: Map<string, number>; // finalizer → objects carrying it
  discoveryFailure?: string;
  contentFailures: string[];
}

/** NamespaceController (pkg/controller/namespace/namespace_controller.go): a queue of terminating namespaces' names. */
export class NamespaceController extends QueueController {
  private readonly informer: SharedInformer<Namespace>;
  private readonly meta: MetadataClient;
  private readonly registration: HandlerRegistration;

  constructor(client: KubeClient, informers: SharedInformerFactory, opts: NamespaceControllerOptions = {}) {
    super(client, 'namespace-controller', 'namespace', { workers: opts.workers ?? 4, onError: (name, e) => (opts.onError ?? defaultOnError)(e, name) });
    this.informer = informers.informerFor<Namespace>(builtin.namespaces);
    this.meta = new MetadataClient(client, opts.userAgent ?? `kube-controller-manager/${KUBE_VERSION} namespace-controller`);
    // enqueueNamespace: only a namespace being deleted has work
    const enqueue = (ns: Namespace) => {
      if (ns.metadata.deletionTimestamp) this.enqueue(ns);
    };
    this.registration = this.informer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });
  }

  protected caches() {
    return [this.informer];
  }

  override async stop(): Promise<void> {
    this.registration.remove(); // the informer is shared and outlives us
    await super.stop();
  }

  /** syncNamespaceFromKey: empty a terminating namespace, then finalize it. */
  protected async sync(name: string): Promise<ReconcileResult> {
    let ns: Namespace;
    try {
      ns = await this.client.get<Namespace>(builtin.namespaces, name);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (!ns.metadata.deletionTimestamp || !ns.spec?.finalizers?.includes(NAMESPACE_FINALIZER)) return;

    const report = await this.deleteAllContent(name);
    ns = await this.updateConditions(ns, report);
    if (report.discoveryFailure || report.contentFailures.length) throw new Error(report.discoveryFailure ?? report.contentFailures.join('; '));
    if (report.remaining.size > 0) return { requeueAfter: CONTENT_REMAINING_REQUEUE_MS };
    await this.finalize(ns);
  }

  /** Deletes what is left in the namespace and counts what is still there afterwards. */
  private async deleteAllContent(namespace: string): Promise<ContentReport> {
    const report: ContentReport = { remaining: new Map(), finalizers: new Map(), contentFailures: [] };
    let resources: ApiResource[];
    try {
      const found = await discoverResources(this.client);
      if (found.failed.length) report.discoveryFailure = `Discovery failed for some groups, ${found.failed.length} failing: ${found.failed.join(', ')}`;
      resources = found.supporting('list', 'delete').filter((r) => r.namespaced);
    } catch (e) {
      report.discoveryFailure = `Discovery failed: ${e instanceof Error ? e.message : String(e)}`;
      return report;
    }
    await Promise.all(resources.map(async (res) => {
      try {
        await this.deleteCollection(res, namespace, report);
      } catch (e) {
        if (e instanceof ApiError && (e.code === 404 || e.code === 405)) return; // no longer served
        report.contentFailures.push(`${res.resource}.${res.group || 'core'}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }));
    return report;
  }

  private async deleteCollection(res: ApiResource, namespace: string, report: ContentReport): Promise<void> {
    const label = `${res.resource}.${res.group}`; // upstream prints the core group as `pods.`
    if (res.verbs.includes('deletecollection')) {
      await this.client.deleteCollection(res, { namespace, propagationPolicy: 'Background' });
    }
    const left = (await this.meta.list(res, namespace)).items;
    if (left.length === 0) return;
    if (!res.verbs.includes('deletecollection')) {
      await Promise.all(left.filter((o) => !o.metadata.deletionTimestamp).map((o) =>
        this.client.delete(res, o.metadata.name!, { namespace, propagationPolicy: 'Background' }).catch((e) => {
          if (!isNotFound(e)) throw e;
        })));
    }
    report.remaining.set(label, left.length);
    for (const o of left) for (const f of o.metadata.finalizers ?? []) report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + 1);
  }

  /** Records progress in status.conditions, as `kubectl describe namespace` shows upstream. */
  private async updateConditions(ns: Namespace, report: ContentReport): Promise<Namespace> {
    const remaining = [...report.remaining].map(([r, n]) => `${r} has ${n} resource instances`).sort();
    const finalizers = [...report.finalizers].map(([f, n]) => `${f} in ${n} resource instances`).sort();
    const want: NamespaceCondition[] = [
      report.discoveryFailure
        ? { type: 'NamespaceDeletionDiscoveryFailure', status: 'True', reason: 'DiscoveryFailed', message: report.discoveryFailure }
        : { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
      { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
      report.contentFailures.length
        ? { type: 'NamespaceDeletionContentFailure', status: 'True', reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${report.contentFailures.length} remaining: ${[...report.contentFailures].sort().join(', ')}` }
        : { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
      remaining.length
        ? { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}` }
        : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
      finalizers.length
        ? { type: 'NamespaceFinalizersRemaining', status: 'True', reason: 'SomeFinalizerRemain', message: `Some finalizers are remaining: ${finalizers.join(', ')}` }
        : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
    ];
    const current = ns.status?.conditions ?? [];
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    let changed = false;
    const next = want.map((c) => {
      const old = current.find((o) => o.type === c.type);
      if (old && old.status === c.status && old.reason === c.reason && old.message === c.message) return old;
      changed = true;
      return { ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : now };
    });
    if (!changed) return ns;
    const updated: Namespace = { ...ns, status: { ...ns.status, conditions: next } };
    try {
      return await this.client.updateStatus<Namespace>(builtin.namespaces, updated);
    } catch (e) {
      if (isAlreadyExistsOrConflict(e) || isNotFound(e)) return ns; // next pass writes them
      throw e;
    }
  }

  /** PUT namespaces/<name>/finalize without our finalizer; the server deletes the namespace once none is left. */
  private async finalize(ns: Namespace): Promise<void> {
    const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER);
    const body: Namespace = { ...ns, spec: { ...ns.spec, finalizers } };
    try {
      await this.client.rest.request({ method: 'PUT', path: resourcePath(builtin.namespaces, undefined, ns.metadata.name!, 'finalize'), body });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

function defaultOnError(err: unknown, namespace: string): void {
  warnSyncError(err, `namespace controller: ${namespace}: ${err instanceof Error ? err.message : String(err)}`);
}
