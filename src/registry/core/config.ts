// ConfigMap, Secret and ServiceAccount (ValidateConfigMap*, ValidateSecret*, secret/strategy.go).
import { FieldError, FieldPath, forbidden, invalid, required, tooLong } from '../../apimachinery/field-errors.js';
import { isConfigMapKey, nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { deepEqual, validateImmutableField } from '../../apimachinery/validation/objectmeta.js';
import type { ResourceDef } from '../types.js';
import { coreDef, o, validateCoreMeta, validateCoreMetaUpdate } from './def.js';
import { isObj, Obj, str } from './helpers.js';

/** core.MaxSecretSize: 1 MiB. */
export const MAX_SECRET_SIZE = 1024 * 1024;
const IMMUTABLE_MSG = 'field is immutable when `immutable` is set';

const byteLen = (s: unknown) => (typeof s === 'string' ? Buffer.byteLength(s) : 0);
/** Secret and binaryData values are base64 in JSON; size limits count decoded bytes. */
const decodedLen = (s: unknown) => (typeof s === 'string' ? Buffer.from(s, 'base64').length : 0);

function validateConfigMap(cm: Obj): FieldError[] {
  const errs = validateCoreMeta(cm.metadata ?? {}, true, nameIsDNSSubdomain);
  const data: Obj = isObj(cm.data) ? cm.data : {};
  const binary: Obj = isObj(cm.binaryData) ? cm.binaryData : {};
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    const kp = FieldPath.root('data').key(key).toString();
    errs.push(...isConfigMapKey(key).map((m) => invalid(kp, key, m)));
    if (key in binary) errs.push(invalid(kp, key, 'duplicate of key present in binaryData'));
    total += byteLen(value);
  }
  for (const [key, value] of Object.entries(binary)) {
    errs.push(...isConfigMapKey(key).map((m) => invalid(FieldPath.root('binaryData').key(key).toString(), key, m)));
    total += decodedLen(value);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('', MAX_SECRET_SIZE));
  return errs;
}

function validateImmutableData(obj: Obj, old: Obj, keys: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbidden('immutable', IMMUTABLE_MSG));
  for (const k of keys) if (!deepEqual(obj[k] ?? {}, old[k] ?? {})) errs.push(forbidden(k, IMMUTABLE_MSG));
  return errs;
}

export const configMapResource: ResourceDef = coreDef({
  kind: 'ConfigMap',
  resource: 'configmaps',
  namespaced: true,
  shortNames: ['cm'],
  strategy: {
    validate: (obj) => validateConfigMap(o(obj)),
    validateUpdate(obj, old) {
      return [
        ...validateCoreMetaUpdate(obj.metadata, old.metadata),
        ...validateImmutableData(o(obj), o(old), ['data', 'binaryData']),
        ...validateConfigMap(o(obj)),
      ];
    },
  },
});

function validateSecret(secret: Obj): FieldError[] {
  const errs = validateCoreMeta(secret.metadata ?? {}, true, nameIsDNSSubdomain);
  const data: Obj = isObj(secret.data) ? secret.data : {};
  const dataPath = FieldPath.root('data');
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...isConfigMapKey(key).map((m) => invalid(dataPath.key(key).toString(), key, m)));
    total += decodedLen(value);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(dataPath.toString(), MAX_SECRET_SIZE));
  const has = (k: string) => k in data;
  const jsonOK = (k: string) => {
    try { JSON.parse(Buffer.from(str(data[k]), 'base64').toString('utf8')); return null; } catch (e) { return (e as Error).message; }
  };
  switch (secret.type) {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata?.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(required(FieldPath.root('metadata').child('annotations').key('kubernetes.io/service-account.name').toString()));
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = secret.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) { errs.push(required(dataPath.key(key).toString())); break; }
      const err = jsonOK(key);
      if (err) errs.push(invalid(dataPath.key(key).toString(), '<secret contents redacted>', err));
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(required(dataPath.key('username').toString()), required(dataPath.key('password').toString()));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (decodedLen(data['ssh-privatekey']) === 0) errs.push(required(dataPath.key('ssh-privatekey').toString()));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(required(dataPath.key('tls.crt').toString()));
      if (!has('tls.key')) errs.push(required(dataPath.key('tls.key').toString()));
      break;
    default:
      break;
  }
  return errs;
}

/** stringData is write-only: merged into data (base64) and dropped, as the v1 conversion does. */
function mergeStringData(secret: Obj): void {
  if (!isObj(secret.stringData)) return;
  const data = isObj(secret.data) ? secret.data : (secret.data = {});
  for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  delete secret.stringData;
}

export const secretResource: ResourceDef = coreDef({
  kind: 'Secret',
  resource: 'secrets',
  namespaced: true,
  strategy: {
    defaults(obj) {
      const x = o(obj);
      if (!x.type) x.type = 'Opaque';
      mergeStringData(x);
    },
    validate: (obj) => validateSecret(o(obj)),
    validateUpdate(obj, old) {
      return [
        ...validateCoreMetaUpdate(obj.metadata, old.metadata),
        ...validateImmutableField(o(obj).type ?? '', o(old).type ?? '', 'type'),
        ...validateImmutableData(o(obj), o(old), ['data']),
        ...validateSecret(o(obj)),
      ];
    },
    selectableFields: (obj) => ({ type: str(o(obj).type) }),
  },
});

export const serviceAccountResource: ResourceDef = coreDef({
  kind: 'ServiceAccount',
  resource: 'serviceaccounts',
  namespaced: true,
  shortNames: ['sa'],
  subresources: { others: [{ name: 'token', kind: 'TokenRequest', verbs: ['create'], group: 'authentication.k8s.io', version: 'v1' }] },
  strategy: {
    validate: (obj) => validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain),
    validateUpdate: (obj, old) => [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain)],
  },
});

export { validateConfigMap, validateSecret };
