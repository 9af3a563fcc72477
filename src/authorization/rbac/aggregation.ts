// The ClusterRole aggregation controller (pkg/controller/clusterroleaggregation): a ClusterRole with an
// aggregationRule gets the rules of every ClusterRole its selectors match (by name order, each rule once), so
// `admin`, `edit` and `view` hold what system:aggregate-to-* (and any CRD author's roles) add. Berth runs it beside
// the API (also with --no-controllers), reading the authorizer's index and writing through the store.
import { isNotFound } from '../../apimachinery/errors.js';
import { labelSelectorAsSelector, type LabelSelector } from '../../apimachinery/labels.js';
import { jsonEqual } from '../../apimachinery/json.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { GenericStore, RequestContext } from '../../registry/generic-store.js';
import type { ResourceRegistry } from '../../registry/registry.js';
import { RBAC_GROUP, rulesOf, type RbacIndex } from './index.js';
import type { PolicyRule } from './rules.js';

const ctx: RequestContext = {
  user: { username: 'system:serviceaccount:kube-system:clusterrole-aggregation-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] },
  dryRun: false, fieldManager: 'clusterrole-aggregation-controller', warnings: [],
};

export function aggregatedRules(index: RbacIndex, role: KubeObject): PolicyRule[] {
  const selectors = ((role.aggregationRule as { clusterRoleSelectors?: LabelSelector[] } | undefined)?.clusterRoleSelectors) ?? [];
  const names = [...index.clusterRoles.keys()].sort();
  const rules: PolicyRule[] = [];
  for (const sel of selectors) {
    let selector: ReturnType<typeof labelSelectorAsSelector>;
    try {
      selector = labelSelectorAsSelector(sel);
    } catch {
      continue;
    }
    for (const name of names) {
      if (name === role.metadata.name) continue;
      const other = index.clusterRoles.get(name)!;
      if (!selector.matches(other.metadata.labels ?? {})) continue;
      for (const r of rulesOf(other)) if (!rules.some((x) => jsonEqual(x, r))) rules.push(r);
    }
  }
  return rules;
}

export class ClusterRoleAggregator {
  private scheduled = false;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly index: RbacIndex, private readonly objects: GenericStore, private readonly registry: ResourceRegistry) {
    index.onClusterRoleChange = () => this.schedule();
  }

  /** Brings every aggregated role up to date now. */
  async syncAll(): Promise<void> {
    const def = this.registry.lookup(RBAC_GROUP, 'v1', 'clusterroles')!;
    for (const role of [...this.index.clusterRoles.values()]) {
      if (!role.aggregationRule || this.stopped) continue;
      const rules = aggregatedRules(this.index, role);
      if (jsonEqual(rules, role.rules ?? [])) continue;
      try {
        await this.objects.guaranteedUpdate(def, '', role.metadata.name!, ctx, '', undefined, (cur) => ({ ...cur, rules: aggregatedRules(this.index, cur) }));
      } catch (e) {
        if (!isNotFound(e)) console.error(`berth: aggregating clusterrole ${role.metadata.name}:`, e);
      }
    }
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.running.then(() => this.syncAll());
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.index.onClusterRoleChange = undefined;
    await this.running;
  }
}
