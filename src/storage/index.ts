// Public surface of the storage layer.
export * from './interface.js';
export { openSqliteStore, SqliteStore, DEFAULT_HISTORY_LIMIT, DEFAULT_HISTORY_MAX_BYTES, type SqliteStoreOptions } from './sqlite.js';
export { guaranteedUpdate, keyFor, prefixFor, type GuaranteedUpdateOptions } from './helpers.js';
export type { Durability } from './schema.js';
