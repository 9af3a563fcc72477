// The ResourceQuota controller (pkg/controller/resourcequota/resource_quota_controller.go): each quota's status.hard
// follows spec.hard and status.used is recounted from what exists — pods, services and claims through their
// evaluators, object counts for configmaps, secrets, replication controllers, quotas and any `count/<resource>.<group>`.
// Admission charges creates as they happen; this controller replenishes a quota when objects it counts go away or
// stop counting (a pod finishing), and recounts every quota every five minutes.
import type { KubeObject } from '../../apimachinery/types.js';
import type { KubeClient } from '../../client/client.js';
import type { ReconcileResult } from '../../client/controller.js';
import type { SharedInformer, SharedInformerFactory } from '../../client/informer.js';
import { builtin, type ResourceDescriptor } from '../../client/resources.js';
import { splitObjectKey } from '../../client/store.js';
import { claimEvaluator, type Evaluator, evaluatorFor, parseCountName, podEvaluator, serviceEvaluator } from '../../quota/evaluators.js';
import { add, count, equals, fromWire, mask, type ResourceList, toWire } from '../../quota/resources.js';
import { QueueController, type QueueControllerOptions } from '../common/queue-controller.js';
import type { ResourceQuota, ResourceQuotaSpec, ResourceQuotaStatus } from '../../api/generated/core-v1.js';
export type { ResourceQuota } from '../../api/generated/core-v1.js';

export const RESOURCE_QUOTA_CONTROLLER = 'resourcequota-controller';
/** The full recount period (--resource-quota-sync-period). */
export const QUOTA_RESYNC_PERIOD_MS = 5 * 60_000;


export interface ResourceQuotaControllerOptions extends QueueControllerOptions {
  resyncPeriodMs?: number;
}

/** The kinds counted from shared informers; others are listed when a quota names them. */
const WATCHED: { res: ResourceDescriptor; evaluator: Evaluator }[] = [
  { res: builtin.pods, evaluator: podEvaluator },
  { res: builtin.services, evaluator: serviceEvaluator },
  { res: builtin.persistentVolumeClaims, evaluator: claimEvaluator },
  { res: builtin.configMaps, evaluator: evaluatorFor('', 'configmaps') },
  { res: builtin.secrets, evaluator: evaluatorFor('', 'secrets') },
  { res: builtin.replicationControllers, evaluator: evaluatorFor('', 'replicationcontrollers') },
  { res: builtin.resourceQuotas, evaluator: evaluatorFor('', 'resourcequotas') },
];

/** quota.Equals on the wire form: same names, equal quantities (key order and spelling do not matter). */
const sameHard = (a: ResourceQuotaStatus['hard'], b: ResourceQuotaStatus['hard']) => equals(fromWire(a), fromWire(b));

export class ResourceQuotaController extends QueueController {
  private readonly quotas: SharedInformer<ResourceQuota>;
  private readonly informers = new Map<Evaluator, SharedInformer<KubeObject>>();
  private readonly resyncPeriodMs: number;
  /** API group → preferred version, for counting kinds nobody watches. */
  private readonly groupVersions = new Map<string, string>();
  private resyncTimer?: NodeJS.Timeout;

  constructor(client: KubeClient, factory: SharedInformerFactory, opts: ResourceQuotaControllerOptions = {}) {
    super(client, RESOURCE_QUOTA_CONTROLLER, 'resourcequota_primary', opts);
    this.resyncPeriodMs = opts.resyncPeriodMs ?? QUOTA_RESYNC_PERIOD_MS;
    this.quotas = factory.informerFor<ResourceQuota>(builtin.resourceQuotas);
    this.quotas.addEventHandler({
      onAdd: (q) => this.enqueue(q),
      // a new hard limit needs a count; admission's own status writes do not
      onUpdate: (old, cur) => {
        if (!sameHard(old.spec?.hard, cur.spec?.hard) || !sameHard(cur.spec?.hard, cur.status?.hard)) this.enqueue(cur);
      },
    });
    for (const { res, evaluator } of WATCHED) {
      const informer = factory.informerFor<KubeObject>(res);
      this.informers.set(evaluator, informer);
      // replenishment: usage only shrinks through deletions and updates (creates are charged by admission)
      informer.addEventHandler({
        onUpdate: (old, cur) => {
          if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
          // most namespaces have no quota: skip computing usage for every pod status write there
          if (!this.hasQuotas(cur.metadata.namespace)) return;
          if (!equals(evaluator.usage(old, this.now()), evaluator.usage(cur, this.now()))) this.replenish(cur, evaluator);
        },
        onDelete: (obj) => this.replenish(obj, evaluator),
      });
    }
  }

