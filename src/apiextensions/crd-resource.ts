// The customresourcedefinitions resource (apiextensions.k8s.io/v1): SetDefaults_CustomResourceDefinition and the
// registry strategy of upstream's pkg/registry/customresourcedefinition (status reset on create, status owned by
// the status subresource, the storage version recorded in status.storedVersions).
import type { KubeObject } from '../apimachinery/types.js';
import { DEFAULT_VERBS, type ResourceDef, type Strategy } from '../registry/types.js';
import { validateCRD, validateCRDStatusUpdate, validateCRDUpdate } from './crd-validation.js';
import { asCRD, CRD_GROUP, CRD_KIND, CRD_RESOURCE, CRD_SCHEMA_NAME, CustomResourceDefinition, storageVersionOf } from './types.js';

export function defaultCRD(obj: KubeObject): void {
  const crd = asCRD(obj);
  const spec = crd.spec;
  if (!spec || typeof spec !== 'object') return;
  const names = (spec.names ??= {});
  if (!names.singular && names.kind) names.singular = names.kind.toLowerCase();
  if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  spec.conversion ??= { strategy: 'None' };
  const webhook = spec.conversion.webhook as { clientConfig?: { service?: { port?: number } } } | undefined | null;
  if (webhook?.clientConfig?.service && webhook.clientConfig.service.port === undefined) webhook.clientConfig.service.port = 443;
  for (const v of spec.versions ?? []) {
    v.served ??= false;
    v.storage ??= false;
  }
  if (!crd.status?.storedVersions?.length) recordStorageVersion(crd);
}

/** Appends the current storage version to status.storedVersions (never removes: that is a storage migration). */
function recordStorageVersion(crd: CustomResourceDefinition): void {
  const storage = storageVersionOf(crd);
  if (!storage) return;
  crd.status ??= {};
  const stored = (crd.status.storedVersions ??= []);
  if (!stored.includes(storage)) stored.push(storage);
}

export const crdStrategy: Strategy = {
  defaults: defaultCRD,
  prepareForCreate(obj) {
    const crd = asCRD(obj);
    crd.status = { acceptedNames: { plural: '', kind: '' } };
    recordStorageVersion(crd);
  },
  prepareForUpdate(obj) {
    recordStorageVersion(asCRD(obj));
  },
  validate: (obj) => validateCRD(asCRD(obj)),
  validateUpdate: (obj, old) => validateCRDUpdate(asCRD(obj), asCRD(old)),
  validateStatusUpdate: (obj, old) => validateCRDStatusUpdate(asCRD(obj), asCRD(old)),
};

export function customResourceDefinitionResource(): ResourceDef {
  return {
    group: CRD_GROUP,
    version: 'v1',
    kind: CRD_KIND,
    listKind: `${CRD_KIND}List`,
    resource: CRD_RESOURCE,
    singular: 'customresourcedefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    verbs: DEFAULT_VERBS,
    subresources: { status: true },
    tracksGeneration: true,
    strategy: crdStrategy,
    schemaName: CRD_SCHEMA_NAME,
  };
}

/** Every resource of the apiextensions.k8s.io group, for the built-in list. */
export function apiextensionsResources(): ResourceDef[] {
  return [customResourceDefinitionResource()];
}
