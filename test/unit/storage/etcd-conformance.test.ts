// The storage conformance suite on etcd (Debian's etcd-server, started by the test on loopback ports): the etcd
// store alone, and the watch cache in front of it as the API server uses it. Each test gets its own key prefix.
import { after, before } from 'node:test';
import type { Etcd3 } from 'etcd3';
import { startCacher } from '../../../src/storage/cacher/cacher.js';
import { connectEtcd } from '../../../src/storage/etcd/client.js';
import { openEtcdStore } from '../../../src/storage/etcd/etcd-store.js';
import type { Store } from '../../../src/storage/interface.js';
import { etcdUnavailable, startEtcd, type EtcdCluster } from '../../support/etcd.js';
import { storeConformance } from './conformance/suite.js';

const unavailable = etcdUnavailable();
let etcd: EtcdCluster | undefined;
let prefixes = 0;
before(async () => {
  if (!unavailable) etcd = await startEtcd();
});
after(async () => etcd?.stop());

/** A store on its own client, and the client to close with it. */
async function etcdStore(prefix: string): Promise<{ store: Store; client: Etcd3 }> {
  const client = connectEtcd({ servers: [etcd!.members[0]!.clientUrl] });
  return { store: await openEtcdStore({ client, prefix }), client };
}

for (const cached of [false, true]) {
  storeConformance({
    name: cached ? 'watch cache on etcd' : 'etcd',
    unavailable,
    windowStartsAtOpen: cached,
    async open(t) {
      const prefix = `/t${process.pid}-${++prefixes}`;
      const clients: Etcd3[] = [];
      const stores: Store[] = [];
      const open = async () => {
        const { store, client } = await etcdStore(prefix);
        clients.push(client);
        const s = cached ? await startCacher(store) : store;
        stores.push(s);
        return s;
      };
      t.after(async () => {
        for (const s of stores) await s.close();
        for (const c of clients) c.close();
      });
      return {
        store: await open(),
        async reopen(current: Store) {
          await current.close();
          return open();
        },
      };
    },
  });
}
