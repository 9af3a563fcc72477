// Issue 15/14 acceptance for batch: the real kubectl against `berth up` (simulated runtime, 100 ms start delay) runs
// Jobs to completion and to failure (the sim.berth.dev/exit-code annotation), with upstream's conditions, columns and
// `kubectl wait`; Indexed Jobs, suspend, deadlines, pod failure policies, TTL after finished, a helm-style hook Job;
// CronJobs scheduling Jobs and `kubectl create job --from=cronjob/…`. One cluster; each test has its own namespace.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Cluster, eventually, kubectl, kubectlOk, startCluster } from './harness.js';

let c: Cluster;
before(async () => { c = await startCluster({ args: ['--sim-start-delay', '100'] }); });
after(async () => { await c?.stop(); c?.cleanup(); });

const k = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(c, args, opts);
const apply = (ns: string, manifest: string) => k(['apply', '-n', ns, '-f', '-'], { input: manifest });
const json = async <T = Record<string, any>>(args: string[]): Promise<T> => JSON.parse(await k([...args, '-o', 'json'])) as T;
const conditions = async (ns: string, job: string) =>
  ((await json(['get', 'job', job, '-n', ns])).status?.conditions ?? []) as { type: string; status: string; reason?: string; message?: string }[];

function jobYaml(name: string, spec: string, podAnnotations = '', podSpec = ''): string {
  return `apiVersion: batch/v1
kind: Job
metadata: {name: ${name}}
spec:
${spec}
  template:
    metadata: {annotations: {${podAnnotations}}}
    spec:
      restartPolicy: Never
${podSpec}
      containers: [{name: main, image: busybox, command: [sh, -c, 'echo done']}]
`;
}

