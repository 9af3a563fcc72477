// etcd history compaction, as k8s.io/apiserver/pkg/storage/etcd3/compact.go: every interval, each API server tries
// to advance a shared "compaction time" (the version of the compact_rev_key) with a compare-and-swap; the one that
// wins compacts etcd at the revision it saw one interval earlier, so one interval of history is always kept for
// watches and lists at a revision. The others learn they lost the race and try again an interval later; if the
// winner dies, another server's CAS succeeds next time. The key sits under Berth's prefix (upstream's sits at the
// root of etcd): Berth writes nothing outside its prefix.
import type { EtcdStore } from './etcd-store.js';

/** kube-apiserver's --etcd-compaction-interval default. */
export const DEFAULT_COMPACTION_INTERVAL_MS = 5 * 60_000;

export interface Compactor {
  /** One round now (tests; the timer calls it every interval). */
  tick(): Promise<void>;
  stop(): void;
}

export function startCompactor(store: EtcdStore, intervalMs = DEFAULT_COMPACTION_INTERVAL_MS, log: (line: string) => void = (l) => console.error(l)): Compactor {
  // The compaction time this server last saw (0: the key does not exist yet) and the revision seen at that moment.
  let compactTime = 0;
  let rev = 0;
  let stopped = false;
  let running: Promise<void> | undefined;
  const key = store.etcdKey(store.compactKey());
  const round = async () => {
    const res = await store.call(() => store.client.kv.txn({
      compare: [{ key, target: 'Version', result: 'Equal', version: compactTime }],
      success: [{ request_put: { key, value: Buffer.from(String(rev)) } }],
      failure: [{ request_range: { key } }],
    }));
    const current = Number(res.header.revision);
    if (!res.succeeded) {
      // Another server advanced the time: follow it, and note how far it compacted.
      const kv = res.responses[0]?.response_range?.kvs[0];
      compactTime = Number(kv?.version ?? 0);
      if (kv) store.noteCompactKey(Number(kv.value.toString()) || 0);
      rev = current;
      return;
    }
    compactTime++;
    const target = rev;
    rev = current;
    store.noteCompactKey(0);
    if (target === 0) return; // no compaction on the first round
    await store.compact(target);
    store.noteCompactKey(target);
  };
  const tick = async () => {
    if (stopped) return;
    running = round().catch((e: unknown) => log(`berth: etcd compaction failed: ${e instanceof Error ? e.message : String(e)}`));
    await running;
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return {
    tick,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
