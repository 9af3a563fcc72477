// networking.k8s.io/v1 Ingress, IngressClass and NetworkPolicy: defaults and the main rules of
// pkg/apis/networking/validation.
import { FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { isDNS1035Label, isDNS1123Subdomain, isQualifiedName, isValidPortName, isWildcardDNS1123Subdomain, nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { validateImmutableField, validateLabelSelector } from '../../apimachinery/validation/objectmeta.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { builtinResource } from '../resource-def.js';
import { ensureObj, isObj, Obj, specOf, str } from '../apps/shared.js';
import type { ResourceDef } from '../types.js';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validateBackend(b: Obj, path: FieldPath): FieldError[] {
  const hasService = isObj(b.service), hasResource = isObj(b.resource);
  if (hasService && hasResource) return [invalid(path.toString(), '', 'cannot set both service and resource backends')];
  if (!hasService && !hasResource) return [invalid(path.toString(), '', 'one backend type must be specified')];
  if (hasResource) return [];
  const errs: FieldError[] = [];
  const svc = b.service as Obj;
  const sPath = path.child('service');
  const name = str(svc.name);
  if (!name) errs.push(required(sPath.child('name').toString()));
  else errs.push(...isDNS1035Label(name).map((m) => invalid(sPath.child('name').toString(), name, m)));
  const port: Obj = isObj(svc.port) ? svc.port : {};
  const pPath = sPath.child('port');
  const hasName = !!str(port.name), hasNumber = typeof port.number === 'number' && port.number !== 0;
  if (hasName && hasNumber) errs.push(invalid(pPath.toString(), '', 'cannot set both port name & port number'));
  else if (hasName) errs.push(...isValidPortName(port.name).map((m) => invalid(pPath.child('name').toString(), port.name, m)));
  else if (hasNumber) {
    if (port.number < 1 || port.number > 65535) errs.push(invalid(pPath.child('number').toString(), port.number, 'must be between 1 and 65535, inclusive'));
  } else errs.push(required(pPath.toString(), 'port name or number is required'));
  return errs;
}

function validateHTTPPath(p: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const pathType = p.pathType;
  if (pathType === undefined || pathType === null || pathType === '') errs.push(required(path.child('pathType').toString(), 'pathType must be specified'));
  else if (!PATH_TYPES.includes(pathType)) errs.push(notSupported(path.child('pathType').toString(), pathType, PATH_TYPES));
  const value = str(p.path);
  if ((pathType === 'Exact' || pathType === 'Prefix') && !value.startsWith('/')) {
    errs.push(invalid(path.child('path').toString(), value, 'must be an absolute path'));
  } else if (pathType === 'ImplementationSpecific' && value.length > 0 && !value.startsWith('/')) {
    errs.push(invalid(path.child('path').toString(), value, 'must be an absolute path'));
  }
  errs.push(...validateBackend(isObj(p.backend) ? p.backend : {}, path.child('backend')));
  return errs;
}

export function validateIngress(obj: KubeObject): FieldError[] {
  const errs = validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain);
  const spec = specOf(obj);
  const rules: Obj[] = Array.isArray(spec.rules) ? spec.rules : [];
  const specPath = FieldPath.root('spec');
  if (isObj(spec.defaultBackend)) errs.push(...validateBackend(spec.defaultBackend, specPath.child('defaultBackend')));
  else if (rules.length === 0) errs.push(invalid('spec.rules', '', 'either `defaultBackend` or `rules` must be specified'));
  rules.forEach((r, i) => {
    const rPath = specPath.child('rules').index(i);
    const host = str(r?.host);
    if (host) {
      const hostPath = rPath.child('host').toString();
      if (host.includes('*')) errs.push(...isWildcardDNS1123Subdomain(host).map((m) => invalid(hostPath, host, m)));
      else errs.push(...isDNS1123Subdomain(host).map((m) => invalid(hostPath, host, m)));
    }
    if (isObj(r?.http)) {
      const paths: Obj[] = Array.isArray(r.http.paths) ? r.http.paths : [];
      if (paths.length === 0) errs.push(required(rPath.child('http').child('paths').toString()));
      paths.forEach((p, j) => errs.push(...validateHTTPPath(isObj(p) ? p : {}, rPath.child('http').child('paths').index(j))));
    }
  });
  const cls = spec.ingressClassName;
  if (typeof cls === 'string') errs.push(...isDNS1123Subdomain(cls).map((m) => invalid('spec.ingressClassName', cls, m)));
  return errs;
}

export function validateIngressClass(obj: KubeObject): FieldError[] {
  const errs = validateCoreMeta(obj.metadata, false, nameIsDNSSubdomain);
  const controller = str(specOf(obj).controller);
  if (!controller) errs.push(required('spec.controller'));
  else if (controller.length > 250) errs.push(new FieldError('FieldValueTooLong', 'spec.controller', undefined, 'may not be more than 250 bytes'));
  else errs.push(...isQualifiedName(controller).map((m) => invalid('spec.controller', controller, m)));
  return errs;
}

export function validateNetworkPolicy(obj: KubeObject): FieldError[] {
  const errs = validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain);
  const spec = specOf(obj);
  errs.push(...validateLabelSelector(spec.podSelector, {}, FieldPath.root('spec').child('podSelector')));
  (Array.isArray(spec.policyTypes) ? spec.policyTypes : []).forEach((t: unknown, i: number) => {
    if (t !== 'Ingress' && t !== 'Egress') errs.push(notSupported(FieldPath.root('spec').child('policyTypes').index(i).toString(), t, ['Ingress', 'Egress']));
  });
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 2) errs.push(forbidden('spec.policyTypes', 'may not specify more than two policyTypes'));
  return errs;
}