test('a Job completes: kubectl wait --for=condition=complete, the Complete and SuccessCriteriaMet conditions, get jobs columns', async () => {
  await k(['create', 'namespace', 'job-ok']);
  assert.equal(await k(['create', 'job', 'pi', '-n', 'job-ok', '--image=busybox', '--', 'echo', 'hi']), 'job.batch/pi created\n');
  assert.equal(await k(['wait', '--for=condition=complete', 'job/pi', '-n', 'job-ok', '--timeout=60s']), 'job.batch/pi condition met\n');
  const conds = await conditions('job-ok', 'pi');
  assert.deepEqual(conds.map((x) => [x.type, x.status, x.reason, x.message]), [
    ['SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
  ]);
  const job = await json(['get', 'job', 'pi', '-n', 'job-ok']);
  assert.equal(job.status.succeeded, 1);
  assert.ok(job.status.completionTime);
  // the tracking finalizer is gone once the pod is counted
  const pods = await json<{ items: { metadata: { finalizers?: string[]; labels: Record<string, string> }; status: { phase: string } }[] }>(['get', 'pods', '-n', 'job-ok', '-l', 'job-name=pi']);
  assert.equal(pods.items.length, 1);
  assert.equal(pods.items[0].status.phase, 'Succeeded');
  assert.equal(pods.items[0].metadata.finalizers, undefined);
  assert.equal(pods.items[0].metadata.labels['batch.kubernetes.io/job-name'], 'pi');
  assert.match(await k(['get', 'jobs', '-n', 'job-ok']), /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\npi\s+Complete\s+1\/1\s+\d+s\s+\d+s\n$/);
  assert.match(await k(['get', 'pods', '-n', 'job-ok']), /\s+0\/1\s+Completed\s+0\s+/);
});

test('completions and parallelism: never more than parallelism pods at once, then Complete', async () => {
  await k(['create', 'namespace', 'job-par']);
  await apply('job-par', jobYaml('par', '  completions: 4\n  parallelism: 2', '"sim.berth.dev/run-ms": "400"'));
  let most = 0;
  await eventually(async () => {
    const pods = await json<{ items: { status: { phase: string } }[] }>(['get', 'pods', '-n', 'job-par', '-l', 'job-name=par']);
    most = Math.max(most, pods.items.filter((p) => p.status.phase === 'Pending' || p.status.phase === 'Running').length);
    return (await conditions('job-par', 'par')).some((x) => x.type === 'Complete' && x.status === 'True');
  }, 60_000, 100);
  assert.ok(most <= 2, `at most 2 pods at once, saw ${most}`);
  const job = await json(['get', 'job', 'par', '-n', 'job-par']);
  assert.equal(job.status.succeeded, 4);
  assert.match(await k(['get', 'job', 'par', '-n', 'job-par']), /\npar\s+Complete\s+4\/4\s+/);
});

test('backoffLimit: failed pods are counted, then FailureTarget and Failed with BackoffLimitExceeded', async () => {
  await k(['create', 'namespace', 'job-fail']);
  await apply('job-fail', jobYaml('fails', '  backoffLimit: 1', '"sim.berth.dev/exit-code": "2"'));
  // the second pod comes after upstream's 10 s back-off
  assert.equal(await k(['wait', '--for=condition=failed', 'job/fails', '-n', 'job-fail', '--timeout=60s']), 'job.batch/fails condition met\n');
  const conds = await conditions('job-fail', 'fails');
  assert.deepEqual(conds.map((x) => [x.type, x.status, x.reason, x.message]), [
    ['FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ['Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
  ]);
  const job = await json(['get', 'job', 'fails', '-n', 'job-fail']);
  assert.equal(job.status.failed, 2);
  assert.match(await k(['get', 'job', 'fails', '-n', 'job-fail']), /\nfails\s+Failed\s+0\/1\s+/);
  const events = await k(['get', 'events', '-n', 'job-fail', '--field-selector', 'involvedObject.name=fails']);
  assert.match(events, /Warning\s+BackoffLimitExceeded\s+job\/fails\s+Job has reached the specified backoff limit/);
});

test('podFailurePolicy FailJob on an exit code, and activeDeadlineSeconds', async () => {
  await k(['create', 'namespace', 'job-policy']);
  await apply('job-policy', jobYaml('policy', `  backoffLimit: 6
  podFailurePolicy:
    rules:
    - action: FailJob
      onExitCodes: {containerName: main, operator: In, values: [42]}`, '"sim.berth.dev/exit-code": "42"'));
  await k(['wait', '--for=condition=failed', 'job/policy', '-n', 'job-policy', '--timeout=30s']);
  const failed = (await conditions('job-policy', 'policy')).find((x) => x.type === 'Failed')!;
  assert.equal(failed.reason, 'PodFailurePolicy');
  assert.match(failed.message ?? '', /^Container main for pod job-policy\/policy-\w+ failed with exit code 42 matching FailJob rule at index 0$/);

  // a pod that runs long is stopped by the deadline
  await apply('job-policy', jobYaml('deadline', '  activeDeadlineSeconds: 1', '"sim.berth.dev/run-ms": "600000"'));
  await k(['wait', '--for=condition=failed', 'job/deadline', '-n', 'job-policy', '--timeout=30s']);
  const deadline = (await conditions('job-policy', 'deadline')).find((x) => x.type === 'Failed')!;
  assert.deepEqual([deadline.reason, deadline.message], ['DeadlineExceeded', 'Job was active longer than specified deadline']);
  await eventually(async () => (await k(['get', 'pods', '-n', 'job-policy', '-l', 'job-name=deadline', '-o', 'name'])) === '', 30_000);
});

test('Indexed completion mode: index annotation and label, hostname, completedIndexes', async () => {
  await k(['create', 'namespace', 'job-idx']);
  await apply('job-idx', jobYaml('idx', '  completions: 3\n  parallelism: 3\n  completionMode: Indexed'));
  await k(['wait', '--for=condition=complete', 'job/idx', '-n', 'job-idx', '--timeout=60s']);
  const job = await json(['get', 'job', 'idx', '-n', 'job-idx']);
  assert.equal(job.status.completedIndexes, '0-2');
  const pods = await json<{ items: { metadata: { annotations: Record<string, string>; labels: Record<string, string> }; spec: { hostname: string; subdomain?: string } }[] }>(['get', 'pods', '-n', 'job-idx', '-l', 'job-name=idx']);
  const seen = pods.items.map((p) => [p.metadata.annotations['batch.kubernetes.io/job-completion-index'], p.metadata.labels['batch.kubernetes.io/job-completion-index'], p.spec.hostname]).sort();
  assert.deepEqual(seen, [['0', '0', 'idx-0'], ['1', '1', 'idx-1'], ['2', '2', 'idx-2']]);
  // the index reaches the container as JOB_COMPLETION_INDEX from the label (PodIndexLabel is GA)
  const env = (await json(['get', 'pods', '-n', 'job-idx', '-l', 'job-name=idx'])).items[0].spec.containers[0].env;
  assert.deepEqual(env, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } }]);
});

test('suspend: no pods and the Suspended condition; resumed, the Job runs to completion', async () => {
  await k(['create', 'namespace', 'job-susp']);
  await apply('job-susp', jobYaml('later', '  suspend: true'));
  const suspended = await eventually(async () => (await conditions('job-susp', 'later')).find((x) => x.type === 'Suspended' && x.status === 'True'), 20_000);
  assert.deepEqual([suspended.reason, suspended.message], ['JobSuspended', 'Job suspended']);
  assert.equal(await k(['get', 'pods', '-n', 'job-susp', '-o', 'name']), '');
  assert.match(await k(['get', 'job', 'later', '-n', 'job-susp']), /\nlater\s+Suspended\s+0\/1\s+/);
  await k(['patch', 'job', 'later', '-n', 'job-susp', '-p', '{"spec":{"suspend":false}}']);
  await k(['wait', '--for=condition=complete', 'job/later', '-n', 'job-susp', '--timeout=60s']);
  const resumed = (await conditions('job-susp', 'later')).find((x) => x.type === 'Suspended')!;
  assert.deepEqual([resumed.status, resumed.reason], ['False', 'JobResumed']);
});

