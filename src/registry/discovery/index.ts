// discovery.k8s.io/v1 EndpointSlice: ValidateEndpointSlice* (pkg/apis/discovery/validation), main rules.
import { FieldError, FieldPath, invalid, notSupported, required, tooMany } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { parseIPSloppy, isIPv4 } from '../../apimachinery/validation/ip.js';
import { validateImmutableField } from '../../apimachinery/validation/objectmeta.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { builtinResource } from '../resource-def.js';
import { isObj, Obj, str } from '../apps/shared.js';
import type { ResourceDef } from '../types.js';

const MAX_ADDRESSES = 100;
const MAX_ENDPOINTS = 1000;
const MAX_PORTS = 20000;
const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'];

function validateAddress(addressType: string, address: string, path: string): FieldError[] {
  if (addressType === 'FQDN') return isDNS1123Subdomain(address).map((m) => invalid(path, address, m));
  if (addressType !== 'IPv4' && addressType !== 'IPv6') return [];
  const ip = parseIPSloppy(address);
  if (!ip) return [invalid(path, address, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
  if (addressType === 'IPv4' && !isIPv4(ip)) return [invalid(path, address, 'must be a valid IPv4 address')];
  if (addressType === 'IPv6' && isIPv4(ip)) return [invalid(path, address, 'must be a valid IPv6 address')];
  return [];
}

function validateEndpoints(endpoints: Obj[], addressType: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  endpoints.forEach((ep, i) => {
    const idx = path.index(i);
    const addresses: string[] = Array.isArray(ep.addresses) ? ep.addresses : [];
    const aPath = idx.child('addresses');
    if (addresses.length === 0) errs.push(required(aPath.toString(), 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES) errs.push(tooMany(aPath.toString(), addresses.length, MAX_ADDRESSES));
    addresses.forEach((a, j) => errs.push(...validateAddress(addressType, str(a), aPath.index(j).toString())));
    if (typeof ep.hostname === 'string') errs.push(...isDNS1123Label(ep.hostname).map((m) => invalid(idx.child('hostname').toString(), ep.hostname, m)));
    if (typeof ep.nodeName === 'string') errs.push(...isDNS1123Subdomain(ep.nodeName).map((m) => invalid(idx.child('nodeName').toString(), ep.nodeName, m)));
  });
  return errs;
}

export function validateEndpointSlice(obj: KubeObject): FieldError[] {
  const errs = validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain);
  const addressType = str(obj.addressType);
  if (!addressType) errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(addressType)) errs.push(notSupported('addressType', addressType, ADDRESS_TYPES));
  const endpoints: Obj[] = Array.isArray(obj.endpoints) ? (obj.endpoints as unknown[]).map((e) => (isObj(e) ? e : {})) : [];
  if (endpoints.length > MAX_ENDPOINTS) errs.push(tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
  else errs.push(...validateEndpoints(endpoints, addressType, FieldPath.root('endpoints')));
  const ports: Obj[] = Array.isArray(obj.ports) ? (obj.ports as Obj[]) : [];
  if (ports.length > MAX_PORTS) errs.push(tooMany('ports', ports.length, MAX_PORTS));
  return errs;
}

export function discoveryResources(): ResourceDef[] {
  return [
    builtinResource({
      group: 'discovery.k8s.io', kind: 'EndpointSlice', resource: 'endpointslices', namespaced: true, schemaPackage: 'discovery.v1',
      strategy: {
        validate: validateEndpointSlice,
        validateUpdate: (obj, old) => [
          ...validateEndpointSlice(obj),
          ...validateCoreMetaUpdate(obj.metadata, old.metadata),
          ...validateImmutableField(obj.addressType ?? null, old.addressType ?? null, 'addressType'),
        ],
      },
    }),
  ];
}
