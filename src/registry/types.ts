// What the REST layer knows about a resource: names for discovery, the per-kind strategy (defaults, validation,
// what create/update may change), subresources, and how `kubectl get` prints it. Built-in kinds register these at
// start-up; CRDs add and remove them at run time.
import type { FieldError } from '../apimachinery/field-errors.js';
import type { KubeObject } from '../apimachinery/types.js';
import type { UserInfo } from '../api/identity.js';
import type { Printer } from '../printers/types.js';

export interface Strategy {
  /** SetDefaults_* for the kind; runs on create and update, before validation. */
  defaults?(obj: KubeObject): void;
  /** Kind-specific PrepareForCreate (e.g. Pod phase Pending, clearing status). Generic metadata is done already. */
  prepareForCreate?(obj: KubeObject, user?: UserInfo): void;
  /** Kind-specific PrepareForUpdate of the main resource (status is already copied from old when status is a subresource). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  validate?(obj: KubeObject): FieldError[];
  /** Update validation: immutable fields and transitions, plus the object's own validity. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Status subresource: kind-specific PrepareForUpdate (spec is already copied from old). */
  prepareForStatusUpdate?(obj: KubeObject, old: KubeObject): void;
  validateStatusUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Values for field selectors beyond metadata.name/metadata.namespace, e.g. `status.phase`. */
  selectableFields?(obj: KubeObject): Record<string, string>;
  /** Non-fatal warnings sent as `Warning: 299` headers. */
  warnings?(obj: KubeObject, old?: KubeObject): string[];
  /**
   * Subresources other than status written through the generic update path, as upstream's per-subresource strategies
   * (pods/ephemeralcontainers): the object to store, from the written one and the stored one, and its validation.
   */
  subresources?: Record<string, SubresourceStrategy>;
}

export interface SubresourceStrategy {
  /** The object to store: the stored one with what this subresource may change taken from the written one. */
  prepareForUpdate(obj: KubeObject, old: KubeObject): KubeObject;
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
}

/** autoscaling/v1 Scale projection of a resource. */
export interface ScaleSubresource {
  specReplicasPath: string; // e.g. '.spec.replicas'
  statusReplicasPath: string; // e.g. '.status.replicas'
  /** Path of a label selector in string form; or omitted when the selector is computed from spec.selector. */
  labelSelectorPath?: string;
  /** For built-in apps kinds: compute the string selector from `.spec.selector` (a LabelSelector). */
  selectorFromSpec?: boolean;
  /** For ReplicationController: `.spec.selector` is a plain label map. */
  selectorFromSpecMap?: boolean;
}

export interface ResourceDef {
  group: string; // '' for core
  version: string;
  kind: string;
  listKind: string;
  /** Plural resource name, e.g. `statefulsets`. */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Discovery verbs; default: create delete deletecollection get list patch update watch. */
  verbs: string[];
  subresources: {
    status?: boolean;
    scale?: ScaleSubresource;
    /** Other subresource names served elsewhere (e.g. pods/log, pods/exec, pods/binding). */
    others?: { name: string; kind: string; verbs: string[]; group?: string; version?: string }[];
  };
  /** Whether metadata.generation counts spec changes (kinds with a spec). */
  tracksGeneration: boolean;
  strategy: Strategy;
  /** Type model name for OpenAPI / strict validation / SMP / protobuf; absent for CRs (they carry a schema). */
  schemaName?: string;
  printer?: Printer;
  /** Storage key segment if several group/versions share one storage (e.g. events.k8s.io Event → core events). */
  storageResource?: { group: string; resource: string };
  /** Converts between the served form and the stored form when they differ (shared storage, CRD versions). */
  conversion?: { toStorage(obj: KubeObject): KubeObject; fromStorage(obj: KubeObject): KubeObject };
  /**
   * Metadata a status write may change (upstream's status strategies: Deployment resets only spec and labels;
   * ReplicaSet, StatefulSet and DaemonSet only spec). Default: none (metav1.ResetObjectMetaForStatus).
   */
  statusMetadata?: { labels?: boolean; annotations?: boolean };
  /** Warning sent with every response about this resource (e.g. v1 Endpoints in 1.33). */
  deprecationWarning?: string;
  /** Resources registered by CRDs. */
  custom?: boolean;
  /**
   * Upstream's AllowUnconditionalUpdate: a PUT whose body carries no metadata.resourceVersion replaces the stored
   * object whatever its revision (Helm writes its release Secrets so). Unset: such a PUT is a 422, as for custom
   * resources, CRDs and the few built-in kinds whose strategies refuse it (registry/builtin.ts lists them).
   */
  unconditionalUpdate?: boolean;
  /**
   * Schema operations for kinds without a type-model struct (custom resources): unknown-field detection and pruning,
   * the OpenAPI v3 schema published for them, and the managedFields type (a managedfields TypeSchema).
   */
  customSchema?: {
    unknownFields(obj: unknown): string[];
    pruneUnknown(obj: unknown): string[];
    openapi?: Record<string, unknown>;
    managedFields?: unknown;
  };
}

export const DEFAULT_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  def: ResourceDef;
  namespace: string;
  name: string;
  subresource: string;
  object?: KubeObject;
  oldObject?: KubeObject;
  dryRun: boolean;
  user: UserInfo;
}

/** Admission plugin hook (NamespaceLifecycle, DefaultStorageClass, …). May mutate attrs.object; throws ApiError to reject. */
export interface AdmissionPlugin {
  name: string;
  admit?(attrs: AdmissionAttributes): Promise<void> | void;
  validate?(attrs: AdmissionAttributes): Promise<void> | void;
}