test('ttlSecondsAfterFinished: the finished Job and its pods are deleted', async () => {
  await k(['create', 'namespace', 'job-ttl']);
  await apply('job-ttl', jobYaml('brief', '  ttlSecondsAfterFinished: 1'));
  // the Job may be gone before a wait for completion starts: wait for its deletion, then check it had completed
  const waited = await kubectl(c, ['wait', '--for=delete', 'job/brief', '-n', 'job-ttl', '--timeout=60s']);
  assert.equal(waited.code, 0, waited.stderr);
  const events = await k(['get', 'events', '-n', 'job-ttl', '--field-selector', 'involvedObject.kind=Job,involvedObject.name=brief']);
  assert.match(events, /Normal\s+Completed\s+job\/brief\s+Job completed/);
  await eventually(async () => (await k(['get', 'pods', '-n', 'job-ttl', '-o', 'name'])) === '', 30_000);
});

test('a helm-style hook Job completes under the simulated runtime', async () => {
  await k(['create', 'namespace', 'job-hook']);
  await apply('job-hook', `apiVersion: batch/v1
kind: Job
metadata:
  name: release-pre-install
  annotations: {"helm.sh/hook": pre-install, "helm.sh/hook-weight": "-5", "helm.sh/hook-delete-policy": before-hook-creation}
spec:
  backoffLimit: 0
  template:
    metadata: {name: release-pre-install}
    spec:
      restartPolicy: Never
      containers: [{name: pre-install, image: busybox, command: [sh, -c, 'echo migrating']}]
`);
  await k(['wait', '--for=condition=complete', 'job/release-pre-install', '-n', 'job-hook', '--timeout=60s']);
  const job = await json(['get', 'job', 'release-pre-install', '-n', 'job-hook']);
  assert.equal(job.status.succeeded, 1);
});

test('CronJob: schedules a Job, records lastScheduleTime and lastSuccessfulTime; create job --from=cronjob', async () => {
  await k(['create', 'namespace', 'cron']);
  assert.equal(await k(['create', 'cronjob', 'tick', '-n', 'cron', '--image=busybox', '--schedule=@every 2s', '--', 'echo', 'tick']), 'cronjob.batch/tick created\n');
  const status = await eventually(async () => {
    const cj = await json(['get', 'cronjob', 'tick', '-n', 'cron']);
    return cj.status?.lastSuccessfulTime ? cj.status : undefined;
  }, 60_000, 200);
  assert.ok(status.lastScheduleTime);
  const jobs = await json<{ items: { metadata: { name: string; ownerReferences: { kind: string; name: string; controller: boolean }[]; annotations: Record<string, string> } }[] }>(['get', 'jobs', '-n', 'cron']);
  const scheduled = jobs.items.find((j) => j.metadata.name.startsWith('tick-'))!;
  assert.match(scheduled.metadata.name, /^tick-\d+$/);
  assert.deepEqual(scheduled.metadata.ownerReferences.map((r) => [r.kind, r.name, r.controller]), [['CronJob', 'tick', true]]);
  assert.equal(scheduled.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp'] !== undefined, true);
  assert.match(await k(['get', 'cronjob', 'tick', '-n', 'cron']), /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\ntick\s+@every 2s\s+<none>\s+False\s+\d\s+\d+s\s+\d+s\n$/);

  assert.equal(await k(['create', 'job', 'manual', '--from=cronjob/tick', '-n', 'cron']), 'job.batch/manual created\n');
  await k(['wait', '--for=condition=complete', 'job/manual', '-n', 'cron', '--timeout=60s']);
  const manual = await json(['get', 'job', 'manual', '-n', 'cron']);
  assert.equal(manual.metadata.annotations['cronjob.kubernetes.io/instantiate'], 'manual');

  // suspended, it schedules nothing more
  await k(['patch', 'cronjob', 'tick', '-n', 'cron', '-p', '{"spec":{"suspend":true}}']);
  assert.match(await k(['get', 'cronjob', 'tick', '-n', 'cron']), /\ntick\s+@every 2s\s+<none>\s+True\s+/);
});

test('CronJob validation: a bad schedule or time zone is refused with upstream texts', async () => {
  await k(['create', 'namespace', 'cron-bad']);
  const r = await kubectl(c, ['create', 'cronjob', 'bad', '-n', 'cron-bad', '--image=busybox', '--schedule=61 * * * *']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /spec\.schedule: Invalid value: "61 \* \* \* \*": end of range \(61\) above maximum \(59\): 61/);
  const tz = await kubectl(c, ['apply', '-n', 'cron-bad', '-f', '-'], {
    input: 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: tz}\nspec:\n  schedule: "0 * * * *"\n  timeZone: Mars/Olympus\n  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}}}}\n',
  });
  assert.notEqual(tz.code, 0);
  assert.match(tz.stderr, /spec\.timeZone: Invalid value: "Mars\/Olympus": unknown time zone Mars\/Olympus/);
});
