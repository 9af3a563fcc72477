// rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding, ClusterRoleBinding: defaults (apiGroup of roleRef
// and subjects) and ValidateRole*/ValidateRoleBinding* (pkg/apis/rbac/validation). roleRef never changes.
import { FieldError, FieldPath, invalid, notSupported, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { validatePathSegmentName, validateServiceAccountName } from '../../apimachinery/validation/names.js';
import { validateLabelSelector } from '../../apimachinery/validation/objectmeta.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { builtinResource } from '../resource-def.js';
import { invalidGo, isObj, Obj, str } from '../apps/shared.js';
import type { ResourceDef, Strategy } from '../types.js';
import { goStringSlice } from '../../apimachinery/go-syntax.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function validatePolicyRule(rule: Obj, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (list(rule.verbs).length === 0) errs.push(required(path.child('verbs').toString(), 'verbs must contain at least one value'));
  if (list(rule.nonResourceURLs).length > 0) {
    const p = path.child('nonResourceURLs');
    if (namespaced) errs.push(invalidGo(p, goStringSlice(rule.nonResourceURLs), 'namespaced rules cannot apply to non-resource URLs'));
    if (list(rule.apiGroups).length || list(rule.resources).length || list(rule.resourceNames).length) {
      errs.push(invalidGo(p, goStringSlice(rule.nonResourceURLs), 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (list(rule.apiGroups).length === 0) errs.push(required(path.child('apiGroups').toString(), 'resource rules must supply at least one api group'));
  if (list(rule.resources).length === 0) errs.push(required(path.child('resources').toString(), 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs = validateCoreMeta(obj.metadata, namespaced, validatePathSegmentName);
  list(obj.rules).forEach((r, i) => errs.push(...validatePolicyRule(isObj(r) ? r : {}, namespaced, FieldPath.root('rules').index(i))));
  return errs;
}

function validateClusterRole(obj: KubeObject): FieldError[] {
  const errs = validateRules(obj, false);
  const agg = obj.aggregationRule;
  if (isObj(agg)) {
    const selectors = list(agg.clusterRoleSelectors);
    if (selectors.length === 0) errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((s, i) => errs.push(...validateLabelSelector(isObj(s) ? s : {}, {}, FieldPath.root('aggregationRule').child('clusterRoleSelectors').index(i))));
  }
  return errs;
}

function validateSubject(s: Obj, bindingNamespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(s.name);
  if (!name) errs.push(required(path.child('name').toString()));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name) errs.push(...validateServiceAccountName(name, false).map((m) => invalid(path.child('name').toString(), name, m)));
      if (str(s.apiGroup)) errs.push(notSupported(path.child('apiGroup').toString(), s.apiGroup, ['']));
      if (!bindingNamespaced && !str(s.namespace)) errs.push(required(path.child('namespace').toString()));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(path.child('apiGroup').toString(), str(s.apiGroup), [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(path.child('kind').toString(), str(s.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs = validateCoreMeta(obj.metadata, namespaced, validatePathSegmentName);
  const ref: Obj = isObj(obj.roleRef) ? obj.roleRef : {};
  if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', str(ref.apiGroup), [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', str(ref.kind), kinds));
  const name = str(ref.name);
  if (!name) errs.push(required('roleRef.name'));
  else errs.push(...validatePathSegmentName(name, false).map((m) => invalid('roleRef.name', name, m)));
  list(obj.subjects).forEach((s, i) => errs.push(...validateSubject(isObj(s) ? s : {}, namespaced, FieldPath.root('subjects').index(i))));
  return errs;
}

const goRoleRef = (r: unknown) => {
  const ref: Obj = isObj(r) ? r : {};
  return `rbac.RoleRef{APIGroup:${JSON.stringify(str(ref.apiGroup))}, Kind:${JSON.stringify(str(ref.kind))}, Name:${JSON.stringify(str(ref.name))}}`;
};

function validateBindingUpdate(obj: KubeObject, old: KubeObject, namespaced: boolean): FieldError[] {
  const errs = [...validateBinding(obj, namespaced), ...validateCoreMetaUpdate(obj.metadata, old.metadata)];
  const a: Obj = isObj(obj.roleRef) ? obj.roleRef : {}, b: Obj = isObj(old.roleRef) ? old.roleRef : {};
  if (str(a.apiGroup) !== str(b.apiGroup) || str(a.kind) !== str(b.kind) || str(a.name) !== str(b.name)) {
    errs.push(invalidGo('roleRef', goRoleRef(obj.roleRef), 'cannot change roleRef'));
  }
  return errs;
}

/** SetDefaults for bindings: roleRef and User/Group subjects default to the RBAC API group. */
function setDefaultsBinding(obj: KubeObject): void {
  if (isObj(obj.roleRef) && !obj.roleRef.apiGroup) obj.roleRef.apiGroup = RBAC_GROUP;
  for (const s of list(obj.subjects)) {
    if (!isObj(s) || s.apiGroup) continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
    else if (s.kind === 'ServiceAccount') s.apiGroup = '';
  }
}

const roleStrategy = (validate: (o: KubeObject) => FieldError[]): Strategy => ({
  validate,
  validateUpdate: (obj, old) => [...validate(obj), ...validateCoreMetaUpdate(obj.metadata, old.metadata)],
});

const bindingStrategy = (namespaced: boolean): Strategy => ({
  defaults: setDefaultsBinding,
  validate: (obj) => validateBinding(obj, namespaced),
  validateUpdate: (obj, old) => validateBindingUpdate(obj, old, namespaced),
});

export function rbacResources(): ResourceDef[] {
  const g = { group: RBAC_GROUP, schemaPackage: 'rbac.v1' };
  return [
    builtinResource({ ...g, kind: 'ClusterRoleBinding', resource: 'clusterrolebindings', namespaced: false, strategy: bindingStrategy(false) }),
    builtinResource({ ...g, kind: 'ClusterRole', resource: 'clusterroles', namespaced: false, strategy: roleStrategy(validateClusterRole) }),
    builtinResource({ ...g, kind: 'RoleBinding', resource: 'rolebindings', namespaced: true, strategy: bindingStrategy(true) }),
    builtinResource({ ...g, kind: 'Role', resource: 'roles', namespaced: true, strategy: roleStrategy((o) => validateRules(o, true)) }),
  ];
}
