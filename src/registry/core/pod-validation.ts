// Pod spec validation (kubernetes pkg/apis/core/validation/validation.go: ValidatePodSpec, validateContainers,
// ValidateVolumes, ValidatePodUpdate …). Messages and paths follow upstream. Rarely used volume plugins are
// counted as volume sources but only lightly checked.
import {
  duplicate, FieldError, FieldPath, forbidden, invalid, notFound, notSupported, required, tooLong,
} from '../../apimachinery/field-errors.js';
import { parseQuantity as parseQ } from '../../apimachinery/quantity.js';
import type { ObjectMeta } from '../../apimachinery/types.js';
import { isValidIP } from '../../apimachinery/validation/ip.js';
import {
  inclusiveRangeError, isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isHTTPHeaderName, isQualifiedName,
  isRelaxedEnvVarName, isValidGroupID, isValidLabelValue, isValidPortName, isValidPortNum, isValidUserID,
  nameIsDNSLabel, nameIsDNSSubdomain, validateNamespaceName,
} from '../../apimachinery/validation/names.js';
import {
  deepEqual, validateAnnotations, validateLabelName, validateLabels, validateLabelSelector, validateNonnegativeField,
  validateObjectMeta, validateObjectMetaUpdate,
} from '../../apimachinery/validation/objectmeta.js';
import { arr, clone, isObj, Obj, str } from './helpers.js';
import { validateContainerResources } from './resources.js';
import { specDiff } from './spec-diff.js';

export type { Obj };

export interface PodValidationOptions {
  /** The object is a Pod (not a template embedded in another kind). */
  resourceIsPod?: boolean;
}

const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';
const MAX_INT32 = 2147483647;
const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const p = (x: FieldPath) => x.toString();
const hasValue = (v: unknown): boolean => v !== undefined && v !== null;

function dns1123Label(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Label(value).map((m) => invalid(p(path), value, m));
}
function dns1123Subdomain(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => invalid(p(path), value, m));
}
function qualifiedName(value: string, path: FieldPath): FieldError[] {
  return isQualifiedName(value).map((m) => invalid(p(path), value, m));
}

// ---- paths ----

function validatePathNoBacksteps(target: string, path: FieldPath): FieldError[] {
  return target.replace(/\\/g, '/').split('/').includes('..') ? [invalid(p(path), target, "must not contain '..'")] : [];
}
function validateLocalDescendingPath(target: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(invalid(p(path), target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}
export function validateLocalNonReservedPath(target: string, path: FieldPath): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(invalid(p(path), target, "must not start with '..'"));
  return errs;
}

// ---- volumes ----

function validateKeyToPath(kp: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!kp.key) errs.push(required(p(path.child('key'))));
  if (!kp.path) errs.push(required(p(path.child('path'))));
  errs.push(...validateLocalNonReservedPath(str(kp.path), path.child('path')));
  errs.push(...validateFileMode(kp.mode, path.child('mode')));
  return errs;
}

function validateFileMode(mode: unknown, path: FieldPath): FieldError[] {
  return typeof mode === 'number' && (mode > 0o777 || mode < 0) ? [invalid(p(path), mode, FILE_MODE_ERROR)] : [];
}

const VOLUME_DOWNWARD_FIELDS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const ENV_DOWNWARD_FIELDS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'].sort();
const CONTAINER_RESOURCE_FIELDS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

