// ResourceQuota admission (plugin/pkg/admission/resourcequota): a create (or an update that grows usage) is charged
// against every quota of its namespace that restricts what it uses; one that would exceed a hard limit is refused with
// upstream's `exceeded quota: …` text, otherwise the new usage is written into the quota's status.used with a
// compare-and-swap (so concurrent creates cannot both take the last unit). A quota the controller has not counted yet
// refuses with `status unknown for quota`. Dry runs are checked but not charged.
import { errForbidden, isAlreadyExistsOrConflict } from '../apimachinery/errors.js';
import type { GenericStore, } from '../registry/generic-store.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../registry/types.js';
import { evaluatorFor } from '../quota/evaluators.js';
import { add, fromWire, isZero, lessThanOrEqual, mask, prettyPrint, resourceNames, subtractNonNegative, toWire } from '../quota/resources.js';
import { WatchedNamespaceCache } from './watched-namespace-cache.js';
import { systemRequestContext } from '../registry/system-context.js';
import type { ResourceQuota } from '../api/generated/core-v1.js';


/** How often a quota write that lost a race is re-evaluated on fresh quotas. */
const MAX_ATTEMPTS = 5;


export function resourceQuotaAdmission(objects: GenericStore, registry: ResourceRegistry, now: () => number = Date.now): AdmissionPlugin {
  const quotaDef = registry.lookup('', 'v1', 'resourcequotas')!;
  const cache = new WatchedNamespaceCache<ResourceQuota>(objects, quotaDef);

  /**
   * One pass over the namespace's quotas (those in `charged` already took the object); throws a Forbidden, or an
   * ApiError 409 when a status write lost a race.
   */
  async function checkQuotas(a: AdmissionAttributes, quotas: ResourceQuota[], charged: Set<string>): Promise<void> {
    const evaluator = evaluatorFor(a.def.group, a.def.resource);
    const obj = a.object!;
    const gr = { group: a.def.group, resource: a.def.resource };
    const name = a.name || obj.metadata.name || '';
    const interesting: { quota: ResourceQuota; hardNames: string[] }[] = [];
    for (const quota of quotas) {
      if (charged.has(quota.metadata.name ?? '')) continue;
      const hardNames = evaluator.matchingResources(Object.keys(quota.status?.hard ?? {}));
      // a quota restricts the object when it limits something the object uses and its scopes take it
      if (hardNames.length === 0 || !evaluator.matchesScopes(quota.spec ?? {}, obj)) continue;
      const violation = evaluator.constraints(hardNames, obj);
      if (violation) throw errForbidden(gr, name, `failed quota: ${quota.metadata.name}: ${violation}`);
      const used = quota.status?.used ?? {};
      if (!hardNames.every((r) => r in used)) throw errForbidden(gr, name, `status unknown for quota: ${quota.metadata.name}, resources: ${[...hardNames].sort().join(',')}`);
      interesting.push({ quota, hardNames });
    }
    if (interesting.length === 0) return;
    let delta = evaluator.usage(obj, now());
    if (a.operation === 'UPDATE' && a.oldObject) delta = subtractNonNegative(delta, evaluator.usage(a.oldObject, now()));
    if (isZero(delta)) return;
    const updates: ResourceQuota[] = [];
    for (const { quota, hardNames } of interesting) {
      const hard = fromWire(quota.status?.hard);
      const used = fromWire(quota.status?.used);
      const requested = mask(delta, hardNames);
      const newUsage = add(used, requested);
      const check = lessThanOrEqual(mask(newUsage, resourceNames(requested)), hard);
      if (!check.ok) {
        throw errForbidden(gr, name, `exceeded quota: ${quota.metadata.name}, requested: ${prettyPrint(mask(requested, check.exceeded))}, `
          + `used: ${prettyPrint(mask(used, check.exceeded))}, limited: ${prettyPrint(mask(hard, check.exceeded))}`);
      }
      updates.push({ ...quota, status: { ...(quota.status ?? {}), used: toWire(newUsage) } });
    }
    if (a.dryRun) return;
    for (const q of updates) {
      await objects.update(quotaDef, q.metadata.namespace ?? '', q.metadata.name ?? '', q, systemRequestContext(), 'status');
      charged.add(q.metadata.name ?? '');
    }
  }

  return {
    name: 'ResourceQuota',
    async validate(a: AdmissionAttributes) {
      if (a.subresource || !a.object || !a.def.namespaced) return;
      if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
      const evaluator = evaluatorFor(a.def.group, a.def.resource);
      if (a.operation === 'UPDATE' && !evaluator.chargesUpdates) return;
      let quotas = await cache.list(a.namespace);
      if (quotas.length === 0) return;
      const charged = new Set<string>();
      for (let attempt = 1; ; attempt++) {
        try {
          return await checkQuotas(a, quotas, charged);
        } catch (e) {
          if (!isAlreadyExistsOrConflict(e) || attempt >= MAX_ATTEMPTS) throw e;
          // another write charged the quota meanwhile: evaluate again on what is stored now
          quotas = (await objects.list(quotaDef, a.namespace)).items as ResourceQuota[];
        }
      }
    },
  };
}
