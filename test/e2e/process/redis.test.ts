// Seed 003 on real processes: the Redis StatefulSet from the notes, unchanged; a key written through redis-0's pod
// IP from the host survives `kubectl delete pod redis-0` because the new redis-0 runs on the same claim, where the
// AOF files are.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { applyYaml, eventually, instanceId, kubectlOk, needsPrograms, needsRealPods, podField, RealCluster, realPodsUnavailable, startRealCluster, waitReady } from './harness.js';

const SEED_003 = `
apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  clusterIP: None
  selector:
    app: redis
  ports:
  - port: 6379
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
spec:
  serviceName: "redis"
  replicas: 3
  selector:
    matchLabels:
      app: redis
  template:
    metadata:
      labels:
        app: redis
    spec:
      containers:
      - name: redis
        image: redis:7.0
        ports:
        - containerPort: 6379
        volumeMounts:
        - name: redis-data
          mountPath: /data
        command: ["redis-server", "--appendonly", "yes"]
  volumeClaimTemplates:
  - metadata:
      name: redis-data
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
`;

let c: RealCluster | undefined;
before(async () => {
  if (!realPodsUnavailable()) c = await startRealCluster();
});
after(async () => {
  await c?.stop();
  c?.cleanup();
});

const redisCli = (ip: string, ...args: string[]) => execFileSync('redis-cli', ['-h', ip, ...args], { encoding: 'utf8', timeout: 10_000 }).trim();

test('seed 003: redis-0..2 run redis-server; a key written through redis-0 survives deleting the pod (AOF on its claim)', { timeout: 240_000 }, async (t) => {
  if (!needsRealPods(t) || !needsPrograms(t, 'redis-server', 'redis-cli')) return;
  await applyYaml(c!, SEED_003);
  for (const n of [0, 1, 2]) await waitReady(c!, 'default', `redis-${n}`, 90_000);
  assert.deepEqual((await kubectlOk(c!, ['get', 'pods', '-l', 'app=redis', '-o', 'name'])).trim().split('\n'), ['pod/redis-0', 'pod/redis-1', 'pod/redis-2']);
  assert.deepEqual((await kubectlOk(c!, ['get', 'pvc', '-o', 'name'])).trim().split('\n'), ['persistentvolumeclaim/redis-data-redis-0', 'persistentvolumeclaim/redis-data-redis-1', 'persistentvolumeclaim/redis-data-redis-2']);

  const ip0 = await podField(c!, 'default', 'redis-0', '{.status.podIP}');
  const uid0 = await podField(c!, 'default', 'redis-0', '{.metadata.uid}');
  assert.equal(redisCli(ip0, 'set', 'foo', 'bar'), 'OK');
  assert.equal(redisCli(ip0, 'get', 'foo'), 'bar');
  // Each pod is its own redis: redis-1 does not have the key.
  const ip1 = await podField(c!, 'default', 'redis-1', '{.status.podIP}');
  assert.equal(redisCli(ip1, 'get', 'foo'), '');

  // The append-only file lives in the claim's directory under the data dir (as nfs-subdir names them).
  const pv = (await kubectlOk(c!, ['get', 'pvc', 'redis-data-redis-0', '-o', 'jsonpath={.spec.volumeName}'])).trim();
  const dir = join(c!.dataDir, 'volumes', `default-redis-data-redis-0-${pv}`);
  await eventually(() => existsSync(join(dir, 'appendonlydir')) && readdirSync(join(dir, 'appendonlydir')).some((f) => f.endsWith('.aof')), 20_000);

  await kubectlOk(c!, ['delete', 'pod', 'redis-0']);
  await eventually(async () => (await podField(c!, 'default', 'redis-0', '{.metadata.uid}').catch(() => uid0)) !== uid0, 60_000, 200);
  const ipNew = await waitReady(c!, 'default', 'redis-0', 90_000);
  assert.equal(await eventually(() => { try { return redisCli(ipNew, 'get', 'foo'); } catch { return undefined; } }, 20_000), 'bar');
  // The old process is gone: exactly three redis-server processes run in this cluster's cgroups.
  const id = instanceId(c!);
  const ours = execFileSync('pgrep', ['-x', 'redis-server'], { encoding: 'utf8' }).trim().split('\n').filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(`/berth-${id}/`);
    } catch {
      return false;
    }
  });
  assert.equal(ours.length, 3);
});
