// The running StatefulSet controller against an in-process Berth: claiming through real strategic merge patches
// (adopt orphans, release pods whose labels moved away, leave foreign pods alone), orphan revision adoption, the
// orphan-label-change handler, Parallel bursts, and a clean stop.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { builtin } from '../../../src/client/resources.js';
import type { ControllerRevision } from '../../../src/controllers/history/controller-history.js';
import type { Pod, StatefulSet } from '../../../src/controllers/statefulset/types.js';
import { eventually } from '../../e2e/harness.js';
import { FakeKubelet, setPodRunning, startStatefulSetEnv, StatefulSetEnv } from '../../e2e/statefulset-kubelet.js';

let env: StatefulSetEnv;

before(async () => {
  env = await startStatefulSetEnv({ workers: 3 });
});

after(async () => {
  await env?.close();
});

async function namespace(name: string): Promise<string> {
  await env.client.create(builtin.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

function newSet(ns: string, name: string, replicas: number, extra: Partial<StatefulSet['spec']> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: { name, namespace: ns },
    spec: {
      replicas, serviceName: name, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
      ...extra,
    },
  };
}

function newPod(ns: string, name: string, labels: Record<string, string>): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
  };
}

const getPod = (ns: string, name: string) => env.client.get<Pod>(builtin.pods, name, { namespace: ns });
const controllerUid = (o: KubeObject) => o.metadata.ownerReferences?.find((r) => r.controller)?.uid;

