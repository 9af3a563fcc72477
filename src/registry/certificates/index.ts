// certificates.k8s.io/v1 CertificateSigningRequest: upstream's strategies (pkg/registry/certificates/certificates/
// strategy.go: the main resource, /status and /approval) and validation (pkg/apis/certificates/validation). The
// requester's identity is recorded in spec on create; spec is immutable; approval conditions change only through
// /approval, the certificate only through /status and only once.
import { FieldError, FieldPath, forbidden, invalid, notSupported, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { isQualifiedName, validatePathSegmentName } from '../../apimachinery/validation/names.js';
import { builtinResource } from '../resource-def.js';
import { isObj, Obj, specOf, statusOf, str } from '../apps/shared.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { deepClone } from '../object-meta.js';
import type { ResourceDef } from '../types.js';
import type { UserInfo } from '../../api/identity.js';
import { rfc3339 } from '../../apimachinery/time.js';

export const KUBE_APISERVER_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';
export const KUBE_APISERVER_CLIENT_KUBELET_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';

const KEY_USAGES = [
  'signing', 'digital signature', 'content commitment', 'key encipherment', 'key agreement', 'data encipherment', 'cert sign',
  'crl sign', 'encipher only', 'decipher only', 'any', 'server auth', 'client auth', 'code signing', 'email protection', 's/mime',
  'ipsec end system', 'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing', 'microsoft sgc', 'netscape sgc',
];
const APPROVAL_TYPES = new Set(['Approved', 'Denied']);
const KNOWN_TYPES = new Set(['Approved', 'Denied', 'Failed']);
const spec = fp('spec');
const statusPath = fp('status');

function fp(name: string): FieldPath {
  return FieldPath.root(name);
}

interface Condition extends Obj {
  type?: string;
  status?: string;
}

const conditionsOf = (obj: KubeObject): Condition[] => {
  const c = statusOf(obj).conditions;
  return Array.isArray(c) ? c.filter(isObj) as Condition[] : [];
};

/** The DER inside the first PEM block of a base64 `request`, or why there is none (certificates/v1 ParseCSR). */
export function csrDer(request: string): { der?: Buffer; error?: string } {
  const pem = Buffer.from(request, 'base64').toString('latin1');
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m) return { error: 'PEM block type must be CERTIFICATE REQUEST' };
  if (m[1] !== 'CERTIFICATE REQUEST') return { error: 'PEM block type must be CERTIFICATE REQUEST' };
  const der = Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64');
  // An ASN.1 SEQUENCE: the full parse (and signature check) is the signer's (pki/csr.ts).
  if (der.length < 2 || der[0] !== 0x30) return { error: 'asn1: structure error: tags don\'t match' };
  return { der };
}

