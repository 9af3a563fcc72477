// Upstream pod management behaviours with kubectl against `berth up`: OrderedReady halts on an unhealthy pod when
// scaling up and down (the node agent's never-ready annotation reaches one pod through a partitioned update or an
// OnDelete replacement), Parallel bursts despite unready pods, no deadlock when a predecessor fails (upstream's
// e2e with a readiness gate standing in for its paused pods), and minReadySeconds / availableReplicas.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Cluster, eventually, kubectlOk, startCluster } from './harness.js';
import { StatefulSetInvariants } from './lib/invariants.js';
import { apply, headlessService, names, newNamespace, pods, sleep, statefulSet, stopAllStreams, sts, waitReady } from './lib/sts.js';

const NEVER_READY = { 'sim.berth.dev/ready': 'false' };
const GATE = 'berth.dev/healthy';

let c: Cluster;
before(async () => { c = await startCluster({ args: ['--sim-start-delay', '50'] }); });
after(async () => {
  await stopAllStreams();
  await StatefulSetInvariants.stopAll();
  await c?.stop();
  c?.cleanup();
});

const patchSts = (ns: string, patch: unknown) => kubectlOk(c, ['patch', 'sts', 'web', '-n', ns, '--type', 'merge', '-p', JSON.stringify(patch)]);
const scale = (ns: string, n: number) => kubectlOk(c, ['scale', 'sts', 'web', `--replicas=${n}`, '-n', ns]);

/** Waits for a pod with this name that is Running but not Ready (and not the given old uid). */
const runningUnready = (ns: string, name: string, notUid?: string) => eventually(async () => {
  const p = (await pods(c, ns)).find((x) => x.name === name);
  return p && p.uid !== notUid && p.phase === 'Running' && !p.ready && !p.terminating ? p : undefined;
}, 15_000, 50);

