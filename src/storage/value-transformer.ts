// The value path between an object's JSON and the bytes a store keeps, as upstream's storage value.Transformer
// (k8s.io/apiserver/pkg/storage/value): encryption at rest plugs in here, per key (a transformer that encrypts only
// /registry/secrets/ leaves every other value as it is). Stores call it on every write and read of a value.

export interface ValueTransformer {
  /** The bytes to store for `key`, from the object's JSON text. */
  toStorage(key: string, plain: Buffer): Buffer;
  /** The object's JSON text back from the stored bytes of `key`. */
  fromStorage(key: string, stored: Buffer): Buffer;
}

/** Stores the JSON text as it is. */
export const identityTransformer: ValueTransformer = {
  toStorage: (_key, plain) => plain,
  fromStorage: (_key, stored) => stored,
};

/**
 * A transformer that changes the values of some keys only (encryption at rest names its resources). Stores use the
 * extra knowledge to keep other values as they are (SQLite joins plain JSON lists in SQL) and to rewrite, at open,
 * values that the transformer reads but would not write (plaintext from before encryption, an older key).
 */
export interface ScopedValueTransformer extends ValueTransformer {
  /** Whether values under this key are transformed. */
  handles(key: string): boolean;
  /** Whether any key under `prefix` may be transformed. */
  overlaps(prefix: string): boolean;
  /** Whether the stored bytes of `key` are what toStorage writes today (anything else is rewritten at open). */
  isCurrent(key: string, stored: Buffer): boolean;
}

export function isScoped(t: ValueTransformer): t is ScopedValueTransformer {
  const s = t as Partial<ScopedValueTransformer>;
  return typeof s.handles === 'function' && typeof s.overlaps === 'function' && typeof s.isCurrent === 'function';
}
