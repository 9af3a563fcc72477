// The watch cache in front of etcd is bounded by --watch-history-mb as SQLite's history is (issue 19): `berth up
// --etcd-servers … --watch-history-mb 1`, ConfigMaps of 300 KiB each, and the real kubectl's watch from the first of
// them gets upstream's 410 "too old resource version" while a watch from a retained revision is served.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { etcdUnavailable, startEtcd, type EtcdCluster } from '../support/etcd.js';
import { kubectl, kubectlOk, startCluster, type Cluster } from './harness.js';

const skip = etcdUnavailable();
let etcd: EtcdCluster;
let c: Cluster;

before(async () => {
  if (skip) return;
  etcd = await startEtcd();
  c = await startCluster({ args: ['--no-controllers', '--etcd-servers', etcd.servers, '--watch-history-mb', '1'] });
});

after(async () => {
  await c?.stop();
  c?.cleanup();
  await etcd?.stop();
});

test('--watch-history-mb bounds the etcd watch cache: large ConfigMaps push old events out and a watch from behind gets 410', { skip, timeout: 120_000 }, async () => {
  const revs: string[] = [];
  for (let i = 0; i < 6; i++) {
    const file = join(c.dataDir, `big-${i}.txt`);
    writeFileSync(file, String(i).repeat(300 * 1024));
    await kubectlOk(c, ['create', 'configmap', `big-${i}`, `--from-file=blob=${file}`]);
    revs.push(await kubectlOk(c, ['get', 'configmap', `big-${i}`, '-o', 'jsonpath={.metadata.resourceVersion}']));
  }
  const watchFrom = (rv: string) => kubectl(c, ['get', '--raw', `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=1`]);
  // 1.8 MiB written into a 1 MiB window: the first events are gone.
  const old = await watchFrom(revs[0]!);
  assert.match(old.stdout + old.stderr, /"code":410/);
  assert.match(old.stdout + old.stderr, /too old resource version/);
  // The newest events are still there: a watch from the one before the last replays the last.
  const recent = await watchFrom(revs[4]!);
  assert.equal(recent.code, 0, recent.stderr);
  const events = recent.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
  assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED big-5']);
});
