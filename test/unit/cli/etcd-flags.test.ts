import { test } from 'node:test';
import assert from 'node:assert/strict';
import { etcdOptionsFrom, goDurationMs } from '../../../src/cli/etcd-flags.js';
import { connectEtcd, parseEtcdServers } from '../../../src/storage/etcd/client.js';

test('--etcd-servers takes comma-separated http(s) URLs and refuses anything else with a clear message', () => {
  assert.deepEqual(parseEtcdServers('http://127.0.0.1:2379, http://127.0.0.1:2380'), ['http://127.0.0.1:2379', 'http://127.0.0.1:2380']);
  assert.throws(() => parseEtcdServers(''), /at least one URL/);
  assert.throws(() => parseEtcdServers('127.0.0.1:2379'), /not a URL|scheme must be http or https/);
  assert.throws(() => parseEtcdServers('unix:///run/etcd.sock'), /scheme must be http or https/);
});

test('TLS flags need --etcd-servers, https needs a CA, a certificate needs its key', () => {
  const flags = { etcdPrefix: '/registry', etcdCompactionInterval: 300_000 };
  assert.equal(etcdOptionsFrom(flags), undefined, 'SQLite stays the default');
  assert.throws(() => etcdOptionsFrom({ ...flags, etcdCafile: '/ca.crt' }), /need --etcd-servers/);
  assert.throws(() => etcdOptionsFrom({ ...flags, etcdServers: ['http://127.0.0.1:2379'], etcdPrefix: 'registry' }), /must start with '\/'/);
  assert.deepEqual(etcdOptionsFrom({ ...flags, etcdServers: ['http://127.0.0.1:2379'] }), {
    servers: ['http://127.0.0.1:2379'], caFile: undefined, certFile: undefined, keyFile: undefined, prefix: '/registry', compactionIntervalMs: 300_000,
  });
  assert.throws(() => connectEtcd({ servers: ['https://127.0.0.1:2379'] }), /--etcd-cafile is needed/);
  assert.throws(() => connectEtcd({ servers: ['http://127.0.0.1:2379'], certFile: '/c.crt' }), /go together/);
});

test('durations are Go\'s, as kube flags take them', () => {
  const d = goDurationMs('--x');
  assert.equal(d('5m'), 300_000);
  assert.equal(d('15s'), 15_000);
  assert.equal(d('500ms'), 500);
  assert.equal(d('1.5s'), 1500);
  assert.equal(d('0'), 0);
  assert.throws(() => d('5'), /--x must be a duration/);
});
