// PersistentVolume and PersistentVolumeClaim (SetDefaults_PersistentVolume*, ValidatePersistentVolume*, strategies).
import { FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../apimachinery/field-errors.js';
import { tryParseQuantity } from '../../apimachinery/quantity.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { deepEqual, validateImmutableField } from '../../apimachinery/validation/objectmeta.js';
import type { ResourceDef } from '../types.js';
import { coreDef, o, validateCoreMeta, validateCoreMetaUpdate } from './def.js';
import { arr, clone, isObj, Obj, str } from './helpers.js';
import { SUPPORTED_VOLUME_MODES, validateAccessModes, validateNodeSelector, validatePersistentVolumeClaimSpec } from './pod-validation.js';
import { specDiff } from './spec-diff.js';

const SPEC = FieldPath.root('spec');
const hasValue = (v: unknown): boolean => v !== undefined && v !== null;

/** PersistentVolumeSource members of a PV spec. */
const PV_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'flocker', 'nfs', 'rbd', 'quobyte', 'cephfs',
  'iscsi', 'cinder', 'fc', 'flexVolume', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume',
  'azureDisk', 'scaleIO', 'local', 'storageos', 'csi',
];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];

function validatePVSource(spec: Obj, nodeAffinitySet: boolean): FieldError[] {
  const errs: FieldError[] = [];
  let num = 0;
  for (const kind of PV_SOURCES) {
    const src = spec[kind];
    if (!hasValue(src)) continue;
    if (num > 0 && kind !== 'flexVolume') { errs.push(forbidden(SPEC.child(kind).toString(), 'may not specify more than 1 volume type')); continue; }
    num++;
    const s: Obj = isObj(src) ? src : {};
    const sp = SPEC.child(kind);
    switch (kind) {
      case 'hostPath':
        if (!s.path) errs.push(required(sp.child('path').toString()));
        else if (str(s.path).split('/').includes('..')) errs.push(invalid(sp.child('path').toString(), s.path, "must not contain '..'"));
        break;
      case 'local':
        if (!s.path) errs.push(required(sp.child('path').toString()));
        else if (str(s.path).split('/').includes('..')) errs.push(invalid(sp.child('path').toString(), s.path, "must not contain '..'"));
        if (!nodeAffinitySet) errs.push(required(SPEC.child('nodeAffinity').toString(), 'Local volume requires node affinity'));
        break;
      case 'nfs':
        if (!s.server) errs.push(required(sp.child('server').toString()));
        if (!s.path) errs.push(required(sp.child('path').toString()));
        if (!str(s.path).startsWith('/')) errs.push(invalid(sp.child('path').toString(), str(s.path), 'must be an absolute path'));
        break;
      case 'csi':
        if (!s.driver) errs.push(required(sp.child('driver').toString()));
        if (!s.volumeHandle) errs.push(required(sp.child('volumeHandle').toString()));
        break;
      default:
        break;
    }
  }
  if (num === 0) errs.push(required(SPEC.toString(), 'must specify a volume type'));
  return errs;
}

