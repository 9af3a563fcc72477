// Keeps the bootstrap policy present at every start, as kube-apiserver's RBAC post-start hook does
// (pkg/registry/rbac/rest/storage_rbac.go with pkg/registry/rbac/reconciliation): missing objects are created;
// existing ones whose `rbac.authorization.kubernetes.io/autoupdate` annotation is not "false" get back the rules,
// selectors, subjects, labels and annotations they lack (nothing is taken away); a binding whose roleRef changed is
// recreated.
import { isNotFound, isAlreadyExistsOrConflict } from '../../apimachinery/errors.js';
import { jsonEqual } from '../../registry/object-meta.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { GenericStore, } from '../../registry/generic-store.js';
import type { ResourceRegistry } from '../../registry/registry.js';
import { AUTOUPDATE_ANNOTATION, type BootstrapPolicy } from './bootstrap-policy.js';
import { RBAC_GROUP } from './index.js';
import { systemRequestContext } from '../../registry/system-context.js';


const RESOURCES: Record<string, string> = { ClusterRole: 'clusterroles', ClusterRoleBinding: 'clusterrolebindings', Role: 'roles', RoleBinding: 'rolebindings' };

export async function reconcileBootstrapPolicy(objects: GenericStore, registry: ResourceRegistry, policy: BootstrapPolicy): Promise<void> {
  const all = [...policy.clusterRoles, ...policy.namespaced.filter((o) => o.kind === 'Role'), ...policy.clusterRoleBindings, ...policy.namespaced.filter((o) => o.kind === 'RoleBinding')];
  // concurrently, so storage commits them in a few groups
  await Promise.all(all.map((o) => reconcileOne(objects, registry, o)));
}

async function reconcileOne(objects: GenericStore, registry: ResourceRegistry, wanted: KubeObject): Promise<void> {
  const def = registry.lookup(RBAC_GROUP, 'v1', RESOURCES[wanted.kind ?? '']!)!;
  const ns = wanted.metadata.namespace ?? '';
  const name = wanted.metadata.name!;
  let existing: KubeObject | undefined;
  try {
    existing = await objects.get(def, ns, name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (!existing) {
    await createIgnoringConflict(objects, def, ns, structuredClone(wanted));
    return;
  }
  if (existing.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false') return;
  const isBinding = (wanted.kind ?? '').endsWith('Binding');
  if (isBinding && !jsonEqual(existing.roleRef, wanted.roleRef)) {
    await objects.delete(def, ns, name, {}, systemRequestContext());
    await createIgnoringConflict(objects, def, ns, structuredClone(wanted));
    return;
  }
  const merged = structuredClone(existing);
  merged.metadata.labels = { ...(wanted.metadata.labels ?? {}), ...(existing.metadata.labels ?? {}) };
  merged.metadata.annotations = { ...(wanted.metadata.annotations ?? {}), ...(existing.metadata.annotations ?? {}) };
  if (isBinding) {
    merged.subjects = union(existing.subjects, wanted.subjects);
    if (!(merged.subjects as unknown[]).length) delete merged.subjects;
  } else if (wanted.aggregationRule) {
    const have = ((existing.aggregationRule as { clusterRoleSelectors?: unknown[] } | undefined)?.clusterRoleSelectors) ?? [];
    const want = (wanted.aggregationRule as { clusterRoleSelectors: unknown[] }).clusterRoleSelectors;
    merged.aggregationRule = { clusterRoleSelectors: union(have, want) };
  } else {
    merged.rules = union(existing.rules, wanted.rules);
  }
  if (jsonEqual(merged, existing)) return;
  await objects.update(def, ns, name, merged, systemRequestContext());
}

async function createIgnoringConflict(objects: GenericStore, def: NonNullable<ReturnType<ResourceRegistry['lookup']>>, ns: string, obj: KubeObject) {
  try {
    await objects.create(def, ns, obj, systemRequestContext());
  } catch (e) {
    if (!isAlreadyExistsOrConflict(e)) throw e;
  }
}

/** `have` plus the items of `want` it lacks (by value). */
function union(have: unknown, want: unknown): unknown[] {
  const out = Array.isArray(have) ? [...have] : [];
  for (const w of Array.isArray(want) ? want : []) if (!out.some((h) => jsonEqual(h, w))) out.push(w);
  return out;
}
