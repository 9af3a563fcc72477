// Restart keeps every object; an acknowledged write survives kill -9 of the server (and of etcd, on etcd).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { etcdUnavailable, startEtcd } from '../support/etcd.js';
import { kubectlOk, rawRequest, startCluster } from './harness.js';

test('restart with the same data dir keeps every object and resourceVersions move forward', async () => {
  const c = await startCluster();
  try {
    await kubectlOk(c, ['create', 'namespace', 'keep']);
    await kubectlOk(c, ['create', 'configmap', 'kept', '-n', 'keep', '--from-literal=a=b']);
    const before = JSON.parse(await kubectlOk(c, ['get', 'cm', 'kept', '-n', 'keep', '-o', 'json']));
    await c.stop();
    const c2 = await startCluster({ dataDir: c.dataDir });
    try {
      const after = JSON.parse(await kubectlOk(c2, ['get', 'cm', 'kept', '-n', 'keep', '-o', 'json']));
      assert.deepEqual(after, before);
      await kubectlOk(c2, ['label', 'cm', 'kept', '-n', 'keep', 'x=y']);
      const updated = JSON.parse(await kubectlOk(c2, ['get', 'cm', 'kept', '-n', 'keep', '-o', 'json']));
      assert.ok(Number(updated.metadata.resourceVersion) > Number(before.metadata.resourceVersion));
    } finally {
      await c2.stop();
    }
  } finally {
    c.cleanup();
  }
});

/**
 * Four writers create ConfigMaps until the server is SIGKILLed (with `killMore`, e.g. etcd, at the same moment);
 * a server started again on the same data dir (and etcd) lists every create that got its 201.
 */
async function acknowledgedCreatesSurvive(args: string[], killMore: () => Promise<void> = async () => {}, restartMore: () => Promise<void> = async () => {}) {
  const c = await startCluster({ args });
  const acked: string[] = [];
  try {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 8 });
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const name = `w${w}-${i}`;
        try {
          const res = await rawRequest(c, 'POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ metadata: { name }, data: { i: String(i) } }), {}, { agent });
          if (res.status === 201) acked.push(name);
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await new Promise((r) => setTimeout(r, 1500));
    await Promise.all([c.kill(), killMore()]);
    stop = true;
    await Promise.all(writers);
    agent.destroy();
    assert.ok(acked.length > 20, `only ${acked.length} writes were acknowledged`);
    await restartMore();
    const c2 = await startCluster({ dataDir: c.dataDir, args });
    try {
      const list = JSON.parse((await rawRequest(c2, 'GET', '/api/v1/namespaces/default/configmaps')).body);
      const names = new Set(list.items.map((i: { metadata: { name: string } }) => i.metadata.name));
      const missing = acked.filter((n) => !names.has(n));
      assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged writes lost`);
    } finally {
      await c2.stop();
    }
  } finally {
    c.cleanup();
  }
}

test('acknowledged creates survive kill -9', () => acknowledgedCreatesSurvive([]));

test('on etcd, acknowledged creates survive kill -9 of the server and of etcd at once', { skip: etcdUnavailable(), timeout: 120_000 }, async (t) => {
  const etcd = await startEtcd();
  t.after(() => etcd.stop());
  const member = etcd.members[0]!;
  await acknowledgedCreatesSurvive(['--no-controllers', '--etcd-servers', etcd.servers], () => member.kill(), () => member.restart());
});