function validatePersistentVolume(pv: Obj): FieldError[] {
  const errs = validateCoreMeta(pv.metadata ?? {}, false, nameIsDNSSubdomain);
  const spec: Obj = isObj(pv.spec) ? pv.spec : {};
  const modes = arr<unknown>(spec.accessModes);
  if (modes.length === 0) errs.push(required(SPEC.child('accessModes').toString()));
  errs.push(...validateAccessModes(modes, SPEC.child('accessModes')));
  const capacity: Obj = isObj(spec.capacity) ? spec.capacity : {};
  const capKeys = Object.keys(capacity);
  if (capKeys.length === 0) errs.push(required(SPEC.child('capacity').toString()));
  if (!('storage' in capacity) || capKeys.length > 1) errs.push(notSupported(SPEC.child('capacity').toString(), capacity, ['storage']));
  for (const k of capKeys) {
    const q = tryParseQuantity(capacity[k]);
    const kp = SPEC.child('capacity').key(k).toString();
    if (!q) { errs.push(invalid(kp, capacity[k], "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")); continue; }
    if (q.value() < 0n) errs.push(invalid(kp, Number(q.value()), 'must be a valid resource quantity'));
    if (q.sign() <= 0) errs.push(invalid(kp, q.toString(), 'must be greater than zero'));
  }
  if (spec.persistentVolumeReclaimPolicy && !RECLAIM_POLICIES.includes(spec.persistentVolumeReclaimPolicy)) {
    errs.push(notSupported(SPEC.child('persistentVolumeReclaimPolicy').toString(), spec.persistentVolumeReclaimPolicy, RECLAIM_POLICIES));
  }
  let affinitySet = false;
  if (isObj(spec.nodeAffinity)) {
    const req = spec.nodeAffinity.required;
    if (isObj(req)) {
      affinitySet = true;
      errs.push(...validateNodeSelector(req, SPEC.child('nodeAffinity').child('required')));
    } else {
      errs.push(required(SPEC.child('nodeAffinity').child('required').toString(), 'must specify required node constraints'));
    }
  }
  errs.push(...validatePVSource(spec, affinitySet));
  if (isObj(spec.hostPath) && spec.persistentVolumeReclaimPolicy === 'Recycle' && str(spec.hostPath.path).replace(/\/+$/, '') === '') {
    errs.push(forbidden(SPEC.child('persistentVolumeReclaimPolicy').toString(), "may not be 'recycle' for a hostPath mount of '/'"));
  }
  if (spec.storageClassName) {
    errs.push(...nameIsDNSSubdomain(str(spec.storageClassName), false).map((m) => invalid(SPEC.child('storageClassName').toString(), spec.storageClassName, m)));
  }
  if (hasValue(spec.volumeMode) && !SUPPORTED_VOLUME_MODES.includes(spec.volumeMode)) {
    errs.push(notSupported(SPEC.child('volumeMode').toString(), spec.volumeMode, SUPPORTED_VOLUME_MODES));
  }
  return errs;
}

const pvSourceOf = (spec: Obj) => Object.fromEntries(PV_SOURCES.filter((k) => hasValue(spec[k])).map((k) => [k, spec[k]]));

function validatePersistentVolumeUpdate(pv: Obj, old: Obj): FieldError[] {
  const errs = [...validateCoreMetaUpdate(pv.metadata ?? {}, old.metadata ?? {}), ...validatePersistentVolume(pv)];
  const spec: Obj = isObj(pv.spec) ? pv.spec : {};
  const oldSpec: Obj = isObj(old.spec) ? old.spec : {};
  const newSrc = pvSourceOf(spec), oldSrc = pvSourceOf(oldSpec);
  // a controllerExpandSecretRef may be added to a CSI source
  if (isObj(newSrc.csi) && isObj(oldSrc.csi) && !oldSrc.csi.controllerExpandSecretRef) {
    newSrc.csi = { ...newSrc.csi };
    delete newSrc.csi.controllerExpandSecretRef;
  }
  if (!deepEqual(newSrc, oldSrc)) {
    errs.push(forbidden('spec.persistentvolumesource', `spec.persistentvolumesource is immutable after creation\n${specDiff('core.PersistentVolumeSource', oldSrc, newSrc)}`));
  }
  errs.push(...validateImmutableField(spec.volumeMode ?? null, oldSpec.volumeMode ?? null, 'volumeMode'));
  if (isObj(oldSpec.nodeAffinity) && !deepEqual(spec.nodeAffinity, oldSpec.nodeAffinity)) {
    errs.push(invalid('nodeAffinity', spec.nodeAffinity ?? null, 'field is immutable'));
  }
  return errs;
}

