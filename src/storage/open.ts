// The store a server runs on: embedded SQLite in its data dir (the default), or etcd (--etcd-servers) behind the
// server's own watch cache, with upstream's compactor.
import { join } from 'node:path';
import type { Store } from './interface.js';
import type { ValueTransformer } from './value-transformer.js';

export interface EtcdStorageOptions {
  servers: string[];
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** --etcd-prefix (default /registry). */
  prefix?: string;
  /** --etcd-compaction-interval in ms (default 5 minutes; 0 turns the compactor off, as upstream). */
  compactionIntervalMs?: number;
  /** Events the watch cache keeps for watches to resume from. */
  watchCacheCapacity?: number;
}

export interface StorageOptions {
  dataDir: string;
  /** SQLite's watch history (events). */
  historyLimit?: number;
  /** Bytes of object text SQLite's watch history, or the watch cache in front of etcd, keeps (--watch-history-mb). */
  historyMaxBytes?: number;
  etcd?: EtcdStorageOptions;
  transformer?: ValueTransformer;
}

export interface OpenedStorage {
  store: Store;
  /** Whether the store answers (the `etcd` health check); absent for SQLite. */
  health?: () => Promise<boolean>;
  close(): Promise<void>;
}

export async function openStorage(opts: StorageOptions): Promise<OpenedStorage> {
  if (!opts.etcd) {
    const { openSqliteStore } = await import('./sqlite.js');
    const store = openSqliteStore({ path: join(opts.dataDir, 'state.db'), historyLimit: opts.historyLimit, historyMaxBytes: opts.historyMaxBytes, transformer: opts.transformer });
    return { store, close: () => store.close() };
  }
  const [{ connectEtcd }, { openEtcdStore }, { startCompactor, DEFAULT_COMPACTION_INTERVAL_MS }, { startCacher }] = await Promise.all([
    import('./etcd/client.js'), import('./etcd/etcd-store.js'), import('./etcd/compactor.js'), import('./cacher/cacher.js'),
  ]);
  const e = opts.etcd;
  const client = connectEtcd({ servers: e.servers, caFile: e.caFile, certFile: e.certFile, keyFile: e.keyFile });
  try {
    const etcd = await openEtcdStore({ client, prefix: e.prefix, transformer: opts.transformer });
    const interval = e.compactionIntervalMs ?? DEFAULT_COMPACTION_INTERVAL_MS;
    const compactor = interval > 0 ? startCompactor(etcd, interval) : undefined;
    const store = await startCacher(etcd, { capacity: e.watchCacheCapacity, maxBytes: opts.historyMaxBytes });
    return {
      store,
      health: async () => {
        try {
          await Promise.race([etcd.fetchCurrentRevision(), new Promise((_, reject) => setTimeout(reject, 2000).unref())]);
          return true;
        } catch {
          return false;
        }
      },
      async close() {
        compactor?.stop();
        await store.close();
        client.close();
      },
    };
  } catch (err) {
    client.close();
    throw new Error(`etcd at ${e.servers.join(',')}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
