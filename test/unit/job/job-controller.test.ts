// The Job controller against an in-process API server, the test playing the kubelet: completions and parallelism,
// pod tracking with the finalizer, backoffLimit with failed pods (Never) and restarts (OnFailure), the
// FailureTarget → Failed and SuccessCriteriaMet → Complete sequences as 1.33 writes them, activeDeadlineSeconds on a
// settable clock, podFailurePolicy FailJob and Ignore, Indexed completion mode, suspend/resume, and the orphan
// finalizer clean-up.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { builtin } from '../../../src/client/resources.js';
import { JobController } from '../../../src/controllers/job/job-controller.js';
import { JOB_TRACKING_FINALIZER, type Job, type JobCondition } from '../../../src/controllers/job/types.js';
import type { Pod } from '../../../src/controllers/statefulset/types.js';
import { ControllerEnv, FakeClock, listPods, setPodFinished, setPodRunning, startControllerEnv } from '../../support/controller-env.js';
import { eventually } from '../../e2e/harness.js';

let env: ControllerEnv;
const clock = new FakeClock();

before(async () => {
  env = await startControllerEnv();
  await env.start(new JobController(env.client, env.informers, { now: clock.now, syncBatchPeriodMs: 5, podFailureBackoffMs: 20, maxPodFailureBackoffMs: 100, onError: () => {} }));
});

after(async () => {
  await env?.close();
});

function newJob(ns: string, name: string, spec: Partial<Job['spec']> = {}, podSpec: Record<string, unknown> = {}): Job {
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name, namespace: ns },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }], ...podSpec } }, ...spec },
  };
}

