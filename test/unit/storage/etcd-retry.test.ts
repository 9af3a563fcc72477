// Which etcd calls the store's client sends again (src/storage/etcd/retry-policy.ts): reads after a transient
// failure, writes only when they were never sent. Against real etcd behind a proxy that loses one answer: the call
// reached etcd (a write committed) but its response never came back, the case where a blind retry lies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { GRPCDeadlineExceededError, GRPCInternalError, GRPCUnavailableError } from 'etcd3';
import { connectEtcd } from '../../../src/storage/etcd/client.js';
import { openEtcdStore } from '../../../src/storage/etcd/etcd-store.js';
import { isMutatingCall, mayRetry } from '../../../src/storage/etcd/retry-policy.js';
import { keyFor } from '../../../src/storage/helpers.js';
import { StorageError } from '../../../src/storage/interface.js';
import { etcdUnavailable, startEtcd } from '../../support/etcd.js';
import { pod } from './conformance/suite.js';

const skip = etcdUnavailable();

test('reads are repeatable; puts, deletes, transactions and compactions are not (clientv3\'s retry policies)', () => {
  for (const method of ['put', 'deleteRange', 'txn', 'compact'] as const) assert.equal(isMutatingCall({ service: 'KV', method }), true, method);
  assert.equal(isMutatingCall({ service: 'Cluster', method: 'memberRemove' }), true);
  assert.equal(isMutatingCall({ service: 'KV', method: 'range' }), false);
  assert.equal(isMutatingCall({ service: 'Maintenance', method: 'status' }), false);
});

test('a write is sent again only when it never left; a read after any transient failure', () => {
  const dropped = new GRPCUnavailableError('14 UNAVAILABLE: Connection dropped');
  const timedOut = new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED: Deadline exceeded');
  const reset = new GRPCInternalError('13 INTERNAL: Received RST_STREAM with code 2');
  const unsent = new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: ');
  const closed = new GRPCUnavailableError('14 UNAVAILABLE: Channel closed before call started');
  for (const e of [dropped, timedOut, reset]) {
    assert.equal(mayRetry(true, e), false, `write after ${e.message}`);
    assert.equal(mayRetry(false, e), true, `read after ${e.message}`);
  }
  for (const e of [unsent, closed]) {
    assert.equal(mayRetry(true, e), true, `write after ${e.message}`);
    assert.equal(mayRetry(false, e), true, `read after ${e.message}`);
  }
  // etcd's own refusals (not transient) are never retried
  assert.equal(mayRetry(false, new Error('etcdserver: mvcc: required revision has been compacted')), false);
});

/** A TCP proxy to one etcd member that, when armed, passes the next request on but loses every answer to it. */
async function lossyProxy(target: { host: string; port: number }): Promise<{ port: number; loseNextAnswer(): void; connections: number; close(): Promise<void> }> {
  let armed = false;
  const open = new Set<Socket>();
  const state = { connections: 0 };
  const server: Server = createServer((client) => {
    state.connections++;
    const upstream = createConnection(target);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => s.destroy());
    }
    let losing = false;
    client.on('data', (d) => {
      upstream.write(d);
      if (armed && !losing) {
        armed = false;
        losing = true;
        // etcd gets the request and commits it; the answer is swallowed, then the connection dies.
        setTimeout(() => {
          client.destroy();
          upstream.destroy();
        }, 500);
      }
    });
    upstream.on('data', (d) => {
      if (!losing) client.write(d);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    loseNextAnswer: () => { armed = true; },
    get connections() { return state.connections; },
    close: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }),
  };
}

test('a create whose answer is lost is not sent again (no AlreadyExists for a create that succeeded); a read whose answer is lost is', { skip, timeout: 60_000 }, async (t) => {
  const etcd = await startEtcd();
  t.after(() => etcd.stop());
  const member = new URL(etcd.members[0]!.clientUrl);
  const proxy = await lossyProxy({ host: member.hostname, port: Number(member.port) });
  t.after(() => proxy.close());
  const client = connectEtcd({ servers: [`http://127.0.0.1:${proxy.port}`], requestTimeoutMs: 5_000 });
  const store = await openEtcdStore({ client, prefix: '/retry' });
  t.after(async () => {
    await store.close();
    client.close();
  });
  const direct = connectEtcd({ servers: [etcd.members[0]!.clientUrl] });
  t.after(() => direct.close());
  const settle = () => new Promise((r) => setTimeout(r, 200)); // the connection's window updates and acks go out

  const key = keyFor('', 'pods', 'default', 'web-0');
  await store.get(key); // the connection is up
  await settle();
  proxy.loseNextAnswer();
  const err = await store.create(key, pod('web-0')).then(() => undefined, (e: unknown) => e);
  // Unavailable, which the API server answers 504 Timeout: the outcome is unknown, the client reads back.
  assert.ok(err instanceof StorageError && err.code === 'Unavailable', `the create whose answer was lost fails as Unavailable, not AlreadyExists: ${String(err)}`);
  const committed = await direct.get('/retry/pods/default/web-0').string();
  assert.ok(committed?.includes('"web-0"'), 'the create had committed');
  assert.equal(proxy.connections, 1, 'the create was not sent again on a new connection');

  // A read whose answer is lost is sent again (on a new connection) and answers.
  await store.get(key);
  await settle();
  proxy.loseNextAnswer();
  const read = await store.get(key);
  assert.equal(read?.value.metadata.name, 'web-0');
  assert.equal(proxy.connections, 3, 'the read was retried on a new connection');
});