function validateObjectFieldSelector(fs: Obj, expressions: string[], path: FieldPath): FieldError[] {
  if (!fs.apiVersion) return [required(p(path.child('apiVersion')))];
  if (!fs.fieldPath) return [required(p(path.child('fieldPath')))];
  const fieldPath = str(fs.fieldPath);
  const m = /^(metadata\.(?:annotations|labels))\['(.*)'\]$/.exec(fieldPath) ?? /^([^[]+)\[(.*)\]$/.exec(fieldPath);
  if (m) {
    if (m[1] === 'metadata.annotations') return qualifiedName(m[2].toLowerCase(), path);
    if (m[1] === 'metadata.labels') return qualifiedName(m[2], path);
    return [invalid(p(path), m[1], 'does not support subscript')];
  }
  if (!expressions.includes(fieldPath)) return [notSupported(p(path.child('fieldPath')), fieldPath, [...expressions].sort())];
  return [];
}

function validateResourceFieldSelector(fs: Obj, path: FieldPath, volume: boolean): FieldError[] {
  if (volume && !fs.containerName) return [required(p(path.child('containerName')))];
  if (!fs.resource) return [required(p(path.child('resource')))];
  const r = str(fs.resource);
  if (!CONTAINER_RESOURCE_FIELDS.includes(r) && !r.startsWith('requests.hugepages-') && !r.startsWith('limits.hugepages-')) {
    return [notSupported(p(path.child('resource')), r, CONTAINER_RESOURCE_FIELDS)];
  }
  return [];
}

function validateDownwardAPIFile(f: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!f.path) errs.push(required(p(path.child('path'))));
  errs.push(...validateLocalNonReservedPath(str(f.path), path.child('path')));
  if (isObj(f.fieldRef)) {
    errs.push(...validateObjectFieldSelector(f.fieldRef, VOLUME_DOWNWARD_FIELDS, path.child('fieldRef')));
    if (isObj(f.resourceFieldRef)) errs.push(invalid(p(path), 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (isObj(f.resourceFieldRef)) {
    errs.push(...validateResourceFieldSelector(f.resourceFieldRef, path.child('resourceFieldRef'), true));
  } else {
    errs.push(required(p(path), 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateFileMode(f.mode, path.child('mode')));
  return errs;
}

function validateProjected(pr: Obj, path: FieldPath, opts: PodValidationOptions): FieldError[] {
  void opts;
  const errs = validateFileMode(pr.defaultMode, path.child('defaultMode'));
  const allPaths = new Set<string>();
  const track = (cur: string, name: unknown) => {
    if (!cur) return;
    if (allPaths.has(cur)) errs.push(invalid(p(path), name, 'conflicting duplicate paths'));
    allPaths.add(cur);
  };
  arr(pr.sources).forEach((src, i) => {
    let n = 0;
    const sp = path.child('sources').index(i);
    for (const kind of ['secret', 'configMap'] as const) {
      const s = src[kind];
      if (!isObj(s)) continue;
      n++;
      if (!s.name) errs.push(required(p(sp.child(kind).child('name'))));
      arr(s.items).forEach((kp, j) => {
        errs.push(...validateKeyToPath(kp, sp.child(kind).child('items').index(j)));
        track(str(kp.path), s.name ?? '');
      });
    }
    if (isObj(src.downwardAPI)) {
      n++;
      for (const f of arr(src.downwardAPI.items)) {
        errs.push(...validateDownwardAPIFile(f, sp.child('downwardAPI')));
        track(str(f.path), str(f.path));
      }
    }
    if (isObj(src.serviceAccountToken)) {
      n++;
      const t = src.serviceAccountToken;
      const secs = typeof t.expirationSeconds === 'number' ? t.expirationSeconds : 0;
      if (secs < 600) errs.push(invalid(p(sp.child('serviceAccountToken').child('expirationSeconds')), secs, 'may not specify a duration less than 10 minutes'));
      if (secs > 2 ** 32) errs.push(invalid(p(sp.child('serviceAccountToken').child('expirationSeconds')), secs, 'may not specify a duration larger than 2^32 seconds'));
      if (!t.path) errs.push(required(p(path.child('path'))));
      else errs.push(...validateLocalNonReservedPath(str(t.path), path.child('path')));
    }
    if (isObj(src.clusterTrustBundle)) {
      n++;
      const ctb = src.clusterTrustBundle;
      if (!ctb.path) errs.push(required(p(sp.child('clusterTrustBundle').child('path'))));
      track(str(ctb.path), str(ctb.path));
    }
    if (n > 1) errs.push(forbidden(p(sp), 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

/** Upstream's checking order, which decides which source the "more than 1" error names. */
const VOLUME_SOURCE_ORDER = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap',
  'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO',
  'csi', 'ephemeral', 'image',
];

function validateVolumeSource(v: Obj, path: FieldPath, podMeta: ObjectMeta | undefined, opts: PodValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  let num = 0;
  for (const kind of VOLUME_SOURCE_ORDER) {
    const src = v[kind];
    if (!hasValue(src)) continue;
    // upstream misspells this one path
    const errPath = path.child(kind === 'downwardAPI' ? 'downwarAPI' : kind === 'cephfs' ? 'cephFS' : kind);
    if (num > 0) {
      errs.push(forbidden(p(errPath), 'may not specify more than 1 volume type'));
      continue;
    }
    num++;
    const s: Obj = isObj(src) ? src : {};
    const sp = path.child(kind);
    switch (kind) {
      case 'emptyDir':
        if (hasValue(s.sizeLimit) && String(s.sizeLimit).startsWith('-')) errs.push(forbidden(p(sp.child('sizeLimit')), 'SizeLimit field must be a valid resource quantity'));
        break;
      case 'hostPath':
        if (!s.path) { errs.push(required(p(sp.child('path')))); break; }
        errs.push(...validatePathNoBacksteps(str(s.path), sp.child('path')));
        if (hasValue(s.type) && !HOST_PATH_TYPES.includes(s.type)) errs.push(notSupported(p(sp.child('type')), s.type, HOST_PATH_TYPES));
        break;
      case 'secret':
        if (!s.secretName) errs.push(required(p(sp.child('secretName'))));
        errs.push(...validateFileMode(s.defaultMode, sp.child('defaultMode')));
        arr(s.items).forEach((kp, i) => errs.push(...validateKeyToPath(kp, sp.child('items').index(i))));
        break;
      case 'configMap':
        if (!s.name) errs.push(required(p(sp.child('name'))));
        errs.push(...validateFileMode(s.defaultMode, sp.child('defaultMode')));
        arr(s.items).forEach((kp, i) => errs.push(...validateKeyToPath(kp, sp.child('items').index(i))));
        break;
      case 'persistentVolumeClaim':
        if (!s.claimName) errs.push(required(p(sp.child('claimName'))));
        break;
      case 'downwardAPI':
        errs.push(...validateFileMode(s.defaultMode, sp.child('defaultMode')));
        for (const f of arr(s.items)) errs.push(...validateDownwardAPIFile(f, sp));
        break;
      case 'projected':
        errs.push(...validateProjected(s, sp, opts));
        break;
      case 'nfs':
        if (!s.server) errs.push(required(p(sp.child('server'))));
        if (!s.path) errs.push(required(p(sp.child('path'))));
        if (!str(s.path).startsWith('/')) errs.push(invalid(p(sp.child('path')), str(s.path), 'must be an absolute path'));
        break;
      case 'gitRepo':
        if (!s.repository) errs.push(required(p(sp.child('repository'))));
        errs.push(...validateLocalDescendingPath(str(s.directory), sp.child('directory')));
        break;
      case 'csi':
        if (!s.driver) errs.push(required(p(sp.child('driver'))));
        else errs.push(...isDNS1123Subdomain(str(s.driver).toLowerCase()).map((m) => invalid(p(sp.child('driver')), s.driver, m)));
        break;
      case 'ephemeral':
        if (!isObj(s.volumeClaimTemplate)) errs.push(required(p(sp.child('volumeClaimTemplate'))));
        else {
          const t = s.volumeClaimTemplate;
          const tm = isObj(t.metadata) ? t.metadata : {};
          errs.push(...validateAnnotations(tm.annotations, sp.child('volumeClaimTemplate').child('metadata').child('annotations')));
          errs.push(...validateLabels(tm.labels, sp.child('volumeClaimTemplate').child('metadata').child('labels')));
          errs.push(...validatePersistentVolumeClaimSpec(isObj(t.spec) ? t.spec : {}, sp.child('volumeClaimTemplate').child('spec')));
          if (podMeta?.name && v.name) {
            const pvcName = `${podMeta.name}-${v.name}`;
            for (const m of nameIsDNSSubdomain(pvcName, false)) errs.push(invalid(p(path.child('name')), v.name, `PVC name ${JSON.stringify(pvcName)}: ${m}`));
          }
        }
        break;
      case 'image':
        if (!s.reference) errs.push(required(p(sp.child('reference'))));
        break;
      default:
        break;
    }
  }
  if (num === 0) errs.push(required(p(path), 'must specify a volume type'));
  return errs;
}

/** ValidateVolumes: returns the valid volumes by name and the errors. */
export function validateVolumes(volumes: Obj[], podMeta: ObjectMeta | undefined, path: FieldPath, opts: PodValidationOptions = {}): { vols: Map<string, Obj>; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const vols = new Map<string, Obj>();
  const createdPVCs = new Set<string>();
  if (podMeta?.name) for (const v of volumes) if (isObj(v.ephemeral)) createdPVCs.add(`${podMeta.name}-${v.name}`);
  volumes.forEach((v, i) => {
    const ip = path.index(i);
    const el = validateVolumeSource(v, ip, podMeta, opts);
    const name = str(v.name);
    if (!name) el.push(required(p(ip.child('name'))));
    else el.push(...dns1123Label(name, ip.child('name')));
    if (vols.has(name)) el.push(duplicate(p(ip.child('name')), name));
    if (el.length === 0) vols.set(name, v);
    else errs.push(...el);
    if (isObj(v.persistentVolumeClaim) && createdPVCs.has(str(v.persistentVolumeClaim.claimName))) {
      errs.push(invalid(p(ip.child('persistentVolumeClaim').child('claimName')), v.persistentVolumeClaim.claimName, 'must not reference a PVC that gets created for an ephemeral volume'));
    }
  });
  return { vols, errs };
}

// ---- persistent volume claim spec (shared with PVC kind and ephemeral volumes) ----

export const SUPPORTED_ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const SUPPORTED_VOLUME_MODES = ['Block', 'Filesystem'];

export function validateAccessModes(modes: unknown[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let rwop = false, other = false;
  for (const m of modes) {
    if (!SUPPORTED_ACCESS_MODES.includes(m as string)) errs.push(notSupported(p(path), m, SUPPORTED_ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (SUPPORTED_ACCESS_MODES.includes(m as string)) other = true;
  }
  if (rwop && other) errs.push(forbidden(p(path), 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

export function validatePersistentVolumeClaimSpec(spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const modes = arr<unknown>(spec.accessModes);
  if (modes.length === 0) errs.push(required(p(path.child('accessModes')), 'at least 1 access mode is required'));
  if (isObj(spec.selector)) errs.push(...validateLabelSelector(spec.selector, {}, path.child('selector')));
  errs.push(...validateAccessModes(modes, path.child('accessModes')));
  const reqs = isObj(spec.resources) && isObj(spec.resources.requests) ? spec.resources.requests : {};
  const storagePath = path.child('resources').key('storage');
  if (!('storage' in reqs)) {
    errs.push(required(p(storagePath)));
  } else {
    const raw = reqs.storage;
    let q = null;
    try { q = (typeof raw === 'string' || typeof raw === 'number') ? parseQ(String(raw)) : null; } catch (e) { errs.push(invalid(p(storagePath), raw, (e as Error).message)); }
    if (q) {
      if (q.sign() <= 0) errs.push(invalid(p(storagePath), q.toString(), 'must be greater than zero'));
    }
  }
  if (spec.storageClassName) errs.push(...nameIsDNSSubdomain(str(spec.storageClassName), false).map((m) => invalid(p(path.child('storageClassName')), spec.storageClassName, m)));
  if (hasValue(spec.volumeMode) && !SUPPORTED_VOLUME_MODES.includes(spec.volumeMode)) errs.push(notSupported(p(path.child('volumeMode')), spec.volumeMode, SUPPORTED_VOLUME_MODES));
  for (const key of ['dataSource', 'dataSourceRef'] as const) {
    const ds = spec[key];
    if (!isObj(ds)) continue;
    const dp = path.child(key);
    if (!ds.name) errs.push(required(p(dp.child('name'))));
    if (!ds.kind) errs.push(required(p(dp.child('kind'))));
    const group = str(ds.apiGroup);
    if (!group && ds.kind !== 'PersistentVolumeClaim') errs.push(invalid(p(dp), str(ds.kind), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
    if (group) errs.push(...dns1123Subdomain(group, dp.child('apiGroup')));
    if (key === 'dataSourceRef' && ds.namespace) errs.push(...validateNamespaceName(str(ds.namespace), false).map((m) => invalid(p(dp.child('namespace')), ds.namespace, m)));
  }
  if (spec.volumeAttributesClassName) errs.push(...nameIsDNSSubdomain(str(spec.volumeAttributesClassName), false).map((m) => invalid(p(path.child('volumeAttributesClassName')), spec.volumeAttributesClassName, m)));
  return errs;
}


// ---- containers ----

function validateContainerPorts(ports: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const ip = path.index(i);
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) errs.push(...msgs.map((m) => invalid(p(ip.child('name')), name, m)));
      else if (names.has(name)) errs.push(duplicate(p(ip.child('name')), name));
      else names.add(name);
    }
    if (!port.containerPort) errs.push(required(p(ip.child('containerPort'))));
    else errs.push(...isValidPortNum(port.containerPort).map((m) => invalid(p(ip.child('containerPort')), port.containerPort, m)));
    if (port.hostPort) errs.push(...isValidPortNum(port.hostPort).map((m) => invalid(p(ip.child('hostPort')), port.hostPort, m)));
    if (!port.protocol) errs.push(required(p(ip.child('protocol'))));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(port.protocol)) errs.push(notSupported(p(ip.child('protocol')), port.protocol, SUPPORTED_PORT_PROTOCOLS));
  });
  return errs;
}

function validateEnv(vars: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  vars.forEach((ev, i) => {
    const ip = path.index(i);
    const name = str(ev.name);
    if (!name) errs.push(required(p(ip.child('name'))));
    else errs.push(...isRelaxedEnvVarName(name).map((m) => invalid(p(ip.child('name')), name, m)));
    errs.push(...validateEnvVarValueFrom(ev, ip.child('valueFrom')));
  });
  return errs;
}

function validateKeySelector(s: Obj, path: FieldPath): FieldError[] {
  const errs = nameIsDNSSubdomain(str(s.name), false).map((m) => invalid(p(path.child('name')), str(s.name), m));
  if (!s.key) errs.push(required(p(path.child('key'))));
  else errs.push(...isConfigMapKey(str(s.key)).map((m) => invalid(p(path.child('key')), s.key, m)));
  return errs;
}

function validateEnvVarValueFrom(ev: Obj, path: FieldPath): FieldError[] {
  const vf = ev.valueFrom;
  if (!isObj(vf)) return [];
  const errs: FieldError[] = [];
  let n = 0;
  if (isObj(vf.fieldRef)) { n++; errs.push(...validateObjectFieldSelector(vf.fieldRef, ENV_DOWNWARD_FIELDS, path.child('fieldRef'))); }
  if (isObj(vf.resourceFieldRef)) { n++; errs.push(...validateResourceFieldSelector(vf.resourceFieldRef, path.child('resourceFieldRef'), false)); }
  if (isObj(vf.configMapKeyRef)) { n++; errs.push(...validateKeySelector(vf.configMapKeyRef, path.child('configMapKeyRef'))); }
  if (isObj(vf.secretKeyRef)) { n++; errs.push(...validateKeySelector(vf.secretKeyRef, path.child('secretKeyRef'))); }
  if (n === 0) errs.push(invalid(p(path), '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (str(ev.value) !== '') errs.push(invalid(p(path), '', 'may not be specified when `value` is not empty'));
  else if (n > 1) errs.push(invalid(p(path), '', 'may not have more than one field specified at a time'));
  return errs;
}

function validateEnvFrom(vars: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  vars.forEach((ev, i) => {
    const ip = path.index(i);
    if (ev.prefix) errs.push(...isRelaxedEnvVarName(str(ev.prefix)).map((m) => invalid(p(ip.child('prefix')), ev.prefix, m)));
    let n = 0;
    for (const k of ['configMapRef', 'secretRef'] as const) {
      if (!isObj(ev[k])) continue;
      n++;
      const name = str(ev[k].name);
      if (!name) errs.push(required(p(ip.child(k).child('name'))));
      else errs.push(...nameIsDNSSubdomain(name, true).map((m) => invalid(p(ip.child(k).child('name')), name, m)));
    }
    if (n === 0) errs.push(invalid(p(path), '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(invalid(p(path), '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateVolumeMounts(c: Obj, vols: Map<string, Obj>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const mountpoints = new Set<string>();
  const devices = new Map(arr(c.volumeDevices).map((d) => [str(d.name), str(d.devicePath)]));
  const privileged = isObj(c.securityContext) && c.securityContext.privileged === true;
  arr(c.volumeMounts).forEach((m, i) => {
    const ip = path.index(i);
    const name = str(m.name), mountPath = str(m.mountPath);
    if (!name) errs.push(required(p(ip.child('name'))));
    if (!vols.has(name)) errs.push(notFound(p(ip.child('name')), name));
    if (!mountPath) errs.push(required(p(ip.child('mountPath'))));
    if (mountpoints.has(mountPath)) errs.push(invalid(p(ip.child('mountPath')), mountPath, 'must be unique'));
    mountpoints.add(mountPath);
    if (devices.has(name)) errs.push(invalid(p(ip.child('name')), name, 'must not already exist in volumeDevices'));
    if ([...devices.values()].includes(mountPath)) errs.push(invalid(p(ip.child('mountPath')), mountPath, 'must not already exist as a path in volumeDevices'));
    if (m.subPath) errs.push(...validateLocalDescendingPath(str(m.subPath), path.child('subPath')));
    if (m.subPathExpr) {
      if (m.subPath) errs.push(invalid(p(ip.child('subPathExpr')), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(str(m.subPathExpr), path.child('subPathExpr')));
    }
    if (hasValue(m.mountPropagation)) {
      const supported = ['Bidirectional', 'HostToContainer', 'None'];
      if (!supported.includes(m.mountPropagation)) errs.push(notSupported(p(path.child('mountPropagation')), m.mountPropagation, supported));
      if (m.mountPropagation === 'Bidirectional' && !privileged) errs.push(forbidden(p(path.child('mountPropagation')), 'Bidirectional mount propagation is available only to privileged containers'));
    }
    if (hasValue(m.recursiveReadOnly)) {
      const rp = path.child('recursiveReadOnly');
      if (m.recursiveReadOnly === 'Enabled' || m.recursiveReadOnly === 'IfPossible') {
        if (!m.readOnly) errs.push(forbidden(p(rp), 'may only be specified when readOnly is true'));
        if (hasValue(m.mountPropagation) && m.mountPropagation !== 'None') errs.push(forbidden(p(rp), 'may only be specified when mountPropagation is None or not specified'));
      } else if (m.recursiveReadOnly !== 'Disabled') {
        errs.push(notSupported(p(rp), m.recursiveReadOnly, ['Disabled', 'Enabled', 'IfPossible']));
      }
    }
  });
  return errs;
}

function validateVolumeDevices(c: Obj, vols: Map<string, Obj>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>(), names = new Set<string>();
  const mounts = new Map(arr(c.volumeMounts).map((m) => [str(m.name), str(m.mountPath)]));
  arr(c.volumeDevices).forEach((d, i) => {
    const ip = path.index(i);
    const name = str(d.name), devPath = str(d.devicePath);
    const vol = vols.get(name);
    if (!name) errs.push(required(p(ip.child('name'))));
    if (names.has(name)) errs.push(invalid(p(ip.child('name')), name, 'must be unique'));
    if (vol && !isObj(vol.persistentVolumeClaim) && !isObj(vol.ephemeral)) errs.push(invalid(p(ip.child('name')), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    if (!vol) errs.push(notFound(p(ip.child('name')), name));
    if (!devPath) errs.push(required(p(ip.child('devicePath'))));
    if (paths.has(devPath)) errs.push(invalid(p(ip.child('devicePath')), devPath, 'must be unique'));
    if (devPath && validatePathNoBacksteps(devPath, ip).length) errs.push(invalid(p(ip.child('devicePath')), devPath, "can not contain backsteps ('..')"));
    else paths.add(devPath);
    if (mounts.has(name)) errs.push(invalid(p(ip.child('name')), name, 'must not already exist in volumeMounts'));
    if ([...mounts.values()].includes(devPath)) errs.push(invalid(p(ip.child('devicePath')), devPath, 'must not already exist as a path in volumeMounts'));
    if (name) names.add(name);
  });
  return errs;
}

function validatePortNumOrName(port: unknown, path: FieldPath): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(p(path), port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(p(path), port, m));
  return isValidPortNum(0).map((m) => invalid(p(path), 0, m));
}

function validateHandler(h: Obj, gracePeriod: number | undefined, path: FieldPath, allowSleep: boolean, allowGRPC: boolean): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  const kinds = ['exec', 'httpGet', 'tcpSocket', ...(allowGRPC ? ['grpc'] : []), ...(allowSleep ? ['sleep'] : [])];
  for (const k of kinds) {
    if (!isObj(h[k])) continue;
    if (n > 0) { errs.push(forbidden(p(path.child(k)), 'may not specify more than 1 handler type')); continue; }
    n++;
    const a = h[k];
    const ap = path.child(k);
    if (k === 'exec' && arr(a.command).length === 0) errs.push(required(p(ap.child('command'))));
    if (k === 'httpGet') {
      if (!a.path) errs.push(required(p(ap.child('path'))));
      errs.push(...validatePortNumOrName(a.port, ap.child('port')));
      if (!['HTTP', 'HTTPS'].includes(a.scheme)) errs.push(notSupported(p(ap.child('scheme')), a.scheme ?? '', ['HTTP', 'HTTPS']));
      for (const hd of arr(a.httpHeaders)) errs.push(...isHTTPHeaderName(str(hd.name)).map((m) => invalid(p(ap.child('httpHeaders')), str(hd.name), m)));
    }
    if (k === 'tcpSocket') errs.push(...validatePortNumOrName(a.port, ap.child('port')));
    if (k === 'grpc') errs.push(...validatePortNumOrName(typeof a.port === 'number' ? a.port : 0, ap.child('port')));
    if (k === 'sleep' && gracePeriod !== undefined) {
      const secs = typeof a.seconds === 'number' ? a.seconds : 0;
      if (secs < 0 || secs > gracePeriod) errs.push(invalid(p(ap), secs, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`));
    }
  }
  if (n === 0) errs.push(required(p(path), 'must specify a handler type'));
  return errs;
}

function validateProbe(probe: unknown, gracePeriod: number | undefined, path: FieldPath, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  if (!isObj(probe)) return [];
  const errs = validateHandler(probe, gracePeriod, path, false, true);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...validateNonnegativeField(typeof probe[f] === 'number' ? probe[f] : 0, path.child(f)));
  }
  if (hasValue(probe.terminationGracePeriodSeconds) && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(invalid(p(path.child('terminationGracePeriodSeconds')), probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  if (kind !== 'readiness' && probe.successThreshold !== 1) errs.push(invalid(p(path.child('successThreshold')), probe.successThreshold ?? 0, 'must be 1'));
  if (kind === 'readiness' && hasValue(probe.terminationGracePeriodSeconds)) {
    errs.push(invalid(p(path.child('terminationGracePeriodSeconds')), probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return errs;
}

function validateLifecycle(lc: Obj, gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isObj(lc.postStart)) errs.push(...validateHandler(lc.postStart, gracePeriod, path.child('postStart'), true, false));
  if (isObj(lc.preStop)) errs.push(...validateHandler(lc.preStop, gracePeriod, path.child('preStop'), true, false));
  return errs;
}

/** A user or group id of a (pod) security context, checked when set. */
function validateIdField(sc: Obj, key: string, check: (id: number) => string[], path: FieldPath): FieldError[] {
  const id = sc[key];
  return typeof id === 'number' ? check(id).map((m) => invalid(p(path.child(key)), id, m)) : [];
}

function validateSecurityContext(sc: unknown, path: FieldPath): FieldError[] {
  if (!isObj(sc)) return [];
  const errs = [...validateIdField(sc, 'runAsUser', isValidUserID, path), ...validateIdField(sc, 'runAsGroup', isValidGroupID, path)];
  if (hasValue(sc.procMount) && !['Default', 'Unmasked'].includes(sc.procMount)) errs.push(notSupported(p(path.child('procMount')), sc.procMount, ['Default', 'Unmasked']));
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child('seccompProfile')));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.push(invalid(p(path), sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    if (isObj(sc.capabilities) && arr<string>(sc.capabilities.add).includes('CAP_SYS_ADMIN')) {
      errs.push(invalid(p(path), sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  return errs;
}

function validateSeccompProfile(sp: unknown, path: FieldPath): FieldError[] {
  if (!isObj(sp)) return [];
  const errs: FieldError[] = [];
  const types = ['Localhost', 'RuntimeDefault', 'Unconfined'];
  if (!sp.type) errs.push(required(p(path.child('type')), 'type is required when seccompProfile is set'));
  else if (!types.includes(sp.type)) errs.push(notSupported(p(path.child('type')), sp.type, types));
  if (sp.type === 'Localhost') {
    if (!hasValue(sp.localhostProfile)) errs.push(required(p(path.child('localhostProfile')), 'must be set when seccomp type is Localhost'));
    else errs.push(...validateLocalDescendingPath(str(sp.localhostProfile), path.child('localhostProfile')));
  } else if (hasValue(sp.localhostProfile)) {
    errs.push(invalid(p(path.child('localhostProfile')), sp, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

function validatePullPolicy(policy: unknown, path: FieldPath): FieldError[] {
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return [];
  if (!policy) return [required(p(path))];
  return [notSupported(p(path), policy, ['Always', 'IfNotPresent', 'Never'])];
}

function validateResizePolicy(list: Obj[], path: FieldPath, podRestartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list.forEach((rp, i) => {
    if (seen.has(rp.resourceName)) errs.push(duplicate(p(path.index(i)), rp.resourceName));
    seen.add(rp.resourceName);
    if (!rp.resourceName) errs.push(required(p(path)));
    else if (!['cpu', 'memory'].includes(rp.resourceName)) errs.push(notSupported(p(path), rp.resourceName, ['cpu', 'memory']));
    if (!rp.restartPolicy) errs.push(required(p(path)));
    else if (!['NotRequired', 'RestartContainer'].includes(rp.restartPolicy)) errs.push(notSupported(p(path), rp.restartPolicy, ['NotRequired', 'RestartContainer']));
    if (podRestartPolicy === 'Never' && rp.restartPolicy !== 'NotRequired') errs.push(invalid(p(path), rp.restartPolicy ?? '', "must be 'NotRequired' when `restartPolicy` is 'Never'"));
  });
  return errs;
}

function validateContainerCommon(c: Obj, vols: Map<string, Obj>, claims: Set<string>, path: FieldPath, podRestartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (!name) errs.push(required(p(path.child('name'))));
  else errs.push(...dns1123Label(name, path.child('name')));
  if (!c.image) errs.push(required(p(path.child('image'))));
  const tmp = c.terminationMessagePolicy;
  if (!tmp) errs.push(required(p(path.child('terminationMessagePolicy'))));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs.push(notSupported(p(path.child('terminationMessagePolicy')), tmp, ['File', 'FallbackToLogsOnError']));
  errs.push(...validateContainerPorts(arr(c.ports), path.child('ports')));
  errs.push(...validateEnv(arr(c.env), path.child('env')));
  errs.push(...validateEnvFrom(arr(c.envFrom), path.child('envFrom')));
  errs.push(...validateVolumeMounts(c, vols, path.child('volumeMounts')));
  errs.push(...validateVolumeDevices(c, vols, path.child('volumeDevices')));
  errs.push(...validatePullPolicy(c.imagePullPolicy, path.child('imagePullPolicy')));
  errs.push(...validateContainerResources(c.resources, claims, path.child('resources')));
  errs.push(...validateResizePolicy(arr(c.resizePolicy), path.child('resizePolicy'), podRestartPolicy));
  errs.push(...validateSecurityContext(c.securityContext, path.child('securityContext')));
  return errs;
}

function hostPortConflicts(containers: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    arr(c.ports).forEach((port, pi) => {
      if (!port.hostPort) return;
      const key = `${port.protocol ?? ''}/${port.hostIP ?? ''}/${port.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(p(path.index(ci).child('ports').index(pi).child('hostPort')), key));
      else seen.add(key);
    });
  });
  return errs;
}

function validateContainers(containers: Obj[], vols: Map<string, Obj>, claims: Set<string>, grace: number | undefined, path: FieldPath, podRestartPolicy: string): FieldError[] {
  if (containers.length === 0) return [required(p(path))];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const cp = path.index(i);
    errs.push(...validateContainerCommon(c, vols, claims, cp, podRestartPolicy));
    if (names.has(str(c.name))) errs.push(duplicate(p(cp.child('name')), str(c.name)));
    else names.add(str(c.name));
    if (isObj(c.lifecycle)) errs.push(...validateLifecycle(c.lifecycle, grace, cp.child('lifecycle')));
    errs.push(...validateProbe(c.livenessProbe, grace, cp.child('livenessProbe'), 'liveness'));
    errs.push(...validateProbe(c.readinessProbe, grace, cp.child('readinessProbe'), 'readiness'));
    errs.push(...validateProbe(c.startupProbe, grace, cp.child('startupProbe'), 'startup'));
    if (hasValue(c.restartPolicy)) errs.push(forbidden(p(cp.child('restartPolicy')), 'may not be set for non-init containers'));
  });
  errs.push(...hostPortConflicts(containers, path));
  return errs;
}

function validateInitContainers(inits: Obj[], regular: Obj[], vols: Map<string, Obj>, claims: Set<string>, grace: number | undefined, path: FieldPath, podRestartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(regular.map((c) => str(c.name)));
  inits.forEach((c, i) => {
    const cp = path.index(i);
    errs.push(...validateContainerCommon(c, vols, claims, cp, podRestartPolicy));
    let restartAlways = false;
    if (hasValue(c.restartPolicy)) {
      if (c.restartPolicy !== 'Always') errs.push(notSupported(p(cp.child('restartPolicy')), c.restartPolicy, ['Always']));
      restartAlways = c.restartPolicy === 'Always';
    }
    if (names.has(str(c.name))) errs.push(duplicate(p(cp.child('name')), str(c.name)));
    else if (c.name) names.add(str(c.name));
    errs.push(...hostPortConflicts([c], path));
    if (restartAlways) {
      if (isObj(c.lifecycle)) errs.push(...validateLifecycle(c.lifecycle, grace, cp.child('lifecycle')));
      errs.push(...validateProbe(c.livenessProbe, grace, cp.child('livenessProbe'), 'liveness'));
      errs.push(...validateProbe(c.readinessProbe, grace, cp.child('readinessProbe'), 'readiness'));
      errs.push(...validateProbe(c.startupProbe, grace, cp.child('startupProbe'), 'startup'));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (hasValue(c[f])) errs.push(forbidden(p(cp.child(f)), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

const EPHEMERAL_FORBIDDEN = ['ports', 'resources', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resizePolicy', 'restartPolicy'];

function validateEphemeralContainers(eph: Obj[], containers: Obj[], inits: Obj[], vols: Map<string, Obj>, claims: Set<string>, path: FieldPath, podRestartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const other = new Set([...containers, ...inits].map((c) => str(c.name)));
  const all = new Set(other);
  eph.forEach((ec, i) => {
    const ip = path.index(i);
    errs.push(...validateContainerCommon(ec, vols, claims, ip, podRestartPolicy));
    errs.push(...imageWhitespace(ec, ip));
    if (all.has(str(ec.name))) errs.push(duplicate(p(ip.child('name')), str(ec.name)));
    else all.add(str(ec.name));
    if (ec.targetContainerName && !other.has(ec.targetContainerName)) errs.push(notFound(p(ip.child('targetContainerName')), ec.targetContainerName));
    for (const f of EPHEMERAL_FORBIDDEN) {
      const v = ec[f];
      const set = Array.isArray(v) ? v.length > 0 : isObj(v) ? Object.keys(v).length > 0 : hasValue(v);
      if (set) errs.push(forbidden(p(ip.child(f)), 'cannot be set for an Ephemeral Container'));
    }
    arr(ec.volumeMounts).forEach((vm, j) => {
      for (const f of ['subPath', 'subPathExpr']) if (vm[f]) errs.push(forbidden(p(ip.child('volumeMounts').index(j).child(f)), 'cannot be set for an Ephemeral Container'));
    });
  });
  return errs;
}

function imageWhitespace(c: Obj, path: FieldPath): FieldError[] {
  const image = str(c.image);
  return image.length !== image.trim().length ? [invalid(p(path.child('image')), image, 'must not have leading or trailing whitespace')] : [];
}

// ---- pod-level fields ----

function validateRestartPolicy(v: unknown, path: FieldPath): FieldError[] {
  if (v === 'Always' || v === 'OnFailure' || v === 'Never') return [];
  if (!v) return [required(p(path))];
  return [notSupported(p(path), v, ['Always', 'OnFailure', 'Never'])];
}

function validateDNSPolicy(v: unknown, path: FieldPath): FieldError[] {
  const valid = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (valid.includes(v as string)) return [];
  if (!v) return [required(p(path))];
  return [notSupported(p(path), v, valid)];
}

function validatePodDNSConfig(cfg: unknown, dnsPolicy: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (dnsPolicy === 'None') {
    if (!isObj(cfg)) return [required(p(path), 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (arr(cfg.nameservers).length === 0) return [required(p(path.child('nameservers')), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!isObj(cfg)) return errs;
  const ns = arr<string>(cfg.nameservers);
  if (ns.length > 3) errs.push(invalid(p(path.child('nameservers')), ns, 'must not have more than 3 nameservers'));
  ns.forEach((n, i) => errs.push(...isValidIP(p(path.child('nameservers').index(i)), n)));
  const searches = arr<string>(cfg.searches);
  if (searches.length > 32) errs.push(invalid(p(path.child('searches')), searches, 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) errs.push(invalid(p(path.child('searches')), searches, 'must not have more than 2048 characters (including spaces) in the search list'));
  searches.forEach((s, i) => {
    if (s === '.') return;
    const t = s.replace(/\.$/, '');
    // RelaxedDNSSearchValidation (beta, on in 1.33) allows underscores
    const re = /^_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*$/;
    if (t.length > 253) errs.push(invalid(p(path.child('searches').index(i)), t, 'must be no more than 253 characters'));
    if (!re.test(t)) {
      errs.push(invalid(p(path.child('searches').index(i)), t, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
    }
  });
  arr(cfg.options).forEach((o, i) => { if (!o.name) errs.push(required(p(path.child('options').index(i)), 'must not be empty')); });
  return errs;
}

export function validateTolerations(tols: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  tols.forEach((t, i) => {
    const ip = path.index(i);
    const key = str(t.key), op = str(t.operator), effect = str(t.effect), value = str(t.value);
    if (key) errs.push(...validateLabelName(key, ip.child('key')));
    if (!key && op !== 'Exists') errs.push(invalid(p(ip.child('operator')), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (hasValue(t.tolerationSeconds) && effect !== 'NoExecute') errs.push(invalid(p(ip.child('effect')), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (op === 'Equal' || op === '') {
      const ve = isValidLabelValue(value);
      if (ve.length) errs.push(invalid(p(ip.child('operator')), value, ve.join(';')));
    } else if (op === 'Exists') {
      if (value) errs.push(invalid(p(ip.child('operator')), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(p(ip.child('operator')), op, ['Equal', 'Exists']));
    }
    if (effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) {
      errs.push(notSupported(p(ip.child('effect')), effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
  });
  return errs;
}

function validateNodeSelectorRequirement(rq: Obj, allowInvalidValues: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = arr<string>(rq.values);
  switch (rq.operator) {
    case 'In': case 'NotIn':
      if (!values.length) errs.push(required(p(path.child('values')), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists': case 'DoesNotExist':
      if (values.length) errs.push(forbidden(p(path.child('values')), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt': case 'Lt':
      if (values.length !== 1) errs.push(required(p(path.child('values')), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(p(path.child('operator')), rq.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(rq.key), path.child('key')));
  if (!allowInvalidValues) values.forEach((v, i) => errs.push(...isValidLabelValue(v).map((m) => invalid(p(path.child('values').index(i)), v, m))));
  return errs;
}

export function validateNodeSelectorTerm(term: Obj, allowInvalidValues: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(term.matchExpressions).forEach((r, j) => errs.push(...validateNodeSelectorRequirement(r, allowInvalidValues, path.child('matchExpressions').index(j))));
  arr(term.matchFields).forEach((r, j) => {
    const fp = path.child('matchFields').index(j);
    if (r.operator === 'In' || r.operator === 'NotIn') {
      if (arr(r.values).length !== 1) errs.push(required(p(fp.child('values')), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    } else errs.push(invalid(p(fp.child('operator')), r.operator ?? '', 'not a valid selector operator'));
    if (r.key !== 'metadata.name') errs.push(invalid(p(fp.child('key')), r.key ?? '', 'not a valid field selector key'));
    else arr<string>(r.values).forEach((v, i) => errs.push(...nameIsDNSSubdomain(v, false).map((m) => invalid(p(fp.child('values').index(i)), v, m))));
  });
  return errs;
}

export function validateNodeSelector(ns: Obj, path: FieldPath): FieldError[] {
  const terms = arr(ns.nodeSelectorTerms);
  if (!terms.length) return [required(p(path.child('nodeSelectorTerms')), 'must have at least one node selector term')];
  return terms.flatMap((t, i) => validateNodeSelectorTerm(t, false, path.child('nodeSelectorTerms').index(i)));
}

function validatePodAffinityTerm(term: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isObj(term.labelSelector)) errs.push(...validateLabelSelector(term.labelSelector, {}, path.child('labelSelector')));
  if (isObj(term.namespaceSelector)) errs.push(...validateLabelSelector(term.namespaceSelector, {}, path.child('namespaceSelector')));
  for (const n of arr<string>(term.namespaces)) errs.push(...validateNamespaceName(n, false).map((m) => invalid(p(path.child('namespace')), n, m)));
  if (!term.topologyKey) errs.push(required(p(path.child('topologyKey')), 'can not be empty'));
  errs.push(...validateLabelName(str(term.topologyKey), path.child('topologyKey')));
  return errs;
}

function validateAffinity(aff: unknown, path: FieldPath): FieldError[] {
  if (!isObj(aff)) return [];
  const errs: FieldError[] = [];
  const na = aff.nodeAffinity;
  if (isObj(na)) {
    const np = path.child('nodeAffinity');
    if (isObj(na.requiredDuringSchedulingIgnoredDuringExecution)) errs.push(...validateNodeSelector(na.requiredDuringSchedulingIgnoredDuringExecution, np.child('requiredDuringSchedulingIgnoredDuringExecution')));
    arr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const tp = np.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      if (!(t.weight > 0 && t.weight <= 100)) errs.push(invalid(p(tp.child('weight')), t.weight ?? 0, 'must be in the range 1-100'));
      errs.push(...validateNodeSelectorTerm(isObj(t.preference) ? t.preference : {}, true, tp.child('preference')));
    });
  }
  for (const k of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = aff[k];
    if (!isObj(pa)) continue;
    const pp = path.child(k);
    arr(pa.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => errs.push(...validatePodAffinityTerm(t, pp.child('requiredDuringSchedulingIgnoredDuringExecution').index(i))));
    arr(pa.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const tp = pp.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      if (!(t.weight > 0 && t.weight <= 100)) errs.push(invalid(p(tp.child('weight')), t.weight ?? 0, 'must be in the range 1-100'));
      errs.push(...validatePodAffinityTerm(isObj(t.podAffinityTerm) ? t.podAffinityTerm : {}, tp.child('podAffinityTerm')));
    });
  }
  return errs;
}

function validateTopologySpreadConstraints(list: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list.forEach((c, i) => {
    const cp = path.index(i);
    if (!(c.maxSkew > 0)) errs.push(invalid(p(cp.child('maxSkew')), c.maxSkew ?? 0, 'must be greater than zero'));
    if (!c.topologyKey) errs.push(required(p(cp.child('topologyKey')), 'can not be empty'));
    else errs.push(...validateLabelName(str(c.topologyKey), cp.child('topologyKey')));
    if (!['DoNotSchedule', 'ScheduleAnyway'].includes(c.whenUnsatisfiable)) errs.push(notSupported(p(cp.child('whenUnsatisfiable')), c.whenUnsatisfiable ?? '', ['DoNotSchedule', 'ScheduleAnyway']));
    for (const rest of list.slice(i + 1)) {
      if (rest.topologyKey === c.topologyKey && rest.whenUnsatisfiable === c.whenUnsatisfiable) {
        errs.push(duplicate(p(cp.child('{topologyKey, whenUnsatisfiable}')), `{${c.topologyKey}, ${c.whenUnsatisfiable}}`));
        break;
      }
    }
    if (hasValue(c.minDomains)) {
      if (c.minDomains <= 0) errs.push(invalid(p(cp.child('minDomains')), c.minDomains, 'must be greater than zero'));
      if (c.whenUnsatisfiable !== 'DoNotSchedule') errs.push(invalid(p(cp.child('minDomains')), c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${c.whenUnsatisfiable ?? ''}`));
    }
    if (isObj(c.labelSelector)) errs.push(...validateLabelSelector(c.labelSelector, {}, cp.child('labelSelector')));
  });
  return errs;
}

function validatePodSecurityContext(sc: unknown, path: FieldPath): FieldError[] {
  if (!isObj(sc)) return [];
  const errs = [
    ...validateIdField(sc, 'fsGroup', isValidGroupID, path),
    ...validateIdField(sc, 'runAsUser', isValidUserID, path),
    ...validateIdField(sc, 'runAsGroup', isValidGroupID, path),
  ];
  arr<number>(sc.supplementalGroups).forEach((g, i) => errs.push(...isValidGroupID(g).map((m) => invalid(p(path.child('supplementalGroups').index(i)), g, m))));
  if (hasValue(sc.fsGroupChangePolicy) && !['Always', 'OnRootMismatch'].includes(sc.fsGroupChangePolicy)) {
    errs.push(notSupported(p(path.child('fsGroupChangePolicy')), sc.fsGroupChangePolicy, ['Always', 'OnRootMismatch']));
  }
  const seen = new Set<string>();
  arr(sc.sysctls).forEach((s, i) => {
    const np = path.child('sysctls').index(i).child('name');
    const name = str(s.name);
    if (!name) errs.push(required(p(np)));
    else if (name.length > 253 || !/^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/.test(name)) {
      errs.push(invalid(p(np), name, 'must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$'));
    } else if (seen.has(name)) errs.push(duplicate(p(np), name));
    seen.add(name);
  });
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child('seccompProfile')));
  return errs;
}

/** ValidatePodSpec. `meta` is the pod's metadata when the spec belongs to a real Pod. */
export function validatePodSpec(spec: Obj | undefined, meta: ObjectMeta | undefined, path: FieldPath, opts: PodValidationOptions = {}): FieldError[] {
  const s: Obj = isObj(spec) ? spec : {};
  const errs: FieldError[] = [];
  if (!hasValue(s.terminationGracePeriodSeconds)) errs.push(required(p(path.child('terminationGracePeriodSeconds'))));
  const grace: number | undefined = typeof s.terminationGracePeriodSeconds === 'number' ? s.terminationGracePeriodSeconds : undefined;
  const restartPolicy = str(s.restartPolicy);
  const { vols, errs: vErrs } = validateVolumes(arr(s.volumes), meta, path.child('volumes'), opts);
  errs.push(...vErrs);
  const claims = new Set(arr(s.resourceClaims).map((c) => str(c.name)).filter(Boolean));
  const claimNames = new Set<string>();
  arr(s.resourceClaims).forEach((c, i) => {
    const cp = path.child('resourceClaims').index(i);
    if (!c.name) errs.push(required(p(cp.child('name'))));
    else if (claimNames.has(c.name)) errs.push(duplicate(p(cp.child('name')), c.name));
    else { errs.push(...dns1123Label(c.name, cp.child('name'))); claimNames.add(c.name); }
    if (hasValue(c.resourceClaimName) && hasValue(c.resourceClaimTemplateName)) errs.push(invalid(p(cp), c, 'at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified'));
    if (!hasValue(c.resourceClaimName) && !hasValue(c.resourceClaimTemplateName)) errs.push(invalid(p(cp), c, 'must specify one of: `resourceClaimName`, `resourceClaimTemplateName`'));
  });
  const containers = arr(s.containers), inits = arr(s.initContainers);
  errs.push(...validateContainers(containers, vols, claims, grace, path.child('containers'), restartPolicy));
  errs.push(...validateInitContainers(inits, containers, vols, claims, grace, path.child('initContainers'), restartPolicy));
  errs.push(...validateEphemeralContainers(arr(s.ephemeralContainers), containers, inits, vols, claims, path.child('ephemeralContainers'), restartPolicy));
  if (s.hostNetwork === true) {
    containers.forEach((c, i) => arr(c.ports).forEach((port, j) => {
      const hp = port.hostPort ?? 0, cp = port.containerPort ?? 0;
      if ((opts.resourceIsPod || hp !== 0) && hp !== cp) {
        errs.push(invalid(p(path.child('containers').index(i).child('ports').index(j).child('hostPort')), hp, 'must match `containerPort` when `hostNetwork` is true'));
      }
    }));
  }
  errs.push(...validateRestartPolicy(s.restartPolicy, path.child('restartPolicy')));
  errs.push(...validateDNSPolicy(s.dnsPolicy, path.child('dnsPolicy')));
  errs.push(...validateLabels(isObj(s.nodeSelector) ? s.nodeSelector : undefined, path.child('nodeSelector')));
  errs.push(...validatePodSecurityContext(s.securityContext, path.child('securityContext')));
  arr(s.imagePullSecrets).forEach((ps, i) => {
    if (Object.keys(ps).some((k) => k !== 'name')) errs.push(invalid(p(path.child('imagePullSecrets').index(i)), ps, 'only name may be set'));
  });
  errs.push(...validateAffinity(s.affinity, path.child('affinity')));
  errs.push(...validatePodDNSConfig(s.dnsConfig, s.dnsPolicy, path.child('dnsConfig')));
  arr(s.readinessGates).forEach((g, i) => errs.push(...qualifiedName(str(g.conditionType), path.child('readinessGates').index(i).child('conditionType'))));
  const gates = new Set<string>();
  arr(s.schedulingGates).forEach((g, i) => {
    errs.push(...qualifiedName(str(g.name), path.child('schedulingGates').index(i)));
    if (gates.has(str(g.name))) errs.push(duplicate(p(path.child('schedulingGates').index(i)), str(g.name)));
    gates.add(str(g.name));
  });
  errs.push(...validateTopologySpreadConstraints(arr(s.topologySpreadConstraints), path.child('topologySpreadConstraints')));
  if (s.serviceAccountName) errs.push(...nameIsDNSSubdomain(str(s.serviceAccountName), false).map((m) => invalid(p(path.child('serviceAccountName')), s.serviceAccountName, m)));
  if (s.nodeName) errs.push(...nameIsDNSSubdomain(str(s.nodeName), false).map((m) => invalid(p(path.child('nodeName')), s.nodeName, m)));
  if (hasValue(s.activeDeadlineSeconds)) {
    const v = s.activeDeadlineSeconds;
    if (v < 1 || v > MAX_INT32) errs.push(invalid(p(path.child('activeDeadlineSeconds')), v, inclusiveRangeError(1, MAX_INT32)));
  }
  if (s.hostname) errs.push(...dns1123Label(str(s.hostname), path.child('hostname')));
  if (s.subdomain) errs.push(...dns1123Label(str(s.subdomain), path.child('subdomain')));
  if (arr(s.tolerations).length) errs.push(...validateTolerations(arr(s.tolerations), path.child('tolerations')));
  arr(s.hostAliases).forEach((ha, i) => {
    errs.push(...isValidIP(p(path.child('hostAliases').index(i).child('ip')), str(ha.ip)));
    arr<string>(ha.hostnames).forEach((h, j) => errs.push(...dns1123Subdomain(h, path.child('hostAliases').index(i).child('hostnames').index(j))));
  });
  if (s.priorityClassName) errs.push(...nameIsDNSSubdomain(str(s.priorityClassName), false).map((m) => invalid(p(path.child('priorityClassName')), s.priorityClassName, m)));
  if (hasValue(s.runtimeClassName)) errs.push(...nameIsDNSSubdomain(str(s.runtimeClassName), false).map((m) => invalid(p(path.child('runtimeClassName')), s.runtimeClassName, m)));
  if (hasValue(s.preemptionPolicy)) {
    if (!s.preemptionPolicy) errs.push(required(p(path.child('preemptionPolicy'))));
    else if (!['PreemptLowerPriority', 'Never'].includes(s.preemptionPolicy)) errs.push(notSupported(p(path.child('preemptionPolicy')), s.preemptionPolicy, ['PreemptLowerPriority', 'Never']));
  }
  if (isObj(s.overhead)) errs.push(...validateContainerResources({ limits: s.overhead }, new Set(), path.child('overhead')));
  if (isObj(s.os)) {
    if (!['linux', 'windows'].includes(s.os.name)) errs.push(notSupported(p(path.child('os').child('name')), s.os.name ?? '', ['linux', 'windows']));
  }
  return errs;
}

function validatePodSpecificAnnotations(annotations: Record<string, string> | undefined, spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const a = annotations ?? {};
  if ('kubernetes.io/config.mirror' in a && !spec.nodeName) {
    errs.push(invalid(p(path.key('kubernetes.io/config.mirror')), a['kubernetes.io/config.mirror'], 'must set spec.nodeName if mirror pod annotation is set'));
  }
  const cost = a['controller.kubernetes.io/pod-deletion-cost'];
  if (cost !== undefined && !(/^[+-]?\d+$/.test(cost) && Number(cost) >= -2147483648 && Number(cost) <= MAX_INT32)) {
    errs.push(invalid(p(path.key('controller.kubernetes.io/pod-deletion-cost')), cost, 'must be a 32bit integer'));
  }
  return errs;
}

/** ValidatePodTemplateSpec (the template inside a workload). */
export function validatePodTemplateSpec(tpl: Obj | undefined, path: FieldPath, opts: PodValidationOptions = {}): FieldError[] {
  const t: Obj = isObj(tpl) ? tpl : {};
  const meta: Obj = isObj(t.metadata) ? t.metadata : {};
  const spec: Obj = isObj(t.spec) ? t.spec : {};
  const errs: FieldError[] = [];
  errs.push(...validateLabels(meta.labels, path.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, path.child('annotations')));
  errs.push(...validatePodSpecificAnnotations(meta.annotations, spec, path.child('annotations')));
  errs.push(...validatePodSpec(spec, undefined, path.child('spec'), opts));
  if (arr(spec.ephemeralContainers).length > 0) errs.push(forbidden(p(path.child('spec').child('ephemeralContainers')), 'ephemeral containers not allowed in pod template'));
  return errs;
}

function validatePodMetadataAndSpec(pod: Obj): FieldError[] {
  const meta: ObjectMeta = isObj(pod.metadata) ? pod.metadata : {};
  const spec: Obj = isObj(pod.spec) ? pod.spec : {};
  const metaPath = FieldPath.root('metadata');
  const specPath = FieldPath.root('spec');
  const errs = validateObjectMeta(meta, true, nameIsDNSSubdomain, metaPath);
  errs.push(...validateKubeFinalizers(meta.finalizers, metaPath.child('finalizers')));
  errs.push(...validatePodSpecificAnnotations(meta.annotations, spec, metaPath.child('annotations')));
  errs.push(...validatePodSpec(spec, meta, specPath, { resourceIsPod: true }));
  if (!spec.serviceAccountName) {
    arr(spec.volumes).forEach((v, vi) => {
      if (!isObj(v.projected)) return;
      arr(v.projected.sources).forEach((src, si) => {
        if (isObj(src.serviceAccountToken)) {
          errs.push(forbidden(p(specPath.child('volumes').index(vi).child('projected').child('sources').index(si).child('serviceAccountToken')), 'must not be specified when serviceAccountName is not set'));
        }
      });
    });
  }
  arr(spec.containers).forEach((c, i) => errs.push(...imageWhitespace(c, specPath.child('containers').index(i))));
  arr(spec.initContainers).forEach((c, i) => errs.push(...imageWhitespace(c, specPath.child('initContainers').index(i))));
  return errs;
}

/** Finalizer names without a '/' must be standard ones (validateKubeFinalizerName). */
export function validateKubeFinalizers(finalizers: string[] | undefined, path: FieldPath): FieldError[] {
  const standard = ['kubernetes', 'orphan', 'foregroundDeletion'];
  const errs: FieldError[] = [];
  (finalizers ?? []).forEach((f, i) => {
    if (!f.includes('/') && !standard.includes(f)) errs.push(invalid(p(path.index(i)), f, 'name is neither a standard finalizer name nor is it fully qualified'));
  });
  return errs;
}

export function validatePodCreate(pod: Obj): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  const spec: Obj = isObj(pod.spec) ? pod.spec : {};
  const specPath = FieldPath.root('spec');
  if (arr(spec.ephemeralContainers).length > 0) errs.push(forbidden(p(specPath.child('ephemeralContainers')), 'cannot be set on create'));
  if (spec.nodeName && arr(spec.schedulingGates).length > 0) errs.push(forbidden(p(specPath.child('nodeName')), 'cannot be set until all schedulingGates have been cleared'));
  return errs;
}

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function validateContainerUpdates(newC: Obj[], oldC: Obj[], path: FieldPath): { errs: FieldError[]; stop: boolean } {
  if (newC.length !== oldC.length) return { errs: [forbidden(p(path), 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  newC.forEach((c, i) => {
    if (!c.image) errs.push(required(p(path.index(i).child('image'))));
    errs.push(...imageWhitespace(c, path.index(i)));
  });
  return { errs, stop: false };
}

function validateOnlyAddedTolerations(newT: Obj[], oldT: Obj[], path: FieldPath): FieldError[] {
  for (const old of oldT) {
    const found = newT.some((n) => deepEqual({ ...old, tolerationSeconds: n.tolerationSeconds }, n));
    if (!found) return [forbidden(p(path), 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(newT, path);
}

/** ValidatePodUpdate: only images, activeDeadlineSeconds, toleration additions and gate removals may change. */
export function validatePodUpdate(newPod: Obj, oldPod: Obj): FieldError[] {
  const metaPath = FieldPath.root('metadata');
  const specPath = FieldPath.root('spec');
  const errs = validateObjectMetaUpdate(newPod.metadata ?? {}, oldPod.metadata ?? {}, metaPath);
  errs.push(...validateKubeFinalizers(newPod.metadata?.finalizers, metaPath.child('finalizers')));
  errs.push(...validatePodMetadataAndSpec(newPod));
  errs.push(...validateMirrorAnnotationUpdate(newPod.metadata?.annotations, oldPod.metadata?.annotations, metaPath.child('annotations')));
  const ns: Obj = isObj(newPod.spec) ? newPod.spec : {};
  const os: Obj = isObj(oldPod.spec) ? oldPod.spec : {};
  for (const key of ['containers', 'initContainers'] as const) {
    const r = validateContainerUpdates(arr(ns[key]), arr(os[key]), specPath.child(key));
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  if (hasValue(ns.activeDeadlineSeconds)) {
    const v = ns.activeDeadlineSeconds;
    if (v < 0 || v > MAX_INT32) return [...errs, invalid(p(specPath.child('activeDeadlineSeconds')), v, inclusiveRangeError(0, MAX_INT32))];
    if (hasValue(os.activeDeadlineSeconds) && os.activeDeadlineSeconds < v) {
      return [...errs, invalid(p(specPath.child('activeDeadlineSeconds')), v, 'must be less than or equal to previous value')];
    }
  } else if (hasValue(os.activeDeadlineSeconds)) {
    errs.push(invalid(p(specPath.child('activeDeadlineSeconds')), null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(arr(ns.tolerations), arr(os.tolerations), specPath.child('tolerations')));
  const newGates = arr(ns.schedulingGates);
  if (newGates.length) {
    const oldNames = new Set(arr(os.schedulingGates).map((g) => str(g.name)));
    newGates.forEach((g, i) => {
      if (!oldNames.has(str(g.name))) errs.push(forbidden(p(specPath.child('schedulingGates').index(i).child('name')), `only deletion is allowed, but found new scheduling gate '${str(g.name)}'`));
    });
  }
  if (deepEqual(ns, os)) return errs;
  // Put the updatable fields back to their old values, then anything left over is a forbidden change.
  const munged = clone(ns);
  const restore = (key: string) => { if (os[key] === undefined) delete munged[key]; else munged[key] = clone(os[key]); };
  for (const key of ['containers', 'initContainers'] as const) {
    if (Array.isArray(munged[key])) munged[key].forEach((c: Obj, i: number) => { c.image = arr(os[key])[i]?.image; if (c.image === undefined) delete c.image; });
  }
  restore('activeDeadlineSeconds');
  restore('schedulingGates');
  restore('tolerations');
  if (typeof os.terminationGracePeriodSeconds === 'number' && os.terminationGracePeriodSeconds < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = os.terminationGracePeriodSeconds;
  }
  if (arr(os.schedulingGates).length > 0) {
    // gated pods may add to nodeSelector and node affinity
    const oldSel: Obj = isObj(os.nodeSelector) ? os.nodeSelector : {};
    const newSel: Obj = isObj(munged.nodeSelector) ? munged.nodeSelector : {};
    if (Object.entries(oldSel).every(([k, v]) => newSel[k] === v)) restore('nodeSelector');
    if (deepEqual(os.affinity?.podAffinity, munged.affinity?.podAffinity) && deepEqual(os.affinity?.podAntiAffinity, munged.affinity?.podAntiAffinity)) restore('affinity');
  }
  if (!deepEqual(munged, os)) {
    errs.push(forbidden(p(specPath), `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${specDiff('core.PodSpec', os, munged)}`));
  }
  return errs;
}

function validateMirrorAnnotationUpdate(newA: Record<string, string> | undefined, oldA: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const key = 'kubernetes.io/config.mirror';
  const n = newA ?? {}, o = oldA ?? {};
  if (key in o && n[key] !== o[key]) errs.push(forbidden(p(path.key(key)), 'may not remove or update mirror pod annotation'));
  if (!(key in o) && key in n) errs.push(forbidden(p(path.key(key)), 'may not add mirror pod annotation'));
  return errs;
}

/** ValidatePodStatusUpdate (subset: meta, nodeName, nominatedNodeName, qosClass, pod IPs, conditions). */
export function validatePodStatusUpdate(newPod: Obj, oldPod: Obj): FieldError[] {
  const metaPath = FieldPath.root('metadata');
  const errs = validateObjectMetaUpdate(newPod.metadata ?? {}, oldPod.metadata ?? {}, metaPath);
  errs.push(...validateMirrorAnnotationUpdate(newPod.metadata?.annotations, oldPod.metadata?.annotations, metaPath.child('annotations')));
  const status: Obj = isObj(newPod.status) ? newPod.status : {};
  const oldStatus: Obj = isObj(oldPod.status) ? oldPod.status : {};
  const system = ['PodScheduled', 'Ready', 'Initialized'];
  arr(status.conditions).forEach((c, i) => {
    if (!system.includes(c.type)) errs.push(...qualifiedName(str(c.type), metaPath.child('conditions').index(i).child('Type')));
  });
  const sp = FieldPath.root('status');
  if (str(newPod.spec?.nodeName) !== str(oldPod.spec?.nodeName)) errs.push(forbidden(p(sp.child('nodeName')), 'may not be changed directly'));
  if (status.nominatedNodeName && status.nominatedNodeName !== oldStatus.nominatedNodeName) {
    errs.push(...nameIsDNSSubdomain(str(status.nominatedNodeName), false).map((m) => invalid(p(sp.child('nominatedNodeName')), status.nominatedNodeName, m)));
  }
  if (str(status.qosClass) !== str(oldStatus.qosClass)) errs.push(invalid(p(sp.child('qosClass')), str(status.qosClass), 'field is immutable'));
  arr(status.podIPs).forEach((ip, i) => errs.push(...isValidIP(p(sp.child('podIPs').index(i)), str(ip.ip))));
  const hostIPs = arr(status.hostIPs);
  if (hostIPs.length) {
    if (str(status.hostIP) !== str(hostIPs[0].ip)) errs.push(invalid(p(sp.child('hostIPs').index(0).child('ip')), str(hostIPs[0].ip), 'must be equal to `hostIP`'));
    hostIPs.forEach((ip, i) => errs.push(...isValidIP(p(sp.child('hostIPs').index(i)), str(ip.ip))));
  }
  return errs;
}

/** ValidatePodBinding (pods/binding). */
export function validatePodBinding(binding: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const target: Obj = isObj(binding.target) ? binding.target : {};
  if (target.kind && target.kind !== 'Node') errs.push(notSupported('target.kind', target.kind, ['Node', '<empty>']));
  if (!target.name) errs.push(required('target.name'));
  return errs;
}

/** ValidatePodEphemeralContainersUpdate: existing ephemeral containers may not change or be removed. */
export function validateEphemeralContainersUpdate(newPod: Obj, oldPod: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(newPod.metadata ?? {}, oldPod.metadata ?? {}, FieldPath.root('metadata'));
  errs.push(...validatePodMetadataAndSpec(newPod));
  if (oldPod.metadata?.annotations && 'kubernetes.io/config.mirror' in oldPod.metadata.annotations) {
    return [forbidden('', 'static pods do not support ephemeral containers')];
  }
  const byName = new Map(arr(newPod.spec?.ephemeralContainers).map((c) => [str(c.name), c]));
  for (const old of arr(oldPod.spec?.ephemeralContainers)) {
    const cur = byName.get(str(old.name));
    if (!cur) errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers ${JSON.stringify(old.name)} may not be removed\n`));
    else if (!deepEqual(old, cur)) errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers ${JSON.stringify(old.name)} may not be changed\n${specDiff('core.EphemeralContainer', old, cur)}`));
  }
  return errs;
}

export { tooLong, nameIsDNSLabel };
