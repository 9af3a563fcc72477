// Node (pkg/registry/core/node/strategy.go, ValidateNode*, SetDefaults_NodeStatus).
import { duplicate, FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../apimachinery/field-errors.js';
import { tryParseQuantity } from '../../apimachinery/quantity.js';
import { isValidCIDR, parseCIDRSloppy } from '../../apimachinery/validation/ip.js';
import { isValidLabelValue, nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { deepEqual, validateLabelName } from '../../apimachinery/validation/objectmeta.js';
import type { ResourceDef } from '../types.js';
import { coreDef, o, validateCoreMeta, validateCoreMetaUpdate } from './def.js';
import { arr, clone, isObj, Obj, str } from './helpers.js';
import { isIntegerResourceName } from './resources.js';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateNodeTaints(taints: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Map<string, Set<string>>();
  taints.forEach((t, i) => {
    const ip = path.index(i);
    errs.push(...validateLabelName(str(t.key), ip.child('key')));
    const ve = isValidLabelValue(str(t.value));
    if (ve.length) errs.push(invalid(ip.child('value').toString(), str(t.value), ve.join(';')));
    const effect = str(t.effect);
    if (!effect) errs.push(required(ip.child('effect').toString()));
    else if (!TAINT_EFFECTS.includes(effect)) errs.push(notSupported(ip.child('effect').toString(), effect, TAINT_EFFECTS));
    const keys = unique.get(effect) ?? new Set<string>();
    if (keys.has(str(t.key))) {
      const d = duplicate(ip.toString(), t);
      errs.push(new FieldError(d.type, d.field, d.badValue, 'taints must be unique by key and effect pair'));
      return;
    }
    keys.add(str(t.key));
    unique.set(effect, keys);
  });
  return errs;
}

function validateNodeResources(node: Obj): FieldError[] {
  const errs: FieldError[] = [];
  for (const which of ['capacity', 'allocatable'] as const) {
    const list: Obj = isObj(node.status?.[which]) ? node.status[which] : {};
    for (const [k, v] of Object.entries(list)) {
      const fp = `status.${which}.${k}`;
      const q = tryParseQuantity(v);
      if (!q) continue;
      if (q.sign() < 0) errs.push(invalid(fp, q.toString(), 'must be greater than or equal to 0'));
      if (isIntegerResourceName(k) && q.milliValue() % 1000n !== 0n) errs.push(invalid(fp, q.toString(), 'must be an integer'));
    }
  }
  return errs;
}

function validateNode(node: Obj): FieldError[] {
  const errs = validateCoreMeta(node.metadata ?? {}, false, nameIsDNSSubdomain);
  const spec: Obj = isObj(node.spec) ? node.spec : {};
  if (arr(spec.taints).length) errs.push(...validateNodeTaints(arr(spec.taints), FieldPath.root('metadata').child('taints')));
  errs.push(...validateNodeResources(node));
  const cidrs = arr<string>(spec.podCIDRs);
  const cp = FieldPath.root('spec').child('podCIDRs');
  cidrs.forEach((c, i) => errs.push(...isValidCIDR(cp.index(i).toString(), c)));
  if (cidrs.length > 1) {
    const fams = cidrs.map((c) => parseCIDRSloppy(c)?.ip.bytes.length);
    if (cidrs.length > 2 || fams[0] === fams[1]) errs.push(invalid(cp.toString(), cidrs, 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => { if (seen.has(c)) errs.push(duplicate(cp.index(i).toString(), c)); seen.add(c); });
  }
  return errs;
}

function validateNodeUpdate(node: Obj, old: Obj): FieldError[] {
  const errs = validateCoreMetaUpdate(node.metadata ?? {}, old.metadata ?? {});
  errs.push(...validateNodeResources(node));
  const seen: Obj[] = [];
  arr(node.status?.addresses).forEach((a, i) => {
    if (seen.some((s) => deepEqual(s, a))) errs.push(duplicate(FieldPath.root('status').child('addresses').index(i).toString(), a));
    seen.push(a);
  });
  const spec: Obj = isObj(node.spec) ? node.spec : {};
  const oldSpec: Obj = isObj(old.spec) ? old.spec : {};
  const oldCidrs = arr<string>(oldSpec.podCIDRs), cidrs = arr<string>(spec.podCIDRs);
  const cidrMsg = 'node updates may not change podCIDR except from "" to valid';
  if (oldCidrs.length) {
    if (oldCidrs.length !== cidrs.length) errs.push(forbidden('spec.podCIDRs', cidrMsg));
    else oldCidrs.forEach((c, i) => { if (c !== cidrs[i]) errs.push(forbidden('spec.podCIDRs', cidrMsg)); });
  }
  if (oldSpec.providerID && oldSpec.providerID !== spec.providerID) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  if (arr(spec.taints).length) errs.push(...validateNodeTaints(arr(spec.taints), FieldPath.root('metadata').child('taints')));
  if (str(spec.externalID) !== str(oldSpec.externalID)) errs.push(forbidden('spec.externalID', 'may not be updated'));
  return errs;
}

export const nodeResource: ResourceDef = coreDef({
  kind: 'Node',
  resource: 'nodes',
  namespaced: false,
  shortNames: ['no'],
  subresources: { status: true, others: [{ name: 'proxy', kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }] },
  strategy: {
    defaults(obj) {
      // SetDefaults_NodeStatus: allocatable follows capacity when unset
      const st = o(obj).status;
      if (isObj(st) && isObj(st.capacity) && !isObj(st.allocatable)) st.allocatable = clone(st.capacity);
    },
    prepareForCreate(obj) {
      const x = o(obj);
      if (isObj(x.spec)) delete x.spec.configSource;
      if (isObj(x.status)) delete x.status.config;
    },
    prepareForUpdate(obj, old) {
      o(obj).status = clone(o(old).status ?? {});
    },
    validate: (obj) => validateNode(o(obj)),
    validateUpdate: (obj, old) => validateNodeUpdate(o(obj), o(old)),
    validateStatusUpdate: (obj, old) => validateNodeUpdate(o(obj), o(old)),
    selectableFields: (obj) => ({ 'spec.unschedulable': String(o(obj).spec?.unschedulable === true) }),
  },
});