/** Sets the readiness gate condition through pods/status, as a client holding a pod unready would. */
const setGate = (ns: string, pod: string, status: 'True' | 'False') => kubectlOk(c, ['patch', 'pod', pod, '-n', ns, '--subresource=status', '--type=strategic',
  '-p', JSON.stringify({ status: { conditions: [{ type: GATE, status, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] } })]);

test('OrderedReady: scale-up halts behind an unhealthy pod; scaling down may remove the first unhealthy pod', async () => {
  const ns = await newNamespace(c, 'halt-up');
  const inv = await StatefulSetInvariants.start(c, ns);
  await apply(c, ns, headlessService(), statefulSet({ replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }));
  const healthy = await waitReady(c, ns, 3);

  // a partitioned update carries the never-ready annotation to web-2 only
  await patchSts(ns, { spec: { template: { metadata: { annotations: NEVER_READY } } } });
  await runningUnready(ns, 'web-2', healthy[2].uid);
  await scale(ns, 5);
  await sleep(1000);
  assert.deepEqual(names(await pods(c, ns)), ['web-0', 'web-1', 'web-2'], 'web-3 waits for web-2 to be Running and Ready');
  const halted = await sts(c, ns);
  assert.equal(halted.status.replicas, 3);
  assert.equal(halted.status.readyReplicas, 2);
  assert.match(await kubectlOk(c, ['get', 'sts', 'web', '-n', ns]), /\nweb\s+2\/5\s+\d+s\n$/);

  // removing the first unhealthy pod can only help, so scaling down goes ahead: web-2, then web-1
  await scale(ns, 1);
  const one = await waitReady(c, ns, 1);
  assert.equal(one[0].uid, healthy[0].uid);
  await inv.assertClean();
});

test('OrderedReady: scale-down does not delete while a remaining pod is unhealthy, and resumes once it is healthy', async () => {
  const ns = await newNamespace(c, 'halt-down');
  const inv = await StatefulSetInvariants.start(c, ns);
  await apply(c, ns, headlessService(), statefulSet({ replicas: 4, updateStrategy: { type: 'OnDelete' } }));
  const healthy = await waitReady(c, ns, 4);

  // under OnDelete the annotated template reaches only the pod deleted by hand: web-1
  await patchSts(ns, { spec: { template: { metadata: { annotations: NEVER_READY } } } });
  await kubectlOk(c, ['delete', 'pod', 'web-1', '-n', ns, '--wait=false']);
  await runningUnready(ns, 'web-1', healthy[1].uid);

  await scale(ns, 2);
  await sleep(1000);
  const held = await pods(c, ns);
  assert.deepEqual(names(held), ['web-0', 'web-1', 'web-2', 'web-3'], 'web-3 and web-2 stay while web-1 is unhealthy');
  assert.ok(held.every((p) => !p.terminating));
  assert.equal((await sts(c, ns)).status.replicas, 4);

  // heal web-1 (template without the annotation, pod replaced by hand): the scale-down proceeds
  await patchSts(ns, { spec: { template: { metadata: { annotations: { 'sim.berth.dev/ready': 'true' } } } } });
  await kubectlOk(c, ['delete', 'pod', 'web-1', '-n', ns, '--wait=false']);
  const two = await waitReady(c, ns, 2);
  assert.equal(two[0].uid, healthy[0].uid);
  await inv.assertClean();
});

test('Parallel creates and deletes all pods at once even though none becomes Ready', async () => {
  const ns = await newNamespace(c, 'parallel');
  const inv = await StatefulSetInvariants.start(c, ns);
  await apply(c, ns, headlessService(), statefulSet({ replicas: 4, podManagementPolicy: 'Parallel', podAnnotations: NEVER_READY }));
  const all = await eventually(async () => {
    const ps = await pods(c, ns);
    return ps.length === 4 && ps.every((p) => p.phase === 'Running') ? ps : undefined;
  }, 15_000, 50);
  assert.ok(all.every((p) => !p.ready));
  const s = await eventually(async () => {
    const x = await sts(c, ns);
    return x.status?.replicas === 4 ? x : undefined;
  });
  assert.equal(s.status.readyReplicas, undefined, 'zero counters are omitted as in Go');
  assert.match(await kubectlOk(c, ['get', 'sts', 'web', '-n', ns]), /\nweb\s+0\/4\s+\d+s\n$/);

  await scale(ns, 6);
  await eventually(async () => (await pods(c, ns)).length === 6, 15_000, 50);
  await scale(ns, 0);
  await eventually(async () => (await pods(c, ns)).length === 0, 15_000, 50);
  assert.deepEqual(inv.creations.map((x) => x.split('@')[0]).sort(), ['web-0', 'web-1', 'web-2', 'web-3', 'web-4', 'web-5']);
  await inv.assertClean();
});

test('no deadlock when a predecessor fails: web-0 is recreated (new uid) while web-1 is unhealthy', async () => {
  const ns = await newNamespace(c, 'predecessor');
  const inv = await StatefulSetInvariants.start(c, ns);
  const set = statefulSet({ replicas: 2 }) as any;
  set.spec.template.spec.readinessGates = [{ conditionType: GATE }];
  await apply(c, ns, headlessService(), set);

  // pods start held unready by the gate; releasing web-0 lets web-1 be created
  const first0 = await runningUnready(ns, 'web-0');
  await sleep(300);
  assert.deepEqual(names(await pods(c, ns)), ['web-0']);
  await setGate(ns, 'web-0', 'True');
  await runningUnready(ns, 'web-1');

  // deleting the healthy web-0 while web-1 is unhealthy: web-0 comes back
  await kubectlOk(c, ['delete', 'pod', 'web-0', '-n', ns, '--wait=false']);
  const second0 = await runningUnready(ns, 'web-0', first0.uid);
  await setGate(ns, 'web-0', 'True');
  await eventually(async () => (await pods(c, ns))[0].ready, 10_000, 50);

  // a Failed web-0 (as after a kubelet eviction) is deleted and recreated with a new uid
  await kubectlOk(c, ['patch', 'pod', 'web-0', '-n', ns, '--subresource=status', '--type=merge',
    '-p', JSON.stringify({ status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' } })]);
  const third0 = await runningUnready(ns, 'web-0', second0.uid);
  assert.notEqual(third0.uid, first0.uid);
  const events = await kubectlOk(c, ['get', 'events', '-n', ns, '--field-selector', 'involvedObject.kind=StatefulSet', '-o', 'jsonpath={range .items[*]}{.reason} {.message}{"\\n"}{end}']);
  assert.match(events, /SuccessfulDelete delete Pod web-0 in StatefulSet web successful/);

  await setGate(ns, 'web-0', 'True');
  await setGate(ns, 'web-1', 'True');
  await waitReady(c, ns, 2);
  await inv.assertClean();
});

test('minReadySeconds: the next ordinal waits until its predecessor is available; availableReplicas lags readyReplicas', async () => {
  const ns = await newNamespace(c, 'min-ready');
  const inv = await StatefulSetInvariants.start(c, ns);
  await apply(c, ns, headlessService(), statefulSet({ replicas: 2, minReadySeconds: 2 }));
  await eventually(async () => (await pods(c, ns))[0]?.ready, 10_000, 20);
  const readyAt = Date.now();
  const lagging = await eventually(async () => {
    const s = await sts(c, ns);
    return s.status?.readyReplicas === 1 ? s : undefined;
  }, 10_000, 20);
  assert.equal(lagging.status.availableReplicas, 0, 'ready but not yet available (availableReplicas has no omitempty)');
  await eventually(async () => (await pods(c, ns)).length === 2, 10_000, 20);
  const waited = Date.now() - readyAt;
  // Measured on the server's clock (seconds): web-0's Ready transition to web-1's creation is at least
  // minReadySeconds (2 s, so at least 1 s once both are truncated to seconds); the test's own clock only sees web-0
  // Ready when its poll does, which on a loaded machine is late.
  const at = async (pod: string, path: string) => Date.parse((await kubectlOk(c, ['get', 'pod', pod, '-n', ns, '-o', `jsonpath=${path}`])).trim());
  const readyOnServer = await at('web-0', '{.status.conditions[?(@.type=="Ready")].lastTransitionTime}');
  const createdOnServer = await at('web-1', '{.metadata.creationTimestamp}');
  assert.ok(createdOnServer - readyOnServer >= 1000, `web-1 was created ${createdOnServer - readyOnServer} ms after web-0 became Ready (server clock; ${waited} ms as this test saw it)`);
  const s = await eventually(async () => {
    const x = await sts(c, ns);
    return x.status?.availableReplicas === 2 ? x : undefined;
  }, 10_000, 50);
  assert.equal(s.status.readyReplicas, 2);
  await inv.assertClean();
});
