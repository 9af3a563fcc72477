// storage.k8s.io/v1 StorageClass: SetDefaults_StorageClass and ValidateStorageClass* (pkg/apis/storage/validation).
import { FieldError, forbidden, invalid, notSupported, required } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { isQualifiedName, nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { validateImmutableField } from '../../apimachinery/validation/objectmeta.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { isObj, semanticEqual, str } from '../apps/shared.js';
import { builtinResource } from '../resource-def.js';
import type { ResourceDef } from '../types.js';

const MAX_PROVISIONER_PARAMETER_SIZE = 256 * 1024;
const MAX_PROVISIONER_PARAMETER_LEN = 512;

export function setDefaultsStorageClass(obj: KubeObject): void {
  if (!obj.reclaimPolicy) obj.reclaimPolicy = 'Delete';
  if (!obj.volumeBindingMode) obj.volumeBindingMode = 'Immediate';
}

function validateParameters(params: unknown): FieldError[] {
  if (!isObj(params)) return [];
  const errs: FieldError[] = [];
  let total = 0;
  const keys = Object.keys(params);
  if (keys.length > MAX_PROVISIONER_PARAMETER_LEN) {
    errs.push(new FieldError('FieldValueTooLong', 'parameters', undefined, `Provisioner Parameters exceeded max allowed length of ${MAX_PROVISIONER_PARAMETER_LEN}`));
  }
  for (const k of keys) {
    if (k.length === 0) errs.push(invalid('parameters', k, 'field can not be empty.'));
    total += k.length + str(params[k]).length;
  }
  if (total > MAX_PROVISIONER_PARAMETER_SIZE) {
    errs.push(new FieldError('FieldValueTooLong', 'parameters', undefined, `Provisioner Parameters exceeded max allowed size of ${MAX_PROVISIONER_PARAMETER_SIZE}`));
  }
  return errs;
}

export function validateStorageClass(obj: KubeObject): FieldError[] {
  const errs = validateCoreMeta(obj.metadata, false, nameIsDNSSubdomain);
  const provisioner = str(obj.provisioner);
  if (provisioner.length === 0) errs.push(required('provisioner', provisioner));
  else errs.push(...isQualifiedName(provisioner.toLowerCase()).map((m) => invalid('provisioner', provisioner.toLowerCase(), m)));
  errs.push(...validateParameters(obj.parameters));
  const reclaim = str(obj.reclaimPolicy);
  if (reclaim && reclaim !== 'Delete' && reclaim !== 'Retain') errs.push(notSupported('reclaimPolicy', reclaim, ['Delete', 'Retain']));
  const mode = obj.volumeBindingMode;
  if (mode === undefined || mode === null) errs.push(required('volumeBindingMode'));
  else if (mode !== 'Immediate' && mode !== 'WaitForFirstConsumer') errs.push(notSupported('volumeBindingMode', mode, ['Immediate', 'WaitForFirstConsumer']));
  return errs;
}

export function validateStorageClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateCoreMetaUpdate(obj.metadata, old.metadata);
  if (!semanticEqual(obj.parameters, old.parameters)) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (obj.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if ((obj.reclaimPolicy ?? '') !== (old.reclaimPolicy ?? '')) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutableField(obj.volumeBindingMode ?? null, old.volumeBindingMode ?? null, 'volumeBindingMode'));
  return errs;
}

export function storageResources(): ResourceDef[] {
  return [
    builtinResource({
      group: 'storage.k8s.io', kind: 'StorageClass', resource: 'storageclasses', namespaced: false, shortNames: ['sc'], schemaPackage: 'storage.v1',
      strategy: {
        defaults: setDefaultsStorageClass,
        validate: validateStorageClass,
        validateUpdate: (obj, old) => [...validateStorageClass(obj), ...validateStorageClassUpdate(obj, old)],
      },
    }),
  ];
}
