// The storage conformance suite on the SQLite store.
import { openSqliteStore, type SqliteStore } from '../../../src/storage/sqlite.js';
import type { Store } from '../../../src/storage/interface.js';
import { storeConformance } from './conformance/suite.js';
import { tempStore } from './fixtures/temp-store.js';

storeConformance({
  name: 'sqlite',
  async open(t) {
    const { store, path } = tempStore(t);
    const reopened: SqliteStore[] = [];
    t.after(async () => {
      for (const s of reopened) await s.close();
    });
    return {
      store,
      async reopen(current: Store) {
        await current.close();
        const again = openSqliteStore({ path });
        reopened.push(again);
        return again;
      },
    };
  },
});
