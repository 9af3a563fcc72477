// Namespace (pkg/registry/core/namespace/strategy.go, SetDefaults_Namespace, ValidateNamespace*).
import { FieldPath, invalid } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { isQualifiedName, validateNamespaceName } from '../../apimachinery/validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../apimachinery/validation/objectmeta.js';
import type { ResourceDef } from '../types.js';
import { coreDef, o } from './def.js';
import { arr, isObj, str } from './helpers.js';
import { validateKubeFinalizers } from './pod-validation.js';

const meta = FieldPath.root('metadata');

function validateFinalizerNames(finalizers: string[], path: FieldPath, indexed: boolean) {
  return finalizers.flatMap((f, i) => {
    const fp = indexed ? path.index(i) : path;
    const errs = isQualifiedName(f).map((m) => invalid(fp.toString(), f, m));
    if (!f.includes('/') && !['kubernetes', 'orphan', 'foregroundDeletion'].includes(f)) {
      errs.push(invalid(fp.toString(), f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
    return errs;
  });
}

function validateNamespace(obj: KubeObject) {
  const errs = validateObjectMeta(obj.metadata, false, validateNamespaceName, meta);
  errs.push(...validateKubeFinalizers(obj.metadata.finalizers, meta.child('finalizers')));
  const spec = isObj(o(obj).spec) ? o(obj).spec : {};
  errs.push(...validateFinalizerNames(arr<string>(spec.finalizers), FieldPath.root('spec').child('finalizers'), false));
  return errs;
}

export function namespaceStatusErrors(obj: KubeObject) {
  const phase = str(o(obj).status?.phase);
  if (!obj.metadata.deletionTimestamp) {
    return phase !== 'Active' ? [invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty")] : [];
  }
  return phase !== 'Terminating' ? [invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")] : [];
}

/** ValidateNamespaceFinalizeUpdate (namespaces/finalize). */
export function validateNamespaceFinalizeUpdate(obj: KubeObject, old: KubeObject) {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata, meta);
  errs.push(...validateFinalizerNames(arr<string>(o(obj).spec?.finalizers), FieldPath.root('spec').child('finalizers'), true));
  return errs;
}

export const namespaceResource: ResourceDef = coreDef({
  kind: 'Namespace',
  resource: 'namespaces',
  namespaced: false,
  shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: { status: true, others: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }] },
  strategy: {
    defaults(obj) {
      const x = o(obj);
      if (!isObj(x.status)) x.status = {};
      if (!x.status.phase) x.status.phase = 'Active';
      // SetDefaults_Namespace stamps the immutable name label.
      if (obj.metadata.name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
    },
    prepareForCreate(obj) {
      const x = o(obj);
      x.status = { phase: 'Active' };
      if (!isObj(x.spec)) x.spec = {};
      const fins = arr<string>(x.spec.finalizers);
      if (!fins.includes('kubernetes')) x.spec.finalizers = [...fins, 'kubernetes'];
    },
    prepareForUpdate(obj, old) {
      // spec.finalizers only change through namespaces/finalize; status through namespaces/status
      const x = o(obj), y = o(old);
      x.spec = structuredClone(y.spec ?? {});
      x.status = structuredClone(y.status ?? {});
    },
    validate: validateNamespace,
    validateUpdate(obj, old) {
      const errs = validateObjectMetaUpdate(obj.metadata, old.metadata, meta);
      errs.push(...validateKubeFinalizers(obj.metadata.finalizers, meta.child('finalizers')));
      return errs;
    },
    validateStatusUpdate(obj, old) {
      return [...validateObjectMetaUpdate(obj.metadata, old.metadata, meta), ...namespaceStatusErrors(obj)];
    },
    selectableFields(obj) {
      return { 'status.phase': str(o(obj).status?.phase), name: obj.metadata.name ?? '' };
    },
  },
});

/**
 * Deleting a namespace marks it Terminating; it stays (deletion waits) while spec.finalizers is not empty, until the
 * namespace controller has emptied it and removed the `kubernetes` finalizer (pkg/registry/core/namespace/storage).
 */
export function namespaceBlocksDeletion(ns: KubeObject): boolean {
  const status = (ns.status ??= {}) as { phase?: string };
  status.phase = 'Terminating';
  const spec = ns.spec as { finalizers?: string[] } | undefined;
  return (spec?.finalizers?.length ?? 0) > 0;
}