test('adopts an orphan pod named <set>-<ordinal> instead of creating a new one', async () => {
  const ns = await namespace('adopt');
  const orphan = await env.client.create(builtin.pods, newPod(ns, 'web-0', { app: 'web' }));
  // OnDelete: the adopted pod carries no revision label, which a RollingUpdate would replace once it is Ready
  const set = await env.client.create(builtin.statefulSets, newSet(ns, 'web', 1, { updateStrategy: { type: 'OnDelete' } }));
  const adopted = await eventually(async () => {
    const p = await getPod(ns, 'web-0');
    return controllerUid(p) === set.metadata.uid ? p : undefined;
  }, 10_000, 20);
  assert.equal(adopted.metadata.uid, orphan.metadata.uid, 'the same pod, not a replacement');
  assert.deepEqual(adopted.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: set.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  // the identity labels are restored once the adopted pod is Running and Ready (OrderedReady stops at unready pods first)
  await setPodRunning(env.client, ns, 'web-0');
  const fixed = await eventually(async () => {
    const p = await getPod(ns, 'web-0');
    return p.metadata.labels?.['statefulset.kubernetes.io/pod-name'] === 'web-0' ? p : undefined;
  }, 10_000, 20);
  assert.equal(fixed.metadata.labels?.['apps.kubernetes.io/pod-index'], '0');
  // hostname/subdomain are only set on pods the controller creates (pod specs are immutable)
  assert.equal(fixed.spec?.hostname, undefined);
  assert.equal(fixed.metadata.uid, orphan.metadata.uid);
});

test('matching pods with another controller or a foreign name are left alone', async () => {
  const ns = await namespace('foreign');
  // db-0 belongs to a live ReplicationController (an owner that does not exist would have the garbage collector
  // delete the pod); the controller adopts it as the orphan matching its selector
  await env.client.create(builtin.pods, newPod(ns, 'db-0', { app: 'db', role: 'primary' }));
  const rc = await env.client.create<KubeObject>(builtin.replicationControllers, {
    apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc', namespace: ns },
    spec: { replicas: 1, selector: { app: 'db', role: 'primary' }, template: { metadata: { labels: { app: 'db', role: 'primary' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } },
  });
  await eventually(async () => controllerUid(await getPod(ns, 'db-0')) === rc.metadata.uid, 10_000, 20);
  await env.client.create(builtin.pods, newPod(ns, 'stray', { app: 'db' }));
  await env.client.create(builtin.statefulSets, newSet(ns, 'db', 1));
  // the sync ran (status written) and, db-0 being taken, keeps failing without touching it
  await eventually(async () => (await env.client.get<StatefulSet>(builtin.statefulSets, 'db', { namespace: ns })).status?.observedGeneration === 1, 10_000, 20);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(controllerUid(await getPod(ns, 'db-0')), rc.metadata.uid);
  assert.equal((await getPod(ns, 'stray')).metadata.ownerReferences, undefined);
});

test('a pod whose labels stop matching is released; an orphan whose labels start matching is adopted', async () => {
  const ns = await namespace('release');
  const set = await env.client.create(builtin.statefulSets, newSet(ns, 'app', 1));
  await eventually(async () => controllerUid(await getPod(ns, 'app-0')) === set.metadata.uid, 10_000, 20);
  // nothing makes app-0 Ready, so OrderedReady neither creates app-1 nor scales down the adopted app-3 below
  await env.client.create(builtin.pods, newPod(ns, 'app-3', { app: 'elsewhere' }));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await getPod(ns, 'app-3')).metadata.ownerReferences, undefined);
  await env.client.patch(builtin.pods, 'app-3', { metadata: { labels: { app: 'app' } } }, 'merge', { namespace: ns });
  await eventually(async () => controllerUid(await getPod(ns, 'app-3')) === set.metadata.uid, 10_000, 20);

  await env.client.patch(builtin.pods, 'app-3', { metadata: { labels: { app: 'gone' } } }, 'merge', { namespace: ns });
  const released = await eventually(async () => {
    const p = await getPod(ns, 'app-3');
    return !p.metadata.ownerReferences?.length ? p : undefined;
  }, 10_000, 20);
  assert.equal(released.metadata.labels?.app, 'gone');
});

test('an orphan ControllerRevision matching the selector is adopted', async () => {
  const ns = await namespace('revs');
  const orphan: ControllerRevision = {
    apiVersion: 'apps/v1', kind: 'ControllerRevision',
    metadata: { name: 'old-rev', namespace: ns, labels: { app: 'rev' } },
    data: { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'rev' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } } } },
    revision: 1,
  };
  await env.client.create(builtin.controllerRevisions, orphan);
  const set = await env.client.create(builtin.statefulSets, newSet(ns, 'rev', 1));
  const adopted = await eventually(async () => {
    const r = await env.client.get<ControllerRevision>(builtin.controllerRevisions, 'old-rev', { namespace: ns });
    return controllerUid(r) === set.metadata.uid ? r : undefined;
  }, 10_000, 20);
  assert.equal(adopted.revision, 1);
  // the set's own template becomes revision 2, after the adopted one
  const status = await eventually(async () => (await env.client.get<StatefulSet>(builtin.statefulSets, 'rev', { namespace: ns })).status?.updateRevision, 10_000, 20);
  const own = await env.client.get<ControllerRevision>(builtin.controllerRevisions, status, { namespace: ns });
  assert.equal(own.revision, 2);
});

test('Parallel pod management creates every pod without waiting for readiness', async () => {
  const ns = await namespace('parallel');
  await env.client.create(builtin.statefulSets, newSet(ns, 'par', 4, { podManagementPolicy: 'Parallel' }));
  const names = await eventually(async () => {
    const pods = (await env.client.list<Pod>(builtin.pods, { namespace: ns })).items;
    return pods.length === 4 ? pods.map((p) => p.metadata.name).sort() : undefined;
  }, 10_000, 20);
  assert.deepEqual(names, ['par-0', 'par-1', 'par-2', 'par-3']);
  const kubelet = new FakeKubelet(env.client, 5, ns);
  await kubelet.start();
  try {
    await kubelet.catchUp();
    const set = await eventually(async () => {
      const s = await env.client.get<StatefulSet>(builtin.statefulSets, 'par', { namespace: ns });
      return s.status?.readyReplicas === 4 ? s : undefined;
    }, 10_000, 20);
    assert.equal(set.status?.availableReplicas, 4);
  } finally {
    await kubelet.stop();
  }
});