const getJob = (ns: string, name: string) => env.client.get<Job>(builtin.jobs, name, { namespace: ns });
const cond = (job: Job, type: string): JobCondition | undefined => job.status?.conditions?.find((c) => c.type === type);
const types = (job: Job) => (job.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`);
const activePods = (pods: Pod[]) => pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');

async function podsOf(ns: string, job: string, n: number): Promise<Pod[]> {
  return eventually(async () => {
    const pods = activePods(await listPods(env.client, ns, `job-name=${job}`));
    return pods.length === n ? pods : undefined;
  });
}

async function finishedJob(ns: string, name: string): Promise<Job> {
  return eventually(async () => {
    const job = await getJob(ns, name);
    return cond(job, 'Complete')?.status === 'True' || cond(job, 'Failed')?.status === 'True' ? job : undefined;
  });
}

async function events(ns: string, name: string): Promise<string[]> {
  const list = await env.client.list(builtin.events, { namespace: ns, fieldSelector: `involvedObject.name=${name}` });
  return list.items.map((e) => `${e.type} ${e.reason} ${e.message}`);
}

test('completions 3, parallelism 2: two pods at a time, each counted once, Complete after SuccessCriteriaMet', async () => {
  const ns = await env.namespace('complete');
  await env.client.create(builtin.jobs, newJob(ns, 'work', { completions: 3, parallelism: 2 }));
  const first = await podsOf(ns, 'work', 2);
  for (const p of first) {
    assert.deepEqual(p.metadata.finalizers, [JOB_TRACKING_FINALIZER]);
    assert.equal(p.metadata.ownerReferences?.[0].kind, 'Job');
    assert.equal(p.metadata.ownerReferences?.[0].blockOwnerDeletion, true);
    assert.match(p.metadata.name ?? '', /^work-[a-z0-9]{5}$/);
  }
  const job = await eventually(async () => {
    const j = await getJob(ns, 'work');
    return j.status?.active === 2 && j.status.startTime ? j : undefined;
  });
  assert.equal(job.status?.ready, 0);
  await setPodFinished(env.client, first[0]);
  // two completions to go, parallelism 2: a third pod joins the one still running
  const afterOne = await eventually(async () => {
    const j = await getJob(ns, 'work');
    return j.status?.succeeded === 1 && j.status.active === 2 ? j : undefined;
  });
  assert.deepEqual(afterOne.status?.uncountedTerminatedPods, {});
  const counted = await eventually(async () => {
    const p = await env.client.get<Pod>(builtin.pods, first[0].metadata.name!, { namespace: ns });
    return p.metadata.finalizers === undefined ? p : undefined;
  });
  assert.equal(counted.status?.phase, 'Succeeded');
  const running = await podsOf(ns, 'work', 2);
  const third = running.find((p) => p.metadata.name !== first[1].metadata.name)!;
  await setPodRunning(env.client, third);
  await eventually(async () => (await getJob(ns, 'work')).status?.ready === 1);
  await setPodFinished(env.client, first[1]);
  await setPodFinished(env.client, third);
  const done = await finishedJob(ns, 'work');
  assert.deepEqual(types(done), ['SuccessCriteriaMet=True', 'Complete=True']);
  assert.equal(cond(done, 'Complete')?.reason, 'CompletionsReached');
  assert.equal(cond(done, 'Complete')?.message, 'Reached expected number of succeeded pods');
  assert.equal(done.status?.succeeded, 3);
  assert.equal(done.status?.failed, undefined);
  assert.equal(done.status?.active, undefined);
  assert.equal(done.status?.terminating, 0);
  assert.deepEqual(done.status?.uncountedTerminatedPods, {});
  assert.ok(done.status?.completionTime);
  assert.equal((await listPods(env.client, ns, 'job-name=work')).length, 3);
  const evs = await eventually(async () => {
    const e = await events(ns, 'work');
    return e.some((x) => x.startsWith('Normal Completed')) ? e : undefined;
  });
  assert.equal(evs.filter((e) => e.startsWith('Normal SuccessfulCreate Created pod: work-')).length, 3);
  assert.ok(evs.includes('Normal Completed Job completed'));
});

test('backoffLimit 1 with restartPolicy Never: the second failed pod fails the Job (FailureTarget, then Failed)', async () => {
  const ns = await env.namespace('backoff');
  await env.client.create(builtin.jobs, newJob(ns, 'flaky', { backoffLimit: 1 }));
  const [a] = await podsOf(ns, 'flaky', 1);
  await setPodFinished(env.client, a, 3);
  // the replacement comes after the (shortened) failure back-off
  const [b] = await eventually(async () => {
    const pods = activePods(await listPods(env.client, ns, 'job-name=flaky'));
    return pods.length === 1 && pods[0].metadata.name !== a.metadata.name ? pods : undefined;
  });
  assert.equal((await getJob(ns, 'flaky')).status?.failed, 1);
  await setPodFinished(env.client, b, 3);
  const job = await finishedJob(ns, 'flaky');
  assert.deepEqual(types(job), ['FailureTarget=True', 'Failed=True']);
  for (const t of ['FailureTarget', 'Failed']) {
    assert.equal(cond(job, t)?.reason, 'BackoffLimitExceeded');
    assert.equal(cond(job, t)?.message, 'Job has reached the specified backoff limit');
  }
  assert.equal(job.status?.failed, 2);
  assert.equal(job.status?.completionTime, undefined);
  const evs = await eventually(async () => {
    const e = await events(ns, 'flaky');
    return e.some((x) => x.includes('BackoffLimitExceeded')) ? e : undefined;
  });
  assert.ok(evs.includes('Warning BackoffLimitExceeded Job has reached the specified backoff limit'));
});

test('restartPolicy OnFailure: container restarts count against backoffLimit and the pod is deleted', async () => {
  const ns = await env.namespace('onfailure');
  await env.client.create(builtin.jobs, newJob(ns, 'crashy', { backoffLimit: 2 }, { restartPolicy: 'OnFailure' }));
  const [p] = await podsOf(ns, 'crashy', 1);
  await setPodRunning(env.client, p, { ready: false, restarts: 1 });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(cond(await getJob(ns, 'crashy'), 'Failed'), undefined);
  await setPodRunning(env.client, p, { ready: false, restarts: 2 });
  const job = await finishedJob(ns, 'crashy');
  assert.equal(cond(job, 'Failed')?.reason, 'BackoffLimitExceeded');
  // the running pod was deleted and, its finalizer removed, counted as failed
  assert.equal(job.status?.failed, 1);
  await eventually(async () => (await listPods(env.client, ns, 'job-name=crashy')).length === 0 || (await listPods(env.client, ns, 'job-name=crashy')).every((x) => x.metadata.deletionTimestamp));
});

test('activeDeadlineSeconds: once the clock passes it the active pod goes and the Job fails with DeadlineExceeded', async () => {
  const ns = await env.namespace('deadline');
  await env.client.create(builtin.jobs, newJob(ns, 'slow', { activeDeadlineSeconds: 600 }));
  const [p] = await podsOf(ns, 'slow', 1);
  await setPodRunning(env.client, p);
  await eventually(async () => (await getJob(ns, 'slow')).status?.ready === 1);
  clock.advance(601_000);
  // any event makes the controller look again (the real requeue timer is ten minutes away)
  await env.client.patch(builtin.jobs, 'slow', { metadata: { annotations: { poke: '1' } } }, 'merge', { namespace: ns });
  // the pod is being deleted; it stays until its finalizer is removed, and the Job is Failed only then
  const job = await finishedJob(ns, 'slow');
  assert.deepEqual(types(job), ['FailureTarget=True', 'Failed=True']);
  assert.equal(cond(job, 'Failed')?.reason, 'DeadlineExceeded');
  assert.equal(cond(job, 'Failed')?.message, 'Job was active longer than specified deadline');
  assert.equal(job.status?.failed, 1);
  assert.equal(job.status?.active, undefined);
  await eventually(async () => (await listPods(env.client, ns, 'job-name=slow')).length === 0);
});

test('podFailurePolicy: Ignore does not count the failure, FailJob fails the Job with the matching rule in the message', async () => {
  const ns = await env.namespace('pfp');
  const podFailurePolicy = { rules: [
    { action: 'Ignore', onExitCodes: { operator: 'In', values: [7] } },
    { action: 'FailJob', onExitCodes: { containerName: 'c', operator: 'In', values: [42] } },
  ] };
  await env.client.create(builtin.jobs, newJob(ns, 'policy', { backoffLimit: 0, podFailurePolicy }));
  const [a] = await podsOf(ns, 'policy', 1);
  await setPodFinished(env.client, a, 7);
  const [b] = await eventually(async () => {
    const pods = activePods(await listPods(env.client, ns, 'job-name=policy'));
    return pods.length === 1 && pods[0].metadata.name !== a.metadata.name ? pods : undefined;
  });
  const afterIgnore = await getJob(ns, 'policy');
  assert.equal(afterIgnore.status?.failed, undefined, 'an ignored failure is not counted, so backoffLimit 0 still holds');
  assert.equal(cond(afterIgnore, 'Failed'), undefined);
  await setPodFinished(env.client, b, 42);
  const job = await finishedJob(ns, 'policy');
  assert.deepEqual(types(job), ['FailureTarget=True', 'Failed=True']);
  assert.equal(cond(job, 'Failed')?.reason, 'PodFailurePolicy');
  assert.equal(cond(job, 'Failed')?.message, `Container c for pod ${ns}/${b.metadata.name} failed with exit code 42 matching FailJob rule at index 1`);
  assert.equal(job.status?.failed, 1);
});

test('Indexed completion mode: index annotation, label, hostname, env and generateName; completedIndexes', async () => {
  const ns = await env.namespace('indexed');
  await env.client.create(builtin.jobs, newJob(ns, 'ix', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
  const pods = await podsOf(ns, 'ix', 3);
  const byIndex = new Map(pods.map((p) => [p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
  assert.deepEqual([...byIndex.keys()].sort(), ['0', '1', '2']);
  for (const [ix, p] of byIndex) {
    assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-completion-index'], ix);
    assert.equal(p.spec?.hostname, `ix-${ix}`);
    assert.match(p.metadata.name ?? '', new RegExp(`^ix-${ix}-[a-z0-9]{5}$`));
    const env0 = (p.spec!.containers as { env?: unknown[] }[])[0].env;
    assert.deepEqual(env0, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } }]);
  }
  await setPodFinished(env.client, byIndex.get('2')!);
  await setPodFinished(env.client, byIndex.get('0')!);
  const partial = await eventually(async () => {
    const j = await getJob(ns, 'ix');
    return j.status?.completedIndexes === '0,2' ? j : undefined;
  });
  assert.equal(partial.status?.succeeded, 2);
  // a failed index gets a new pod with the same index
  await setPodFinished(env.client, byIndex.get('1')!, 1);
  const again = await eventually(async () => {
    const ps = activePods(await listPods(env.client, ns, 'job-name=ix'));
    return ps.length === 1 ? ps[0] : undefined;
  });
  assert.equal(again.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], '1');
  await setPodFinished(env.client, again);
  const done = await finishedJob(ns, 'ix');
  assert.equal(done.status?.completedIndexes, '0-2');
  assert.equal(done.status?.succeeded, 3);
  assert.equal(done.status?.failed, 1);
});

test('suspend: no pods and Suspended=True while suspended; resuming starts pods and the clock', async () => {
  const ns = await env.namespace('suspend');
  await env.client.create(builtin.jobs, newJob(ns, 'later', { suspend: true, parallelism: 2, completions: 2 }));
  const suspended = await eventually(async () => {
    const j = await getJob(ns, 'later');
    return cond(j, 'Suspended') ? j : undefined;
  });
  assert.equal(cond(suspended, 'Suspended')?.status, 'True');
  assert.equal(cond(suspended, 'Suspended')?.reason, 'JobSuspended');
  assert.equal(cond(suspended, 'Suspended')?.message, 'Job suspended');
  assert.equal(suspended.status?.startTime, undefined);
  assert.equal((await listPods(env.client, ns)).length, 0);
  await env.client.patch(builtin.jobs, 'later', { spec: { suspend: false } }, 'merge', { namespace: ns });
  const pods = await podsOf(ns, 'later', 2);
  const resumed = await eventually(async () => {
    const j = await getJob(ns, 'later');
    return cond(j, 'Suspended')?.status === 'False' ? j : undefined;
  });
  assert.equal(cond(resumed, 'Suspended')?.reason, 'JobResumed');
  assert.ok(resumed.status?.startTime);
  // suspending again deletes the active pods (finalizers first, so they can go)
  await env.client.patch(builtin.jobs, 'later', { spec: { suspend: true } }, 'merge', { namespace: ns });
  await eventually(async () => (await listPods(env.client, ns)).length === 0);
  assert.equal(pods.length, 2);
  const evs = await events(ns, 'later');
  assert.ok(evs.includes('Normal Suspended Job suspended'), evs.join('\n'));
  assert.ok(evs.includes('Normal Resumed Job resumed'), evs.join('\n'));
});

test('an orphan pod carrying the tracking finalizer loses it', async () => {
  const ns = await env.namespace('orphan');
  await env.client.create(builtin.pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', namespace: ns, finalizers: [JOB_TRACKING_FINALIZER] },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  });
  await eventually(async () => (await env.client.get<Pod>(builtin.pods, 'stray', { namespace: ns })).metadata.finalizers === undefined);
});