export const persistentVolumeResource: ResourceDef = coreDef({
  kind: 'PersistentVolume',
  resource: 'persistentvolumes',
  namespaced: false,
  shortNames: ['pv'],
  subresources: { status: true },
  strategy: {
    defaults(obj) {
      const x = o(obj);
      const spec = isObj(x.spec) ? x.spec : (x.spec = {});
      if (!spec.persistentVolumeReclaimPolicy) spec.persistentVolumeReclaimPolicy = 'Retain';
      if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
      const status = isObj(x.status) ? x.status : (x.status = {});
      if (!status.phase) status.phase = 'Pending';
    },
    prepareForCreate(obj) {
      o(obj).status = { phase: 'Pending', lastPhaseTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    },
    prepareForUpdate(obj, old) {
      o(obj).status = clone(o(old).status ?? {});
    },
    prepareForStatusUpdate(obj, old) {
      // a phase change stamps lastPhaseTransitionTime
      const st = isObj(o(obj).status) ? o(obj).status : (o(obj).status = {});
      const oldSt = isObj(o(old).status) ? o(old).status : {};
      if (st.phase !== oldSt.phase && st.lastPhaseTransitionTime === oldSt.lastPhaseTransitionTime) {
        st.lastPhaseTransitionTime = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      }
    },
    validate: (obj) => validatePersistentVolume(o(obj)),
    validateUpdate: (obj, old) => validatePersistentVolumeUpdate(o(obj), o(old)),
    validateStatusUpdate(obj, old) {
      const errs = validateCoreMetaUpdate(obj.metadata, old.metadata);
      if (!obj.metadata.resourceVersion) errs.push(required('resourceVersion'));
      return errs;
    },
    selectableFields: (obj) => ({ name: obj.metadata.name ?? '' }),
  },
});

function validatePVC(pvc: Obj): FieldError[] {
  return [...validateCoreMeta(pvc.metadata ?? {}, true, nameIsDNSSubdomain), ...validatePersistentVolumeClaimSpec(isObj(pvc.spec) ? pvc.spec : {}, SPEC)];
}

const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

function validatePVCUpdate(pvc: Obj, old: Obj): FieldError[] {
  const errs = [...validateCoreMetaUpdate(pvc.metadata ?? {}, old.metadata ?? {}), ...validatePVC(pvc)];
  const newSpec: Obj = clone(isObj(pvc.spec) ? pvc.spec : {});
  const oldSpec: Obj = clone(isObj(old.spec) ? old.spec : {});
  // volumeName may be set once (binding)
  if (!oldSpec.volumeName) { if (newSpec.volumeName === undefined) delete oldSpec.volumeName; else oldSpec.volumeName = newSpec.volumeName; }
  const oldAnn = old.metadata?.annotations ?? {}, newAnn = pvc.metadata?.annotations ?? {};
  const upgradeFromAnnotation = BETA_CLASS_ANNOTATION in oldAnn && !hasValue(oldSpec.storageClassName) &&
    hasValue(newSpec.storageClassName) && newSpec.storageClassName === oldAnn[BETA_CLASS_ANNOTATION] &&
    (!(BETA_CLASS_ANNOTATION in newAnn) || newAnn[BETA_CLASS_ANNOTATION] === oldAnn[BETA_CLASS_ANNOTATION]);
  if (upgradeFromAnnotation) {
    delete newSpec.storageClassName;
  } else {
    if (str(newAnn[BETA_CLASS_ANNOTATION]) !== str(oldAnn[BETA_CLASS_ANNOTATION])) {
      errs.push(invalid(`metadata.annotations.${BETA_CLASS_ANNOTATION}`, str(newAnn[BETA_CLASS_ANNOTATION]), 'field is immutable'));
    }
    // storageClassName may go from unset to a value (matching the beta annotation if any)
    if (hasValue(newSpec.storageClassName) && !hasValue(oldSpec.storageClassName) &&
        (!(BETA_CLASS_ANNOTATION in oldAnn) || newSpec.storageClassName === oldAnn[BETA_CLASS_ANNOTATION])) {
      delete newSpec.storageClassName;
    }
  }
  const bound = pvc.status?.phase === 'Bound';
  if (bound && isObj(newSpec.resources) && isObj(newSpec.resources.requests)) {
    const oldStorage = oldSpec.resources?.requests?.storage;
    if (oldStorage === undefined) delete newSpec.resources.requests.storage;
    else newSpec.resources.requests.storage = oldStorage;
  }
  if (bound && hasValue(newSpec.volumeAttributesClassName)) {
    if (oldSpec.volumeAttributesClassName === undefined) delete newSpec.volumeAttributesClassName;
    else newSpec.volumeAttributesClassName = oldSpec.volumeAttributesClassName;
  }
  if (!deepEqual(normalizeQuantities(newSpec), normalizeQuantities(oldSpec))) {
    errs.push(forbidden('spec', `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff('core.PersistentVolumeClaimSpec', oldSpec, newSpec)}`));
  }
  const oldSize = tryParseQuantity(old.spec?.resources?.requests?.storage);
  const newSize = tryParseQuantity(pvc.spec?.resources?.requests?.storage);
  if (oldSize && newSize && newSize.cmp(oldSize) < 0) {
    // RecoverVolumeExpansionFailure is on in 1.33: shrinking is allowed down to (but not to) status.capacity
    const statusSize = tryParseQuantity(old.status?.capacity?.storage);
    if (!statusSize || newSize.cmp(statusSize) <= 0) {
      errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
    }
  }
  errs.push(...validateImmutableField(pvc.spec?.volumeMode ?? null, old.spec?.volumeMode ?? null, 'volumeMode'));
  if (hasValue(old.spec?.volumeAttributesClassName) && !deepEqual(old.spec.volumeAttributesClassName, pvc.spec?.volumeAttributesClassName)) {
    if (!hasValue(pvc.spec?.volumeAttributesClassName)) errs.push(forbidden('spec.volumeAttributesClassName', 'update from non-nil value to nil is forbidden'));
    else if (pvc.spec.volumeAttributesClassName === '') errs.push(forbidden('spec.volumeAttributesClassName', 'update from non-nil value to an empty string is forbidden'));
  }
  return errs;
}

/** Compares quantities by value ("1Gi" == "1024Mi") the way Semantic.DeepEqual does. */
function normalizeQuantities(spec: Obj): Obj {
  const s = clone(spec);
  for (const k of ['requests', 'limits']) {
    const m = s.resources?.[k];
    if (!isObj(m)) continue;
    for (const [name, v] of Object.entries(m)) {
      const q = tryParseQuantity(v);
      if (q) m[name] = `${q.mantissa * 10n ** BigInt(Math.max(0, q.exponent + 9))}`;
    }
  }
  return s;
}

export const persistentVolumeClaimResource: ResourceDef = coreDef({
  kind: 'PersistentVolumeClaim',
  resource: 'persistentvolumeclaims',
  namespaced: true,
  shortNames: ['pvc'],
  subresources: { status: true },
  strategy: {
    defaults(obj) {
      const x = o(obj);
      const spec = isObj(x.spec) ? x.spec : (x.spec = {});
      if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
      const status = isObj(x.status) ? x.status : (x.status = {});
      if (!status.phase) status.phase = 'Pending';
    },
    prepareForCreate(obj) {
      o(obj).status = { phase: 'Pending' };
    },
    prepareForUpdate(obj, old) {
      o(obj).status = clone(o(old).status ?? {});
    },
    validate: (obj) => validatePVC(o(obj)),
    validateUpdate: (obj, old) => validatePVCUpdate(o(obj), o(old)),
    validateStatusUpdate(obj, old) {
      const errs = validateCoreMetaUpdate(obj.metadata, old.metadata);
      if (!obj.metadata.resourceVersion) errs.push(required('resourceVersion'));
      if (arr(o(obj).spec?.accessModes).length === 0) errs.push(required('Spec.accessModes'));
      return errs;
    },
    selectableFields: (obj) => ({ name: obj.metadata.name ?? '' }),
  },
});

export { validatePersistentVolume, validatePVC, validatePVCUpdate };
