// Privilege-escalation prevention on RBAC writes, as upstream's policy-based storages
// (pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased): a Role or ClusterRole may be
// written only by someone who already holds all its rules in that scope, or may `escalate` it; setting an
// aggregationRule needs cluster-admin's rules; a binding may be written only by someone who holds the referenced
// role's rules, or may `bind` it. Members of system:masters pass (the loopback identity is one).
import { errForbidden } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../../registry/types.js';
import type { Authorizer, UserInfo } from '../../api/identity.js';
import { PRIVILEGED_GROUP } from '../union.js';
import { RBAC_GROUP, rulesOf, type RbacIndex, type RoleRef } from './index.js';
import { compactRules, compactString, covers, type PolicyRule } from './rules.js';

const FULL_AUTHORITY: PolicyRule[] = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }];

export function rbacEscalationAdmission(index: RbacIndex, authorizer: Authorizer): AdmissionPlugin {
  return {
    name: 'RBACEscalation',
    async validate(a: AdmissionAttributes) {
      if (a.def.group !== RBAC_GROUP || a.subresource || (a.operation !== 'CREATE' && a.operation !== 'UPDATE')) return;
      if (a.user.groups.includes(PRIVILEGED_GROUP)) return;
      const obj = a.object!;
      if (a.operation === 'UPDATE' && onlyGcFieldsChanged(obj, a.oldObject!)) return;
      const gr = { group: RBAC_GROUP, resource: a.def.resource };
      const name = obj.metadata.name ?? '';
      switch (a.def.resource) {
        case 'roles':
        case 'clusterroles': {
          const allowedToEscalate = (await authorizer.authorize({
            user: a.user, verb: 'escalate', group: RBAC_GROUP, resource: a.def.resource, subresource: '', namespace: a.namespace, name, path: '',
          })).allowed;
          if (allowedToEscalate) return;
          const err = confirmNoEscalation(index, a.user, a.namespace, rulesOf(obj));
          if (err) throw errForbidden(gr, name, err);
          if (a.def.resource === 'clusterroles' && (obj.aggregationRule || a.oldObject?.aggregationRule)) {
            if (confirmNoEscalation(index, a.user, a.namespace, FULL_AUTHORITY)) throw errForbidden(gr, name, 'must have cluster-admin privileges to use the aggregationRule');
          }
          return;
        }
        case 'rolebindings':
        case 'clusterrolebindings': {
          const ref = (obj.roleRef ?? {}) as RoleRef;
          if (await bindingAuthorized(authorizer, a.user, ref, a.namespace)) return;
          const { rules, err } = index.roleReferenceRules(ref, a.namespace);
          if (err) throw errForbidden(gr, name, err);
          const escalation = confirmNoEscalation(index, a.user, a.namespace, rules!);
          if (escalation) throw errForbidden(gr, name, escalation);
        }
      }
    },
  };
}

/** BindingAuthorized: may the user `bind` the referenced role (in the binding's namespace)? */
async function bindingAuthorized(authorizer: Authorizer, user: UserInfo, ref: RoleRef, namespace: string): Promise<boolean> {
  const resource = ref.kind === 'Role' ? 'roles' : ref.kind === 'ClusterRole' ? 'clusterroles' : '';
  if (!resource) return false;
  return (await authorizer.authorize({ user, verb: 'bind', group: RBAC_GROUP, resource, subresource: '', namespace, name: ref.name, path: '' })).allowed;
}

/** ConfirmNoEscalation: undefined when the user holds every rule, else upstream's message naming what it lacks. */
export function confirmNoEscalation(index: RbacIndex, user: UserInfo, namespace: string, rules: PolicyRule[]): string | undefined {
  const owner = index.rulesFor(user, namespace);
  const { covered, missing } = covers(owner.rules, rules);
  if (covered) return undefined;
  const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(user.username)} (groups=[${user.groups.map((g) => JSON.stringify(g)).join(' ')}]) is attempting to grant RBAC permissions not currently held:\n${descriptions.join('\n')}`;
  if (owner.errors.length) msg += `; resolution errors: [${owner.errors.join(" ")}]`;
  return msg;
}

/** IsOnlyMutatingGCFields: only ownerReferences or finalizers changed (what the garbage collector writes). */
function onlyGcFieldsChanged(obj: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { ownerReferences: _o, finalizers: _f, managedFields: _m, resourceVersion: _r, generation: _g, ...rest } = o.metadata;
    return JSON.stringify({ ...o, metadata: rest });
  };
  return strip(obj) === strip(old);
}
