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
