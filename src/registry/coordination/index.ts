// coordination.k8s.io/v1 Lease: ValidateLease* (pkg/apis/coordination/validation).
import { FieldError, forbidden, invalid } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { nameIsDNSSubdomain } from '../../apimachinery/validation/names.js';
import { validateCoreMeta, validateCoreMetaUpdate } from '../core/def.js';
import { builtinResource } from '../resource-def.js';
import { specOf } from '../apps/shared.js';
import type { ResourceDef } from '../types.js';

export function validateLease(obj: KubeObject): FieldError[] {
  const errs = validateCoreMeta(obj.metadata, true, nameIsDNSSubdomain);
  const spec = specOf(obj);
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0) {
    errs.push(invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (typeof spec.leaseTransitions === 'number' && spec.leaseTransitions < 0) {
    errs.push(invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  if (spec.preferredHolder && !spec.holderIdentity) errs.push(forbidden('spec.preferredHolder', 'may only be specified if holderIdentity is set'));
  return errs;
}

export function coordinationResources(): ResourceDef[] {
  return [
    builtinResource({
      group: 'coordination.k8s.io', kind: 'Lease', resource: 'leases', namespaced: true, schemaPackage: 'coordination.v1',
      strategy: {
        validate: validateLease,
        validateUpdate: (obj, old) => [...validateCoreMetaUpdate(obj.metadata, old.metadata), ...validateLease(obj)],
      },
    }),
  ];
}
