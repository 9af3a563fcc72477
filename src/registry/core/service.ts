// Service and Endpoints (pkg/registry/core/service/strategy.go, SetDefaults_Service, ValidateService*).
// Cluster IP and node port allocation happen elsewhere; here we keep clusterIP/clusterIPs in step and validate.
import { duplicate, FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { isValidCIDR, isValidIP, parseIPSloppy } from '../../apimachinery/validation/ip.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName, isValidPortNum, nameIsDNS1035Label, nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { deepEqual, validateLabels } from '../../apimachinery/validation/objectmeta.js';
import type { ResourceDef } from '../types.js';
import { coreDef, o, validateCoreMeta, validateCoreMetaUpdate } from './def.js';
import { arr, isObj, Obj, str } from './helpers.js';

const SPEC = FieldPath.root('spec');
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const hasValue = (v: unknown): boolean => v !== undefined && v !== null;

const isExternallyAccessible = (spec: Obj) =>
  spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && arr(spec.externalIPs).length > 0);

export function setDefaultsService(svc: Obj): void {
  const spec = isObj(svc.spec) ? svc.spec : (svc.spec = {});
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (!spec.type) spec.type = 'ClusterIP';
  for (const port of arr(spec.ports)) {
    if (!port.protocol) port.protocol = 'TCP';
    if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  if (isExternallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.type !== 'ExternalName' && !spec.internalTrafficPolicy) spec.internalTrafficPolicy = 'Cluster';
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = isObj(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : (spec.sessionAffinityConfig = {});
    const cip = isObj(cfg.clientIP) ? cfg.clientIP : (cfg.clientIP = {});
    if (!hasValue(cip.timeoutSeconds)) cip.timeoutSeconds = 10800;
  }
  if (spec.type === 'LoadBalancer' && !hasValue(spec.allocateLoadBalancerNodePorts)) spec.allocateLoadBalancerNodePorts = true;
}

/** Keeps clusterIP and clusterIPs consistent, as the strategy's normalization does. */
function normalizeClusterIPs(spec: Obj, oldSpec?: Obj): void {
  const ips = arr<string>(spec.clusterIPs);
  if (!oldSpec) {
    if (spec.clusterIP && ips.length === 0) spec.clusterIPs = [spec.clusterIP];
    return;
  }
  // clusterIP changed but clusterIPs was left as before: follow clusterIP
  if (spec.clusterIP !== oldSpec.clusterIP && deepEqual(spec.clusterIPs, oldSpec.clusterIPs)) {
    if (!spec.clusterIP) delete spec.clusterIPs;
    else if (ips.length) spec.clusterIPs = [spec.clusterIP, ...ips.slice(1)];
    else spec.clusterIPs = [spec.clusterIP];
  }
}

/** On update, allocated values the client dropped (clusterIP, nodePorts, healthCheckNodePort) are carried over. */
function patchAllocatedValues(spec: Obj, oldSpec: Obj): void {
  if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName') {
    if (!spec.clusterIP && oldSpec.clusterIP) {
      spec.clusterIP = oldSpec.clusterIP;
      if (arr(spec.clusterIPs).length === 0 && oldSpec.clusterIPs) spec.clusterIPs = structuredClone(oldSpec.clusterIPs);
    }
  }
  const needsNodePorts = (s: Obj) => s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);
  if (needsNodePorts(spec) && needsNodePorts(oldSpec)) {
    for (const port of arr(spec.ports)) {
      if (port.nodePort) continue;
      const match = arr(oldSpec.ports).find((op) => op.port === port.port && (op.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
      if (match?.nodePort) port.nodePort = match.nodePort;
    }
  }
  if (!spec.healthCheckNodePort && oldSpec.healthCheckNodePort && spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local') {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

const isHeadless = (spec: Obj) => arr(spec.clusterIPs).length === 1 && spec.clusterIPs[0] === 'None';

function portNumOrName(v: unknown, path: FieldPath): FieldError[] {
  if (typeof v === 'number') return isValidPortNum(v).map((m) => invalid(path.toString(), v, m));
  if (typeof v === 'string') return isValidPortName(v).map((m) => invalid(path.toString(), v, m));
  return [];
}

function validateClusterIPsRelatedFields(spec: Obj): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ipsPath = SPEC.child('clusterIPs');
  const ips = arr<string>(spec.clusterIPs);
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(required(ipsPath.toString()));
    else if (ips[0] !== spec.clusterIP) errs.push(invalid(ipsPath.toString(), ips, 'first value must match `clusterIP`'));
  } else if (ips.length) {
    errs.push(invalid(ipsPath.toString(), ips, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  arr<string>(spec.ipFamilies).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(SPEC.child('ipFamilies').index(i).toString(), f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push(duplicate(SPEC.child('ipFamilies').index(i).toString(), f));
    seen.add(f);
  });
  if (hasValue(spec.ipFamilyPolicy) && !['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported(SPEC.child('ipFamilyPolicy').toString(), spec.ipFamilyPolicy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) { badIPs = true; errs.push(invalid(ipsPath.toString(), ips, "'None' must be the first and only value")); }
      return;
    }
    const e = isValidIP(ipsPath.index(i).toString(), ip);
    if (e.length) { badIPs = true; errs.push(...e); }
  });
  if (ips.length > 2) errs.push(invalid(ipsPath.toString(), ips, 'may only hold up to 2 values'));
  if (badIPs) return errs;
  if (ips.length > 1) {
    const fams = ips.map((ip) => (parseIPSloppy(ip)?.bytes.length === 4 ? 4 : 6));
    if (fams[0] === fams[1]) errs.push(invalid(ipsPath.toString(), ips, 'may specify no more than one IP for each IP family'));
  }
  return errs;
}

function validateService(svc: Obj): FieldError[] {
  const spec: Obj = isObj(svc.spec) ? svc.spec : {};
  const errs = validateCoreMeta(svc.metadata ?? {}, true, nameIsDNS1035Label);
  const ports = arr(spec.ports);
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errs.push(required(SPEC.child('ports').toString()));
  if (spec.type === 'LoadBalancer' && headless) errs.push(invalid(SPEC.child('clusterIPs').index(0).toString(), 'None', "may not be set to 'None' for LoadBalancer services"));
  if (spec.type === 'NodePort' && headless) errs.push(invalid(SPEC.child('clusterIPs').index(0).toString(), 'None', "may not be set to 'None' for NodePort services"));
  if (spec.type === 'ExternalName') {
    if (arr(spec.clusterIPs).length > 0) errs.push(forbidden(SPEC.child('clusterIPs').toString(), 'may not be set for ExternalName services'));
    if (arr(spec.ipFamilies).length > 0) errs.push(forbidden(SPEC.child('ipFamilies').toString(), 'may not be set for ExternalName services'));
    if (hasValue(spec.ipFamilyPolicy)) errs.push(forbidden(SPEC.child('ipFamilyPolicy').toString(), 'may not be set for ExternalName services'));
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (cname) errs.push(...isDNS1123Subdomain(cname).map((m) => invalid(SPEC.child('externalName').toString(), cname, m)));
    else errs.push(required(SPEC.child('externalName').toString()));
  }
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const pp = SPEC.child('ports').index(i);
    const name = str(port.name);
    if (ports.length > 1 && !name) errs.push(required(pp.child('name').toString()));
    else if (name) {
      errs.push(...isDNS1123Label(name).map((m) => invalid(pp.child('name').toString(), name, m)));
      if (names.has(name)) errs.push(duplicate(pp.child('name').toString(), name));
      else names.add(name);
    }
    errs.push(...isValidPortNum(typeof port.port === 'number' ? port.port : 0).map((m) => invalid(pp.child('port').toString(), port.port ?? 0, m)));
    if (!port.protocol) errs.push(required(pp.child('protocol').toString()));
    else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(pp.child('protocol').toString(), port.protocol, PROTOCOLS));
    errs.push(...portNumOrName(port.targetPort, pp.child('targetPort')));
    if (hasValue(port.appProtocol)) errs.push(...isQualifiedName(str(port.appProtocol)).map((m) => invalid(pp.child('appProtocol').toString(), port.appProtocol, m)));
  });
  if (isObj(spec.selector)) errs.push(...validateLabels(spec.selector, SPEC.child('selector')));
  if (!spec.sessionAffinity) errs.push(required(SPEC.child('sessionAffinity').toString()));
  else if (!['ClientIP', 'None'].includes(spec.sessionAffinity)) errs.push(notSupported(SPEC.child('sessionAffinity').toString(), spec.sessionAffinity, ['ClientIP', 'None']));
  if (spec.sessionAffinity === 'ClientIP') {
    const cp = SPEC.child('sessionAffinityConfig');
    const cfg = spec.sessionAffinityConfig;
    if (!isObj(cfg)) errs.push(required(cp.toString(), 'when session affinity type is ClientIP'));
    else if (!isObj(cfg.clientIP)) errs.push(required(cp.child('clientIP').toString(), 'when session affinity type is ClientIP'));
    else if (!hasValue(cfg.clientIP.timeoutSeconds)) errs.push(required(cp.child('clientIP').child('timeoutSeconds').toString(), 'when session affinity type is ClientIP'));
    else if (cfg.clientIP.timeoutSeconds <= 0 || cfg.clientIP.timeoutSeconds > 86400) {
      errs.push(invalid(cp.child('clientIP').child('timeoutSeconds').toString(), cfg.clientIP.timeoutSeconds, 'must be greater than 0 and less than 86400'));
    }
  } else if (spec.sessionAffinity === 'None' && hasValue(spec.sessionAffinityConfig)) {
    errs.push(forbidden(SPEC.child('sessionAffinityConfig').toString(), 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPsRelatedFields(spec));
  arr<string>(spec.externalIPs).forEach((ip, i) => {
    const e = isValidIP(SPEC.child('externalIPs').index(i).toString(), ip);
    errs.push(...(e.length ? e : nonSpecialIP(ip, SPEC.child('externalIPs').index(i))));
  });
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (!spec.type) errs.push(required(SPEC.child('type').toString()));
  else if (!types.includes(spec.type)) errs.push(notSupported(SPEC.child('type').toString(), spec.type, types));
  if (spec.type === 'ClusterIP') {
    ports.forEach((port, i) => { if (port.nodePort) errs.push(forbidden(SPEC.child('ports').index(i).child('nodePort').toString(), "may not be used when `type` is 'ClusterIP'")); });
  }
  const nodePorts = new Set<string>();
  ports.forEach((port, i) => {
    if (!port.nodePort) return;
    const key = `${port.protocol}/${port.nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicate(SPEC.child('ports').index(i).child('nodePort').toString(), port.nodePort));
    nodePorts.add(key);
  });
  const seenPorts = new Set<string>();
  ports.forEach((port, i) => {
    const key = `${port.protocol}/${port.port}`;
    // upstream prints the Go struct key; we show protocol and port
    if (seenPorts.has(key)) errs.push(duplicate(SPEC.child('ports').index(i).toString(), { port: port.port, protocol: port.protocol }));
    seenPorts.add(key);
  });
  const ranges = arr<string>(spec.loadBalancerSourceRanges);
  if (ranges.length) {
    const fp = SPEC.child('LoadBalancerSourceRanges');
    if (spec.type !== 'LoadBalancer') errs.push(forbidden(fp.toString(), "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...isValidCIDR(fp.index(i).toString(), r.trim())));
  }
  if (hasValue(spec.allocateLoadBalancerNodePorts) && spec.type !== 'LoadBalancer') {
    errs.push(forbidden(SPEC.child('allocateLoadBalancerNodePorts').toString(), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (spec.type === 'LoadBalancer' && !hasValue(spec.allocateLoadBalancerNodePorts)) errs.push(required('allocateLoadBalancerNodePorts'));
  if (hasValue(spec.loadBalancerClass)) {
    if (spec.type !== 'LoadBalancer') errs.push(forbidden(SPEC.child('loadBalancerClass').toString(), 'may only be used when service type is LoadBalancer'));
    else errs.push(...isQualifiedName(str(spec.loadBalancerClass)).map((m) => invalid(SPEC.child('loadBalancerClass').toString(), spec.loadBalancerClass, m)));
  }
  if (!isExternallyAccessible(spec)) {
    if (spec.externalTrafficPolicy) errs.push(invalid(SPEC.child('externalTrafficPolicy').toString(), spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  } else if (!spec.externalTrafficPolicy) {
    errs.push(required(SPEC.child('externalTrafficPolicy').toString()));
  } else if (!['Cluster', 'Local'].includes(spec.externalTrafficPolicy)) {
    errs.push(notSupported(SPEC.child('externalTrafficPolicy').toString(), spec.externalTrafficPolicy, ['Cluster', 'Local']));
  }
  const needsHC = spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
  if (!needsHC && spec.healthCheckNodePort) {
    errs.push(invalid(SPEC.child('healthCheckNodePort').toString(), spec.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  }
  if (!hasValue(spec.internalTrafficPolicy)) {
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) errs.push(required(SPEC.child('internalTrafficPolicy').toString()));
  } else if (!['Cluster', 'Local'].includes(spec.internalTrafficPolicy)) {
    errs.push(notSupported(SPEC.child('internalTrafficPolicy').toString(), spec.internalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (hasValue(spec.trafficDistribution) && spec.trafficDistribution !== 'PreferClose') {
    errs.push(notSupported(SPEC.child('trafficDistribution').toString(), spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

function nonSpecialIP(ip: string, path: FieldPath): FieldError[] {
  const parsed = parseIPSloppy(ip);
  if (!parsed) return [invalid(path.toString(), ip, 'must be a valid IP address')];
  const b = parsed.bytes.length === 16 && parsed.bytes.slice(0, 10).every((x) => x === 0) && parsed.bytes[10] === 0xff && parsed.bytes[11] === 0xff
    ? parsed.bytes.slice(12) : parsed.bytes;
  const errs: FieldError[] = [];
  const v4 = b.length === 4;
  if (b.every((x) => x === 0)) errs.push(invalid(path.toString(), ip, `may not be unspecified (${ip})`));
  if ((v4 && b[0] === 127) || (!v4 && b.slice(0, 15).every((x) => x === 0) && b[15] === 1)) errs.push(invalid(path.toString(), ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if ((v4 && b[0] === 169 && b[1] === 254) || (!v4 && b[0] === 0xfe && (b[1] & 0xc0) === 0x80)) errs.push(invalid(path.toString(), ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if ((v4 && b[0] === 224 && b[1] === 0 && b[2] === 0) || (!v4 && b[0] === 0xff && (b[1] & 0x0f) === 0x02)) errs.push(invalid(path.toString(), ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

function validateServiceUpdate(svc: Obj, old: Obj): FieldError[] {
  const errs = validateCoreMetaUpdate(svc.metadata ?? {}, old.metadata ?? {});
  const spec: Obj = isObj(svc.spec) ? svc.spec : {};
  const oldSpec: Obj = isObj(old.spec) ? old.spec : {};
  if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName' && !(isHeadless(spec) && isHeadless(oldSpec))) {
    const n = arr<string>(spec.clusterIPs), o2 = arr<string>(oldSpec.clusterIPs);
    const ipsPath = SPEC.child('clusterIPs');
    if (n.length === o2.length) {
      o2.forEach((ip, i) => { if (ip !== n[i]) errs.push(invalid(ipsPath.index(i).toString(), n, 'may not change once set')); });
    } else if (o2.length > n.length) {
      if (n.length === 0) errs.push(invalid(ipsPath.index(0).toString(), n, 'primary clusterIP can not be unset'));
      if (o2.length && n.length && n[0] !== o2[0]) errs.push(invalid(ipsPath.index(0).toString(), n, 'may not change once set'));
      if (n.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') errs.push(invalid(SPEC.child('ipFamilyPolicy').toString(), spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    } else if (o2.length && n[0] !== o2[0]) {
      errs.push(invalid(ipsPath.index(0).toString(), n, 'may not change once set'));
    }
  }
  if (spec.type === 'LoadBalancer' && oldSpec.type === 'LoadBalancer' && str(spec.loadBalancerClass) !== str(oldSpec.loadBalancerClass)) {
    errs.push(invalid(SPEC.child('loadBalancerClass').toString(), spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  const needsHC = (s: Obj) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
  if (needsHC(spec) && needsHC(oldSpec) && spec.healthCheckNodePort !== oldSpec.healthCheckNodePort) {
    errs.push(forbidden(SPEC.child('healthCheckNodePort').toString(), 'field is immutable'));
  }
  errs.push(...validateService(svc));
  return errs;
}

function serviceWarnings(svc: Obj): string[] {
  const spec: Obj = isObj(svc.spec) ? svc.spec : {};
  const warnings: string[] = [];
  if (spec.type === 'ExternalName' && arr(spec.externalIPs).length) warnings.push('spec.externalIPs is ignored when spec.type is "ExternalName"');
  if (spec.type === 'ExternalName' && spec.externalTrafficPolicy) warnings.push('spec.externalTrafficPolicy is ignored when spec.type is "ExternalName"');
  return warnings;
}

export const serviceResource: ResourceDef = coreDef({
  kind: 'Service',
  resource: 'services',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  subresources: { status: true, others: [{ name: 'proxy', kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }] },
  strategy: {
    defaults: (obj) => setDefaultsService(o(obj)),
    prepareForCreate(obj) {
      const x = o(obj);
      x.status = {};
      normalizeClusterIPs(isObj(x.spec) ? x.spec : (x.spec = {}));
    },
    prepareForUpdate(obj, old) {
      const x = o(obj), y = o(old);
      x.status = structuredClone(y.status ?? {});
      const spec = isObj(x.spec) ? x.spec : (x.spec = {});
      const oldSpec = isObj(y.spec) ? y.spec : {};
      patchAllocatedValues(spec, oldSpec);
      normalizeClusterIPs(spec, oldSpec);
    },
    validate: (obj) => validateService(o(obj)),
    validateUpdate: (obj, old) => validateServiceUpdate(o(obj), o(old)),
    validateStatusUpdate(obj, old) {
      const errs = validateCoreMetaUpdate(obj.metadata, old.metadata);
      const ingress = arr(o(obj).status?.loadBalancer?.ingress);
      ingress.forEach((ing, i) => {
        const ip = FieldPath.root('status').child('loadBalancer').child('ingress').index(i);
        if (ing.ip) errs.push(...isValidIP(ip.child('ip').toString(), str(ing.ip)));
        if (ing.hostname) {
          errs.push(...isDNS1123Subdomain(str(ing.hostname)).map((m) => invalid(ip.child('hostname').toString(), ing.hostname, m)));
          if (parseIPSloppy(str(ing.hostname))) errs.push(invalid(ip.child('hostname').toString(), ing.hostname, 'must be a DNS name, not an IP address'));
        }
      });
      return errs;
    },
    warnings: (obj) => serviceWarnings(o(obj)),
  },
});

// ---- Endpoints ----

export const ENDPOINTS_DEPRECATION_WARNING = 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice';

function validateEndpoints(ep: Obj): FieldError[] {
  const errs = validateCoreMeta(ep.metadata ?? {}, true, nameIsDNSSubdomain);
  arr(ep.subsets).forEach((ss, i) => {
    const sp = FieldPath.root('subsets').index(i);
    if (arr(ss.addresses).length === 0 && arr(ss.notReadyAddresses).length === 0) {
      errs.push(required(sp.toString(), 'must specify `addresses` or `notReadyAddresses`'));
    }
    for (const key of ['addresses', 'notReadyAddresses'] as const) {
      arr(ss[key]).forEach((addr, j) => {
        const ap = sp.child(key).index(j);
        errs.push(...isValidIP(ap.child('ip').toString(), str(addr.ip)));
        if (addr.hostname) errs.push(...isDNS1123Label(str(addr.hostname)).map((m) => invalid(ap.child('hostname').toString(), addr.hostname, m)));
        if (hasValue(addr.nodeName)) errs.push(...nameIsDNSSubdomain(str(addr.nodeName), false).map((m) => invalid(ap.child('nodeName').toString(), addr.nodeName, m)));
        errs.push(...nonSpecialIP(str(addr.ip), ap.child('ip')));
      });
    }
    const ports = arr(ss.ports);
    ports.forEach((port, j) => {
      const pp = sp.child('ports').index(j);
      if (ports.length > 1 && !port.name) errs.push(required(pp.child('name').toString()));
      else if (port.name) errs.push(...isDNS1123Label(str(port.name)).map((m) => invalid(pp.child('name').toString(), port.name, m)));
      errs.push(...isValidPortNum(typeof port.port === 'number' ? port.port : 0).map((m) => invalid(pp.child('port').toString(), port.port ?? 0, m)));
      if (!port.protocol) errs.push(required(pp.child('protocol').toString()));
      else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(pp.child('protocol').toString(), port.protocol, PROTOCOLS));
      if (hasValue(port.appProtocol)) errs.push(...isQualifiedName(str(port.appProtocol)).map((m) => invalid(pp.child('appProtocol').toString(), port.appProtocol, m)));
    });
  });
  return errs;
}

export const endpointsResource: ResourceDef = coreDef({
  kind: 'Endpoints',
  resource: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  strategy: {
    defaults(obj) {
      for (const ss of arr(o(obj).subsets)) for (const port of arr(ss.ports)) if (!port.protocol) port.protocol = 'TCP';
    },
    validate: (obj) => validateEndpoints(o(obj)),
    validateUpdate: (obj, old) => [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...validateEndpoints(o(obj))],
  },
});
// Upstream sends this on every endpoints request, reads included.
endpointsResource.deprecationWarning = ENDPOINTS_DEPRECATION_WARNING;

export { validateService, validateServiceUpdate, validateEndpoints };
export type { KubeObject };