  protected caches() {
    return [this.quotas, ...this.informers.values()];
  }

  override run(): Promise<void> {
    this.resyncTimer ??= setInterval(() => {
      for (const q of this.quotas.store.list()) this.enqueue(q);
    }, this.resyncPeriodMs);
    this.resyncTimer.unref?.();
    return super.run();
  }

  override async stop(): Promise<void> {
    clearInterval(this.resyncTimer);
    await super.stop();
  }

  private hasQuotas(namespace: string | undefined): boolean {
    return this.quotas.store.byNamespace(namespace ?? '').length > 0;
  }

  /** replenishQuota: the quotas of the object's namespace that count what it used. */
  private replenish(obj: KubeObject, evaluator: Evaluator): void {
    const quotas = this.quotas.store.byNamespace(obj.metadata.namespace ?? '');
    for (const q of quotas) if (evaluator.matchingResources(Object.keys(q.status?.hard ?? {})).length > 0) this.enqueue(q);
  }

  /** syncResourceQuota: status.hard = spec.hard and status.used recounted, written when either changed. */
  protected async sync(key: string): Promise<ReconcileResult> {
    const { namespace, name } = splitObjectKey(key);
    const quota = this.quotas.store.getByName(namespace, name);
    if (!quota) return;
    const hard = fromWire(quota.spec?.hard);
    const statusHard = fromWire(quota.status?.hard);
    let dirty = !equals(hard, statusHard) || quota.status?.hard === undefined || quota.status?.used === undefined;
    let used = fromWire(quota.status?.used);
    const fresh = await this.calculateUsage(namespace ?? '', quota.spec ?? {}, [...hard.keys()]);
    for (const [k, v] of fresh) used.set(k, v);
    used = mask(used, hard.keys());
    dirty = dirty || !equals(used, fromWire(quota.status?.used));
    if (!dirty) return;
    await this.client.updateStatus<ResourceQuota>(builtin.resourceQuotas, { ...quota, status: { hard: toWire(hard), used: toWire(used) } });
  }

  /** CalculateUsage: for every evaluator the hard names concern, the sum over the namespace's objects in scope. */
  private async calculateUsage(namespace: string, spec: ResourceQuotaSpec, hardNames: string[]): Promise<ResourceList> {
    let total: ResourceList = new Map();
    const handled = new Set<string>();
    for (const [evaluator, informer] of this.informers) {
      const names = evaluator.matchingResources(hardNames);
      if (names.length === 0) continue;
      names.forEach((n) => handled.add(n));
      // every restricted resource shows, zero when nothing uses it
      let usage: ResourceList = new Map(names.map((n) => [n, count(0)]));
      for (const obj of informer.store.byNamespace(namespace)) {
        if (evaluator.matchesScopes(spec, obj)) usage = add(usage, mask(evaluator.usage(obj, this.now()), names));
      }
      total = add(total, usage);
    }
    for (const n of hardNames) {
      const gr = handled.has(n) ? undefined : parseCountName(n);
      if (!gr) continue;
      const res = await this.descriptorFor(gr.group, gr.resource);
      total.set(n, count(res ? (await this.client.list(res, { namespace })).items.length : 0));
    }
    return total;
  }

  /** A namespaced resource of the group at its preferred version, from discovery; undefined when not served. */
  private async descriptorFor(group: string, resource: string): Promise<ResourceDescriptor | undefined> {
    let version = group === '' ? 'v1' : this.groupVersions.get(group);
    if (!version) {
      try {
        const g = await this.client.rest.request<{ preferredVersion?: { version: string } }>({ method: 'GET', path: `/apis/${group}` });
        version = g.preferredVersion?.version;
      } catch {
        return undefined;
      }
      if (!version) return undefined;
      this.groupVersions.set(group, version);
    }
    return { group, version, resource, namespaced: true };
  }
}