/** SetDefaults_NetworkPolicy: ports default to TCP; policyTypes from which rule lists are present. */
function setDefaultsNetworkPolicy(obj: KubeObject): void {
  const spec = ensureObj(obj, 'spec');
  for (const dir of ['ingress', 'egress']) {
    for (const rule of Array.isArray(spec[dir]) ? spec[dir] : []) {
      for (const port of Array.isArray(rule?.ports) ? rule.ports : []) if (isObj(port) && !port.protocol) port.protocol = 'TCP';
    }
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

const updateOf = (validate: (o: KubeObject) => FieldError[]) => (obj: KubeObject, old: KubeObject) => [...validate(obj), ...validateCoreMetaUpdate(obj.metadata, old.metadata)];

export function networkingResources(): ResourceDef[] {
  const g = { group: 'networking.k8s.io', schemaPackage: 'networking.v1' };
  return [
    builtinResource({
      ...g, kind: 'IngressClass', resource: 'ingressclasses', namespaced: false, tracksGeneration: true,
      strategy: {
        validate: validateIngressClass,
        validateUpdate: (obj, old) => [
          ...updateOf(validateIngressClass)(obj, old),
          ...validateImmutableField(specOf(obj).controller ?? null, specOf(old).controller ?? null, 'spec.controller'),
        ],
      },
    }),
    builtinResource({
      ...g, kind: 'Ingress', resource: 'ingresses', namespaced: true, shortNames: ['ing'], status: true, tracksGeneration: true,
      strategy: {
        prepareForCreate(obj) {
          obj.status = {};
        },
        validate: validateIngress,
        validateUpdate: updateOf(validateIngress),
        validateStatusUpdate: (obj, old) => validateCoreMetaUpdate(obj.metadata, old.metadata),
      },
    }),
    builtinResource({
      ...g, kind: 'NetworkPolicy', resource: 'networkpolicies', namespaced: true, shortNames: ['netpol'], tracksGeneration: true,
      strategy: { defaults: setDefaultsNetworkPolicy, validate: validateNetworkPolicy, validateUpdate: updateOf(validateNetworkPolicy) },
    }),
  ];
}
