// The type model: one description of every built-in API type, written from upstream's facts (Go types.go markers and
// generated.proto field numbers). Everything that needs to know the shape of an object reads it from here:
// OpenAPI v3 documents and `kubectl explain`, strict field validation (unknown fields), strategic merge patch
// (merge keys and patch strategies), server-side apply (list types, map keys), and protobuf decoding (field numbers).

/** A reference to a type. Named structs are referred to by their OpenAPI definition name. */
export type TypeRef =
  | { kind: 'string'; format?: string; enum?: string[] }
  | { kind: 'integer'; format: 'int32' | 'int64' }
  | { kind: 'number'; format?: 'double' | 'float' }
  | { kind: 'boolean' }
  /** []byte: base64 text in JSON, bytes in protobuf. */
  | { kind: 'bytes' }
  /** resource.Quantity: "1Gi" in JSON; protobuf message { string string = 1 }. */
  | { kind: 'quantity' }
  /** intstr.IntOrString: protobuf { int64 type = 1; int32 intVal = 2; string strVal = 3 }. */
  | { kind: 'intOrString' }
  /** metav1.Time (RFC 3339 seconds), protobuf { int64 seconds = 1; int32 nanos = 2 }. */
  | { kind: 'time' }
  /** metav1.MicroTime (RFC 3339 micros), same protobuf shape as time. */
  | { kind: 'microTime' }
  /** metav1.Duration: "1h2m" string in JSON and protobuf { int64 duration = 1 } (nanoseconds). */
  | { kind: 'duration' }
  /** runtime.RawExtension / apiextensions JSON: any JSON value; protobuf { bytes raw = 1 }. */
  | { kind: 'rawExtension' }
  /** metav1.FieldsV1 (managedFields), protobuf { bytes Raw = 1 } holding JSON. */
  | { kind: 'fieldsV1' }
  | { kind: 'ref'; name: string }
  | { kind: 'array'; items: TypeRef }
  /** map[string]T: JSON object; protobuf repeated entries { key = 1; value = 2 }. */
  | { kind: 'map'; values: TypeRef };

export interface FieldDef {
  /** JSON name, e.g. `terminationGracePeriodSeconds`. */
  name: string;
  type: TypeRef;
  /** Field number in upstream's generated.proto. Absent for fields that protobuf does not carry. */
  proto?: number;
  /** Short description of our own (shown by `kubectl explain`). */
  description?: string;
  required?: boolean;
  /** `+patchStrategy` marker: 'merge', 'retainKeys', 'merge,retainKeys' or 'replace'. */
  patchStrategy?: string;
  /** `+patchMergeKey` marker. */
  patchMergeKey?: string;
  /** `+listType` marker (server-side apply). */
  listType?: 'atomic' | 'set' | 'map';
  /** `+listMapKey` markers, in order. */
  listMapKeys?: string[];
  /** `+mapType` marker. */
  mapType?: 'atomic' | 'granular';
  /** `+structType` marker. */
  structType?: 'atomic' | 'granular';
  /** Optional pointer fields that are nil in Go; used only for documentation. */
  optional?: boolean;
}

export interface StructDef {
  /** OpenAPI definition name, e.g. `io.k8s.api.apps.v1.StatefulSet`. */
  name: string;
  description?: string;
  fields: FieldDef[];
  /** Top-level kinds carry the GVKs they are served as (x-kubernetes-group-version-kind). */
  gvk?: { group: string; version: string; kind: string }[];
  /** Type-level `+structType` marker (e.g. LabelSelector and OwnerReference are atomic); x-kubernetes-map-type. */
  structType?: 'atomic' | 'granular';
  /**
   * Go structs embedded with `json:",inline"` that protobuf still carries as a nested message (Volume's VolumeSource
   * is field 2). Their JSON fields are flattened into `fields` without proto numbers; protobuf codecs decode field
   * `proto` as `struct` and merge its fields into this object.
   */
  inlined?: { proto: number; struct: string }[];
  /**
   * Union discriminators and other quirks are not modelled; types whose JSON form is not an object (e.g. a
   * Quantity) use TypeRef kinds instead of StructDefs.
   */
}

export interface TypeModel {
  structs: Map<string, StructDef>;
  /** `group/version/Kind` → StructDef name, for top-level kinds. */
  kinds: Map<string, string>;
}

export const gvkKey = (group: string, version: string, kind: string) => `${group}/${version}/${kind}`;

/**
 * Whether `v` is the JSON of Go's zero value for a scalar type (`""`, `0`, `false`; empty base64 for []byte): what
 * encoding/json drops from an `omitempty` field. Structs, lists, maps and the special types are never "zero" here.
 */
export function isGoZeroScalar(type: TypeRef, v: unknown): boolean {
  switch (type.kind) {
    case 'string':
    case 'bytes':
      return v === '';
    case 'integer':
    case 'number':
      return v === 0;
    case 'boolean':
      return v === false;
    default:
      return false;
  }
}
