// A Ctrl-C restart of Berth as pods see it: every pod that was running runs again on its volumes, whatever its
// restartPolicy. A restartPolicy: Never pod (etcd-operator's members, `kubectl run --restart=Never`) must not read
// as Failed because Berth stopped its container: it was Running, it runs again, with the lost run counted.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { applyYaml, kubectlOk, needsRealPods, podField, RealCluster, startRealCluster, waitReady } from './harness.js';

let c: RealCluster | undefined;
after(async () => {
  await c?.stop();
  c?.cleanup();
});

test('a restartPolicy: Never pod running when Berth stops runs again after the restart, its emptyDir kept, never Failed', { timeout: 300_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  c = await startRealCluster({ args: ['--nodes', '1'] });
  await applyYaml(c, `apiVersion: v1
kind: Pod
metadata:
  name: once
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 2
  initContainers:
  - name: init
    image: busybox
    command: ["sh", "-c", "echo kept > /data/file"]
    volumeMounts: [{ name: data, mountPath: /data }]
  containers:
  - name: c
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts: [{ name: data, mountPath: /data }]
  volumes:
  - name: data
    emptyDir: {}
`);
  await waitReady(c, 'default', 'once', 90_000);
  const uid = await podField(c, 'default', 'once', '{.metadata.uid}');
  const { dataDir, clusterCidr, serviceCidr } = c;
  await c.stop();
  c = await startRealCluster({ dataDir, ranges: { clusterCidr, serviceCidr } });
  await waitReady(c, 'default', 'once', 120_000);
  assert.equal(await podField(c, 'default', 'once', '{.metadata.uid}'), uid);
  assert.equal(await podField(c, 'default', 'once', '{.status.phase}'), 'Running');
  assert.equal(await podField(c, 'default', 'once', '{.status.containerStatuses[0].restartCount}'), '1');
  assert.ok(await podField(c, 'default', 'once', '{.status.podIP}'), 'the pod has an IP again');
  assert.equal((await kubectlOk(c, ['exec', 'once', '--', 'cat', '/data/file'])).trim(), 'kept');
});
