// Public surface of the storage layer.
export * from './interface.js';
export { openSqliteStore, SqliteStore, DEFAULT_HISTORY_LIMIT, type SqliteStoreOptions } from './sqlite.js';
export { guaranteedUpdate, keyFor, prefixFor, type GuaranteedUpdateOptions } from './helpers.js';
export type { Durability } from './schema.js';
