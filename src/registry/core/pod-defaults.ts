// Defaulting of pod specs and templates (kubernetes pkg/apis/core/v1/defaults.go: SetDefaults_PodSpec,
// SetDefaults_Container, SetDefaults_Volume, probes, ports …). Pod-only defaults (enableServiceLinks, requests
// copied from limits) live in setDefaultsPod because upstream applies them to Pods, not to templates.
import { arr, isObj, Obj, objAt } from './helpers.js';

export type { Obj };

const DEFAULT_MODE = 0o644; // 420

export function setDefaultsPodTemplateSpec(tpl: Obj): void {
  if (!isObj(tpl)) return;
  setDefaultsPodSpec(objAt(tpl, 'spec'));
}

export function setDefaultsPodSpec(spec: Obj): void {
  if (!isObj(spec)) return;
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  if (!isObj(spec.securityContext)) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) spec.terminationGracePeriodSeconds = 30;
  if (!spec.schedulerName) spec.schedulerName = 'default-scheduler';
  // v1 keeps the deprecated serviceAccount field in step with serviceAccountName
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  for (const c of arr(spec.containers)) setDefaultsContainer(c);
  for (const c of arr(spec.initContainers)) setDefaultsContainer(c);
  for (const c of arr(spec.ephemeralContainers)) setDefaultsContainer(c);
  for (const v of arr(spec.volumes)) setDefaultsVolume(v);
}

/** SetDefaults_Pod: runs only for Pod objects. */
export function setDefaultsPod(pod: Obj): void {
  const spec = objAt(pod, 'spec');
  setDefaultsPodSpec(spec);
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  for (const c of [...arr(spec.containers), ...arr(spec.initContainers)]) defaultRequestsFromLimits(c);
  // With host networking the host port equals the container port.
  if (spec.hostNetwork === true) {
    for (const c of [...arr(spec.containers), ...arr(spec.initContainers)]) {
      for (const p of arr(c.ports)) if (!p.hostPort) p.hostPort = p.containerPort;
    }
  }
}

function defaultRequestsFromLimits(c: Obj): void {
  if (!isObj(c.resources) || !isObj(c.resources.limits)) return;
  const limits = c.resources.limits;
  if (Object.keys(limits).length === 0) return;
  const requests = objAt(c.resources, 'requests');
  for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
}

/** The tag rule: `latest` or no tag (and no digest) means Always, otherwise IfNotPresent. */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  const tag = colon >= 0 ? image.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export function setDefaultsContainer(c: Obj): void {
  if (!isObj(c)) return;
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultPullPolicy(typeof c.image === 'string' ? c.image : '');
  for (const p of arr(c.ports)) if (isObj(p) && !p.protocol) p.protocol = 'TCP';
  for (const e of arr(c.env)) {
    const fr = isObj(e) && isObj(e.valueFrom) ? e.valueFrom.fieldRef : undefined;
    if (isObj(fr) && !fr.apiVersion) fr.apiVersion = 'v1';
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (isObj(probe)) setDefaultsProbe(probe);
  if (isObj(c.lifecycle)) {
    for (const h of [c.lifecycle.postStart, c.lifecycle.preStop]) if (isObj(h) && isObj(h.httpGet)) setDefaultsHTTPGet(h.httpGet);
  }
}

function setDefaultsProbe(p: Obj): void {
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  if (isObj(p.httpGet)) setDefaultsHTTPGet(p.httpGet);
}

function setDefaultsHTTPGet(h: Obj): void {
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume',
  'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];
export { VOLUME_SOURCES };

export function setDefaultsVolume(v: Obj): void {
  if (!isObj(v)) return;
  if (!VOLUME_SOURCES.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    if (isObj(v[k]) && (v[k].defaultMode === undefined || v[k].defaultMode === null)) v[k].defaultMode = DEFAULT_MODE;
  }
  if (isObj(v.downwardAPI)) for (const f of arr(v.downwardAPI.items)) if (isObj(f.fieldRef) && !f.fieldRef.apiVersion) f.fieldRef.apiVersion = 'v1';
  if (isObj(v.projected)) {
    for (const s of arr(v.projected.sources)) {
      if (isObj(s.downwardAPI)) for (const f of arr(s.downwardAPI.items)) if (isObj(f.fieldRef) && !f.fieldRef.apiVersion) f.fieldRef.apiVersion = 'v1';
      if (isObj(s.serviceAccountToken) && !s.serviceAccountToken.expirationSeconds) s.serviceAccountToken.expirationSeconds = 3600;
    }
  }
  if (isObj(v.hostPath) && v.hostPath.type === undefined) v.hostPath.type = '';
  if (isObj(v.iscsi) && !v.iscsi.iscsiInterface) v.iscsi.iscsiInterface = 'default';
  if (isObj(v.rbd)) {
    if (!v.rbd.pool) v.rbd.pool = 'rbd';
    if (!v.rbd.user) v.rbd.user = 'admin';
    if (!v.rbd.keyring) v.rbd.keyring = '/etc/ceph/keyring';
  }
  if (isObj(v.azureDisk)) {
    if (!v.azureDisk.cachingMode) v.azureDisk.cachingMode = 'ReadWrite';
    if (!v.azureDisk.kind) v.azureDisk.kind = 'Shared';
    if (!v.azureDisk.fsType) v.azureDisk.fsType = 'ext4';
    if (v.azureDisk.readOnly === undefined) v.azureDisk.readOnly = false;
  }
  if (isObj(v.scaleIO)) {
    if (!v.scaleIO.storageMode) v.scaleIO.storageMode = 'ThinProvisioned';
    if (!v.scaleIO.fsType) v.scaleIO.fsType = 'xfs';
  }
  const pvcTpl = isObj(v.ephemeral) && isObj(v.ephemeral.volumeClaimTemplate) ? v.ephemeral.volumeClaimTemplate : undefined;
  if (pvcTpl && isObj(pvcTpl.spec) && !pvcTpl.spec.volumeMode) pvcTpl.spec.volumeMode = 'Filesystem';
}
