// The simulated node agent against a real Berth: node registration and leases, pods bound by nodeName running
// through init containers to Running/Ready with IPs, readiness gates, exit codes, restarts and graceful deletion.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { builtin } from '../../../src/client/resources.js';
import { NodeAgent, startNodeAgent } from '../../../src/nodeagent/index.js';
import type { Node, Pod } from '../../../src/api/core.js';
import { Env, getPod, isGone, pod, startEnv, waitFor } from './env.js';

let env: Env;
let agent: NodeAgent;

before(async () => {
  env = await startEnv();
  agent = await startNodeAgent(env.client, { simStartDelayMs: 40, backOffBaseMs: 300, heartbeat: { leaseRenewMs: 200 } });
});

after(async () => {
  await agent?.stop();
  await env?.close();
});

const cond = (p: Pod, type: string) => p.status?.conditions?.find((c) => c.type === type);
const ready = (p: Pod) => cond(p, 'Ready')?.status === 'True';

async function until(name: string, check: (p: Pod) => boolean, what: string, ms = 20_000): Promise<Pod> {
  return waitFor(async () => {
    const p = await getPod(env.client, name);
    return check(p) && p;
  }, `${name}: ${what}`, ms);
}

test('registers Ready nodes with capacity, node info and a renewed lease', async () => {
  assert.deepEqual(agent.nodeNames, ['berth-node-1', 'berth-node-2', 'berth-node-3']);
  const nodes = await env.client.list<Node>(builtin.nodes);
  assert.deepEqual(nodes.items.map((n) => n.metadata.name).sort(), agent.nodeNames);
  const n2 = nodes.items.find((n) => n.metadata.name === 'berth-node-2')!;
  assert.equal(n2.metadata.labels?.['kubernetes.io/hostname'], 'berth-node-2');
  assert.equal(n2.metadata.labels?.['kubernetes.io/os'], 'linux');
  assert.equal(n2.spec?.podCIDR, '10.244.1.0/24');
  assert.deepEqual([n2.status?.capacity?.cpu, n2.status?.capacity?.memory, n2.status?.capacity?.pods], ['4', '8Gi', '110']);
  assert.deepEqual(n2.status?.allocatable?.cpu, '4');
  assert.equal(n2.status?.nodeInfo?.kubeletVersion, 'v1.33.0');
  assert.equal(n2.status?.nodeInfo?.containerRuntimeVersion, 'berth-sim://0.1');
  assert.deepEqual(n2.status?.addresses?.[0], { type: 'InternalIP', address: '172.18.0.3' });
  const readyCond = n2.status?.conditions?.find((c) => c.type === 'Ready');
  assert.equal(readyCond?.status, 'True');
  assert.equal(readyCond?.reason, 'KubeletReady');
  assert.ok(readyCond?.lastHeartbeatTime && readyCond.lastTransitionTime);

  const lease = await env.client.get<KubeObject & { spec: { renewTime: string; holderIdentity: string } }>(builtin.leases, 'berth-node-2', { namespace: 'kube-node-lease' });
  assert.equal(lease.spec.holderIdentity, 'berth-node-2');
  assert.equal(lease.metadata.ownerReferences?.[0].uid, n2.metadata.uid);
  assert.match(lease.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  await waitFor(async () => {
    const l = await env.client.get<KubeObject & { spec: { renewTime: string } }>(builtin.leases, 'berth-node-2', { namespace: 'kube-node-lease' });
    return l.spec.renewTime !== lease.spec.renewTime;
  }, 'lease renewal', 3000);
});

test('runs init containers first, then the app containers to Running and Ready with IPs', async () => {
  const created = await env.client.create(builtin.pods, pod('web', {
    nodeName: 'berth-node-1',
    // Steps long enough that the first init container's run is published even on a loaded machine.
    annotations: { 'sim.berth.dev/start-delay-ms': '400' },
    spec: { initContainers: [{ name: 'setup', image: 'busybox' }, { name: 'migrate', image: 'busybox:1.36' }], containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'ghcr.io/acme/log:v2' }] },
  }));
  // While the first init container runs, the pod is Pending and not initialized.
  const initializing = await until('web', (p) => !!p.status?.initContainerStatuses?.[0]?.state?.running, 'first init container running');
  assert.equal(initializing.status?.phase, 'Pending');
  assert.equal(cond(initializing, 'Initialized')?.status, 'False');
  assert.equal(cond(initializing, 'Initialized')?.reason, 'ContainersNotInitialized');
  assert.equal(cond(initializing, 'Initialized')?.message, 'containers with incomplete status: [setup migrate]');
  assert.equal(initializing.status?.containerStatuses?.[0].state?.waiting?.reason, 'PodInitializing');

  const p = await until('web', (x) => x.status?.phase === 'Running' && ready(x), 'Running and Ready');
  const st = p.status!;
  assert.equal(st.hostIP, '172.18.0.2');
  assert.deepEqual(st.hostIPs, [{ ip: '172.18.0.2' }]);
  assert.match(st.podIP!, /^10\.244\.0\.\d+$/);
  assert.deepEqual(st.podIPs, [{ ip: st.podIP }]);
  assert.ok(st.startTime);
  assert.equal(st.qosClass, 'BestEffort');
  for (const init of st.initContainerStatuses!) {
    assert.equal(init.state?.terminated?.reason, 'Completed');
    assert.equal(init.state?.terminated?.exitCode, 0);
    assert.equal(init.ready, true);
  }
  // Each init container finished before the next one (and the app containers) started.
  const [setup, migrate] = st.initContainerStatuses!;
  assert.ok(setup.state!.terminated!.finishedAt! <= migrate.state!.terminated!.startedAt!);
  assert.deepEqual(st.containerStatuses!.map((c) => c.name), ['log', 'web']);
  for (const c of st.containerStatuses!) {
    assert.equal(c.ready, true);
    assert.equal(c.started, true);
    assert.equal(c.restartCount, 0);
    assert.ok(c.state?.running?.startedAt);
    assert.ok(c.state!.running!.startedAt! >= migrate.state!.terminated!.finishedAt!);
    assert.match(c.containerID!, /^berth-sim:\/\/[0-9a-f]{64}$/);
  }
  const web = st.containerStatuses!.find((c) => c.name === 'web')!;
  assert.equal(web.image, 'docker.io/library/nginx:1.27');
  assert.match(web.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.equal(st.containerStatuses!.find((c) => c.name === 'log')!.image, 'ghcr.io/acme/log:v2');
  for (const type of ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']) {
    const c = cond(p, type);
    assert.equal(c?.status, 'True', type);
    assert.ok(c?.lastTransitionTime, `${type} lastTransitionTime`);
  }
  assert.deepEqual(st.conditions!.map((c) => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
  assert.equal(p.metadata.uid, created.metadata.uid);

  // A second pod on the same node gets a different address from the same /24.
  await env.client.create(builtin.pods, pod('web-2', { nodeName: 'berth-node-1' }));
  const p2 = await until('web-2', ready, 'Ready');
  assert.match(p2.status!.podIP!, /^10\.244\.0\.\d+$/);
  assert.notEqual(p2.status!.podIP, st.podIP);
  // And one on another node an address from that node's range.
  await env.client.create(builtin.pods, pod('web-3', { nodeName: 'berth-node-3' }));
  const p3 = await until('web-3', ready, 'Ready');
  assert.match(p3.status!.podIP!, /^10\.244\.2\.\d+$/);
  assert.equal(p3.status!.hostIP, '172.18.0.4');
});

test('readiness gates hold Ready until their condition is True', async () => {
  await env.client.create(builtin.pods, pod('gated', { nodeName: 'berth-node-2', spec: { readinessGates: [{ conditionType: 'example.com/lb-ready' }] } }));
  let p = await until('gated', (x) => cond(x, 'ContainersReady')?.status === 'True', 'containers ready');
  assert.equal(p.status?.phase, 'Running');
  assert.equal(cond(p, 'Ready')?.status, 'False');
  assert.equal(cond(p, 'Ready')?.reason, 'ReadinessGatesNotReady');
  assert.equal(cond(p, 'Ready')?.message, 'corresponding condition of pod readiness gate "example.com/lb-ready" does not exist.');

  // A controller sets the gate False, then True, through /status.
  const setGate = async (status: string) => {
    const cur = await getPod(env.client, 'gated');
    const conditions = [...(cur.status?.conditions ?? []).filter((c) => c.type !== 'example.com/lb-ready'), { type: 'example.com/lb-ready', status, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }];
    await env.client.updateStatus(builtin.pods, { ...cur, status: { ...cur.status, conditions } });
  };
  await setGate('False');
  p = await until('gated', (x) => cond(x, 'Ready')?.message?.includes('but False') ?? false, 'gate False reported');
  assert.equal(cond(p, 'Ready')?.message, 'the status of pod readiness gate "example.com/lb-ready" is not "True", but False');
  await setGate('True');
  p = await until('gated', ready, 'Ready once the gate is True');
  assert.equal(cond(p, 'example.com/lb-ready')?.status, 'True', 'the gate condition is kept');
});

test('sim.berth.dev/ready "false" keeps a running pod unready; ready-after-ms delays readiness', async () => {
  await env.client.create(builtin.pods, pod('never-ready', { nodeName: 'berth-node-2', annotations: { 'sim.berth.dev/ready': 'false' } }));
  await env.client.create(builtin.pods, pod('slow-ready', { nodeName: 'berth-node-2', annotations: { 'sim.berth.dev/ready-after-ms': '600' } }));
  const slowRunning = await until('slow-ready', (x) => x.status?.phase === 'Running', 'Running');
  assert.equal(ready(slowRunning), false);
  assert.equal(cond(slowRunning, 'Ready')?.message, 'containers with unready status: [app]');
  await until('slow-ready', ready, 'Ready after the delay');
  const never = await getPod(env.client, 'never-ready');
  assert.equal(never.status?.phase, 'Running');
  assert.equal(ready(never), false);
  assert.equal(never.status?.containerStatuses?.[0].ready, false);
  assert.equal(never.status?.containerStatuses?.[0].started, true);
});

test('exit-code with restartPolicy Never fails the pod', async () => {
  await env.client.create(builtin.pods, pod('job-like', { nodeName: 'berth-node-3', annotations: { 'sim.berth.dev/exit-code': '3' }, spec: { restartPolicy: 'Never' } }));
  const p = await until('job-like', (x) => x.status?.phase === 'Failed', 'Failed');
  const c = p.status!.containerStatuses![0];
  assert.equal(c.state?.terminated?.exitCode, 3);
  assert.equal(c.state?.terminated?.reason, 'Error');
  assert.equal(c.restartCount, 0);
  assert.equal(cond(p, 'Ready')?.reason, 'PodFailed');
  assert.equal(cond(p, 'ContainersReady')?.reason, 'PodFailed');
  assert.equal(cond(p, 'PodReadyToStartContainers')?.status, 'False');

  await env.client.create(builtin.pods, pod('job-ok', { nodeName: 'berth-node-3', annotations: { 'sim.berth.dev/exit-code': '0' }, spec: { restartPolicy: 'OnFailure' } }));
  const ok = await until('job-ok', (x) => x.status?.phase === 'Succeeded', 'Succeeded');
  assert.equal(ok.status!.containerStatuses![0].state?.terminated?.reason, 'Completed');
  assert.equal(cond(ok, 'Ready')?.reason, 'PodCompleted');
});

test('a failing init container fails a restartPolicy Never pod before any app container starts', async () => {
  await env.client.create(builtin.pods, pod('bad-init', { nodeName: 'berth-node-3', annotations: { 'sim.berth.dev/init-exit-code': '2' }, spec: { restartPolicy: 'Never', initContainers: [{ name: 'setup', image: 'busybox' }] } }));
  const p = await until('bad-init', (x) => x.status?.phase === 'Failed', 'Failed');
  assert.equal(p.status!.initContainerStatuses![0].state?.terminated?.exitCode, 2);
  assert.equal(p.status!.containerStatuses![0].state?.waiting?.reason, 'PodInitializing');
  assert.equal(p.status!.containerStatuses![0].containerID, undefined);
});

test('exit-code with restartPolicy Always restarts into CrashLoopBackOff', async () => {
  await env.client.create(builtin.pods, pod('crasher', { nodeName: 'berth-node-1', annotations: { 'sim.berth.dev/crash-loop': 'true', 'sim.berth.dev/run-ms': '50' } }));
  const p = await until('crasher', (x) => x.status?.containerStatuses?.[0].state?.waiting?.reason === 'CrashLoopBackOff', 'CrashLoopBackOff', 10_000);
  const c = p.status!.containerStatuses![0];
  assert.equal(p.status?.phase, 'Running');
  assert.ok(c.restartCount >= 1);
  assert.equal(c.lastState?.terminated?.exitCode, 1);
  assert.equal(c.lastState?.terminated?.reason, 'Error');
  assert.match(c.state!.waiting!.message!, new RegExp(`^back-off \\d+ms restarting failed container=app pod=crasher_default\\(${p.metadata.uid}\\)$`));
  const later = await until('crasher', (x) => (x.status?.containerStatuses?.[0].restartCount ?? 0) > c.restartCount, 'another restart', 10_000);
  assert.ok(later.status!.containerStatuses![0].restartCount > c.restartCount);
});

test('graceful deletion: Terminating while containers stop, then removed by the agent', async () => {
  await env.client.create(builtin.pods, pod('doomed', { nodeName: 'berth-node-2' }));
  const running = await until('doomed', ready, 'Ready');
  const res = await env.client.delete<Pod>(builtin.pods, 'doomed', { namespace: 'default' });
  assert.ok((res as Pod).metadata?.deletionTimestamp, 'the API keeps the pod with a deletionTimestamp');
  assert.equal((res as Pod).metadata.deletionGracePeriodSeconds, 30);
  await waitFor(() => isGone(env.client, 'doomed'), 'the agent removes the pod', 5000);
  assert.ok(running.status?.podIP);

  // ignore-sigterm: the pod stays Terminating for its whole grace period.
  await env.client.create(builtin.pods, pod('stubborn', { nodeName: 'berth-node-2', annotations: { 'sim.berth.dev/ignore-sigterm': 'true' }, spec: { terminationGracePeriodSeconds: 2 } }));
  await until('stubborn', ready, 'Ready');
  const started = Date.now();
  await env.client.delete(builtin.pods, 'stubborn', { namespace: 'default' });
  await new Promise((r) => setTimeout(r, 700));
  const terminating = await getPod(env.client, 'stubborn');
  assert.ok(terminating.metadata.deletionTimestamp);
  await waitFor(() => isGone(env.client, 'stubborn'), 'removal after the grace period', 6000);
  assert.ok(Date.now() - started >= 1000, 'it waited for the grace period');
});

test('pods bound to nodes it does not own are left alone', async () => {
  await env.client.create(builtin.pods, pod('elsewhere', { nodeName: 'some-other-node' }));
  await new Promise((r) => setTimeout(r, 300));
  const p = await getPod(env.client, 'elsewhere');
  assert.equal(p.status?.phase, 'Pending');
  assert.equal(p.status?.containerStatuses, undefined);
});