function validateSpec(obj: KubeObject): FieldError[] {
  const s = specOf(obj);
  const errs: FieldError[] = [];
  const request = str(s.request);
  if (!request) errs.push(required(spec.child('request').toString(), ''));
  else {
    const { error } = csrDer(request);
    if (error) errs.push(invalid(spec.child('request').toString(), request, error));
  }
  const usages = Array.isArray(s.usages) ? s.usages : [];
  if (!usages.length) errs.push(required(spec.child('usages').toString(), 'usages must be provided'));
  const seen = new Set<unknown>();
  usages.forEach((u, i) => {
    if (!KEY_USAGES.includes(u as string)) errs.push(notSupported(spec.child('usages').index(i).toString(), u, KEY_USAGES));
    else if (seen.has(u)) errs.push(new FieldError('FieldValueDuplicate', spec.child('usages').index(i).toString(), u, ''));
    seen.add(u);
  });
  const signer = str(s.signerName);
  if (!signer) errs.push(required(spec.child('signerName').toString(), ''));
  else errs.push(...validateSignerName(signer, spec.child('signerName')));
  if (typeof s.expirationSeconds === 'number' && s.expirationSeconds < 600) {
    errs.push(invalid(spec.child('expirationSeconds').toString(), s.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  return errs;
}

/** ValidateSignerName: `<domain>/<path>`, the domain a DNS subdomain, the whole a qualified name's shape. */
function validateSignerName(signer: string, path: FieldPath): FieldError[] {
  const parts = signer.split('/');
  if (parts.length < 2 || !parts[0] || !parts.slice(1).join('/')) {
    return [invalid(path.toString(), signer, 'must be a fully qualified domain and path of the form \'example.com/signer-name\'')];
  }
  const domainErrs = isQualifiedName(`${parts[0]}/x`);
  return domainErrs.map((m) => invalid(path.toString(), signer, m));
}

function validateConditions(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  const p = statusPath.child('conditions');
  conditionsOf(obj).forEach((c, i) => {
    const t = str(c.type);
    if (!t) errs.push(required(p.index(i).child('type').toString(), ''));
    if (KNOWN_TYPES.has(t)) {
      if (seen.has(t)) errs.push(new FieldError('FieldValueDuplicate', p.index(i).child('type').toString(), t, ''));
      if (c.status !== 'True') errs.push(notSupported(p.index(i).child('status').toString(), c.status, ['True']));
    } else if (!['True', 'False', 'Unknown'].includes(str(c.status))) {
      errs.push(notSupported(p.index(i).child('status').toString(), c.status, ['False', 'True', 'Unknown']));
    }
    seen.add(t);
  });
  if (seen.has('Approved') && seen.has('Denied')) errs.push(invalid(p.toString(), conditionsOf(obj), 'Approved and Denied conditions are mutually exclusive'));
  return errs;
}

function validateCsr(obj: KubeObject): FieldError[] {
  return [...validateCoreMeta(obj.metadata, false, validatePathSegmentName), ...validateSpec(obj), ...validateConditions(obj)];
}

/** Conditions of `old` of the given types may not go away (ValidateCertificateSigningRequestUpdate). */
function keptConditions(obj: KubeObject, old: KubeObject, types: Set<string>): FieldError[] {
  const now = new Set(conditionsOf(obj).map((c) => c.type));
  return conditionsOf(old).filter((c) => types.has(str(c.type)) && !now.has(c.type))
    .map((c) => forbidden(statusPath.child('conditions').toString(), `updates may not remove a condition of type "${c.type}"`));
}

function validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...validateConditions(obj), ...keptConditions(obj, old, KNOWN_TYPES)];
  const cert = str(statusOf(obj).certificate), oldCert = str(statusOf(old).certificate);
  if (oldCert && cert !== oldCert) errs.push(invalid(statusPath.child('certificate').toString(), '<certificate data>', 'updates may not modify existing certificate'));
  return errs;
}

/** Timestamps the server fills in (populateConditionTimestamps). */
function stampConditions(obj: KubeObject, old: KubeObject | undefined): void {
  const now = rfc3339(new Date());
  const before = new Map((old ? conditionsOf(old) : []).map((c) => [c.type, c]));
  for (const c of conditionsOf(obj)) {
    if (!c.lastUpdateTime) c.lastUpdateTime = now;
    if (!c.lastTransitionTime) {
      const prev = before.get(c.type);
      c.lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
    }
  }
}

/** The written object's conditions of some types, the stored object's of the others. */
function mergeConditions(written: KubeObject, stored: KubeObject, fromWritten: (type: string) => boolean): Condition[] {
  return [...conditionsOf(stored).filter((c) => !fromWritten(str(c.type))), ...conditionsOf(written).filter((c) => fromWritten(str(c.type)))];
}

function withStatus(obj: KubeObject, status: Obj): KubeObject {
  const out = { ...obj, status };
  if (!status.conditions || (Array.isArray(status.conditions) && !status.conditions.length)) delete status.conditions;
  if (!status.certificate) delete status.certificate;
  return out;
}

export function certificatesResources(): ResourceDef[] {
  const def = builtinResource({
    group: 'certificates.k8s.io', kind: 'CertificateSigningRequest', resource: 'certificatesigningrequests', namespaced: false,
    shortNames: ['csr'], status: true, schemaPackage: 'certificates.v1',
    strategy: {
      prepareForCreate(obj, user?: UserInfo) {
        // Only request, signerName, expirationSeconds and usages come from the requester; who asked, from the API server.
        const s = specOf(obj);
        obj.spec = { ...s, username: user?.username ?? '', uid: user?.uid ?? '' };
        const out = obj.spec as Obj;
        if (user?.groups?.length) out.groups = [...user.groups];
        else delete out.groups;
        if (user?.extra && Object.keys(user.extra).length) out.extra = deepClone(user.extra);
        else delete out.extra;
        if (!out.uid) delete out.uid;
        delete obj.status;
      },
      prepareForUpdate(obj, old) {
        obj.spec = deepClone(old.spec);
        obj.status = deepClone(old.status);
        if (obj.status === undefined) delete obj.status;
      },
      validate: validateCsr,
      validateUpdate,
      prepareForStatusUpdate(obj, old) {
        // The signer writes the certificate and Failed; Approved and Denied are kept as stored (only /approval sets them).
        const status = { ...statusOf(obj), conditions: mergeConditions(obj, old, (t) => !APPROVAL_TYPES.has(t)) };
        Object.assign(obj, withStatus(obj, status));
        stampConditions(obj, old);
      },
      validateStatusUpdate: validateUpdate,
      selectableFields: (obj) => ({ 'spec.signerName': str(specOf(obj).signerName) }),
      subresources: {
        // An approver sets Approved or Denied; nothing else of the object changes.
        approval: {
          prepareForUpdate(obj, old) {
            const out = deepClone(old);
            out.metadata.resourceVersion = obj.metadata.resourceVersion;
            const status = { ...statusOf(out), conditions: mergeConditions(obj, old, (t) => APPROVAL_TYPES.has(t)) };
            const result = withStatus(out, status);
            stampConditions(result, old);
            return result;
          },
          validateUpdate,
        },
      },
    },
  });
  def.subresources.others = [{ name: 'approval', kind: 'CertificateSigningRequest', verbs: ['get', 'patch', 'update'] }];
  return [def];
}
