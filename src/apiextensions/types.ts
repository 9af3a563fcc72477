// The apiextensions.k8s.io/v1 CustomResourceDefinition as it travels on the wire, typed only as far as the
// registry, the controller and validation read it, plus the condition helpers of upstream's apihelpers.
import type { KubeObject } from '../apimachinery/types.js';
import type { PrinterColumnDefinition } from '../printers/custom.js';
import { rfc3339 } from '../apimachinery/time.js';

export const CRD_GROUP = 'apiextensions.k8s.io';
export const CRD_RESOURCE = 'customresourcedefinitions';
export const CRD_KIND = 'CustomResourceDefinition';
export const CRD_SCHEMA_NAME = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition';
/** Holds a CRD while its custom resources are deleted (upstream's CustomResourceCleanupFinalizer). */
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';
export const API_APPROVAL_ANNOTATION = 'api-approved.kubernetes.io';

export type JSONSchemaProps = Record<string, unknown>;

export interface CRDNames {
  plural?: string;
  singular?: string;
  shortNames?: string[];
  kind?: string;
  listKind?: string;
  categories?: string[];
}

export interface ScaleSubresourceSpec {
  specReplicasPath?: string;
  statusReplicasPath?: string;
  labelSelectorPath?: string;
}

export interface CRDSubresources {
  status?: Record<string, unknown> | null;
  scale?: ScaleSubresourceSpec | null;
}

/** A version's additionalPrinterColumns entry. */
export type PrinterColumn = PrinterColumnDefinition;

export interface CRDVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string | null;
  schema?: { openAPIV3Schema?: JSONSchemaProps | null } | null;
  subresources?: CRDSubresources | null;
  additionalPrinterColumns?: PrinterColumn[] | null;
  selectableFields?: { jsonPath: string }[] | null;
}

export interface CRDConversion {
  strategy?: string;
  webhook?: Record<string, unknown> | null;
}

export interface CRDSpec {
  group: string;
  names: CRDNames;
  scope: string;
  versions: CRDVersion[];
  conversion?: CRDConversion | null;
  preserveUnknownFields?: boolean;
}

export interface CRDCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface CRDStatus {
  conditions?: CRDCondition[] | null;
  acceptedNames?: CRDNames;
  storedVersions?: string[] | null;
}

export interface CustomResourceDefinition extends KubeObject {
  spec: CRDSpec;
  status?: CRDStatus;
}

export const asCRD = (obj: KubeObject) => obj as CustomResourceDefinition;

export function findCondition(crd: CustomResourceDefinition, type: string): CRDCondition | undefined {
  return crd.status?.conditions?.find((c) => c.type === type);
}

export function isConditionTrue(crd: CustomResourceDefinition, type: string): boolean {
  return findCondition(crd, type)?.status === 'True';
}

/** SetCRDCondition: replaces the condition of that type; lastTransitionTime moves only when the status flips. */
export function setCondition(crd: CustomResourceDefinition, cond: CRDCondition, now = new Date()): void {
  crd.status ??= {};
  const conditions = (crd.status.conditions ??= []);
  const existing = conditions.find((c) => c.type === cond.type);
  if (!existing) {
    conditions.push({ ...cond, lastTransitionTime: rfc3339(now) });
    return;
  }
  if (existing.status !== cond.status || !existing.lastTransitionTime) existing.lastTransitionTime = rfc3339(now);
  existing.status = cond.status;
  existing.reason = cond.reason;
  existing.message = cond.message;
}

/** Condition equality ignoring lastTransitionTime (IsCRDConditionEquivalent). */
export function sameCondition(a: CRDCondition | undefined, b: CRDCondition | undefined): boolean {
  if (!a || !b) return a === b;
  return a.type === b.type && a.status === b.status && (a.reason ?? '') === (b.reason ?? '') && (a.message ?? '') === (b.message ?? '');
}

export function storageVersionOf(crd: CustomResourceDefinition): string | undefined {
  return crd.spec?.versions?.find((v) => v.storage)?.name;
}
