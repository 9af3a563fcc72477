// The CronJob controller against an in-process API server on a clock the test moves: a Job per schedule time
// (named from the time, annotated with it, in the CronJob's time zone), status.active / lastScheduleTime /
// lastSuccessfulTime, concurrencyPolicy Forbid and Replace, startingDeadlineSeconds, history limits and suspend.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { builtin } from '../../../src/client/resources.js';
import { CronJobController } from '../../../src/controllers/cronjob/cronjob-controller.js';
import type { CronJob } from '../../../src/controllers/cronjob/utils.js';
import type { Job } from '../../../src/controllers/job/types.js';
import { ControllerEnv, FakeClock, startControllerEnv } from '../../support/controller-env.js';
import { eventually } from '../../e2e/harness.js';

let env: ControllerEnv;
const clock = new FakeClock();

before(async () => {
  env = await startControllerEnv();
  await env.start(new CronJobController(env.client, env.informers, { now: clock.now, onError: () => {} }));
});

after(async () => {
  await env?.close();
});

const MINUTE = 60_000;

function newCronJob(ns: string, name: string, schedule: string, extra: Partial<CronJob['spec']> = {}): CronJob {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob',
    metadata: { name, namespace: ns },
    spec: {
      // created suspended, so no sync runs on the clock the earlier tests moved until tick() resumes it
      suspend: true,
      schedule,
      jobTemplate: { metadata: { labels: { team: 'a' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...extra,
    },
  };
}

const getCJ = (ns: string, name: string) => env.client.get<CronJob>(builtin.cronJobs, name, { namespace: ns });
const jobsOf = async (ns: string) => (await env.client.list<Job>(builtin.jobs, { namespace: ns })).items.filter((j) => !j.metadata.deletionTimestamp).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
/** Any change makes the controller sync now (the real requeue timer follows the real clock); this one also resumes. */
const poke = (ns: string, name: string, resume = true) =>
  env.client.patch(builtin.cronJobs, name, { metadata: { annotations: { poke: String(Math.random()) } }, ...(resume ? { spec: { suspend: false } } : {}) }, 'merge', { namespace: ns });

async function events(ns: string, name: string): Promise<string[]> {
  const list = await env.client.list(builtin.events, { namespace: ns, fieldSelector: `involvedObject.name=${name}` });
  return list.items.map((e) => `${e.type} ${e.reason} ${e.message}`);
}

/** Moves the clock to just after the next multiple of `periodMs` and pokes; returns that schedule time. */
async function tick(ns: string, name: string, periodMs: number, resume = true): Promise<number> {
  const at = Math.floor(clock.now() / periodMs) * periodMs + periodMs;
  clock.advance(at - clock.now() + 1000);
  await poke(ns, name, resume);
  return at;
}

async function complete(ns: string, job: Job, failed = false): Promise<void> {
  const t = new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
  const fresh = await env.client.get<Job>(builtin.jobs, job.metadata.name!, { namespace: ns });
  fresh.status = {
    startTime: t, ...(failed ? { failed: 1 } : { succeeded: 1, completionTime: t }),
    conditions: [{ type: failed ? 'Failed' : 'Complete', status: 'True', lastProbeTime: t, lastTransitionTime: t, reason: failed ? 'BackoffLimitExceeded' : 'CompletionsReached', message: 'x' }],
  };
  await env.client.updateStatus(builtin.jobs, fresh);
}

test('each schedule time creates one Job named after it; completion moves it out of active into lastSuccessfulTime', async () => {
  const ns = await env.namespace('basic');
  await env.client.create(builtin.cronJobs, newCronJob(ns, 'tick', '*/5 * * * *', { timeZone: 'UTC' }));
  const at = await tick(ns, 'tick', 5 * MINUTE);
  const [job] = await eventually(async () => {
    const js = await jobsOf(ns);
    return js.length === 1 ? js : undefined;
  });
  assert.equal(job.metadata.name, `tick-${at / MINUTE}`);
  assert.equal(job.metadata.labels?.team, 'a');
  assert.equal(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(at).toISOString().replace('.000Z', 'Z'));
  assert.equal(job.metadata.ownerReferences?.[0].kind, 'CronJob');
  const cj = await eventually(async () => {
    const c = await getCJ(ns, 'tick');
    return c.status?.active?.length === 1 ? c : undefined;
  });
  assert.deepEqual(cj.status?.active?.[0], { kind: 'Job', namespace: ns, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion });
  assert.equal(cj.status?.lastScheduleTime, new Date(at).toISOString().replace('.000Z', 'Z'));
  // the same time again does not create a second Job
  await poke(ns, 'tick');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await jobsOf(ns)).length, 1);
  await complete(ns, job);
  const done = await eventually(async () => {
    const c = await getCJ(ns, 'tick');
    return (c.status?.active ?? []).length === 0 && c.status?.lastSuccessfulTime ? c : undefined;
  });
  assert.ok(done.status?.lastSuccessfulTime);
  const evs = await eventually(async () => {
    const e = await events(ns, 'tick');
    return e.some((x) => x.includes('SawCompletedJob')) ? e : undefined;
  });
  assert.ok(evs.includes(`Normal SuccessfulCreate Created job ${job.metadata.name}`), evs.join('\n'));
  assert.ok(evs.includes(`Normal SawCompletedJob Saw completed job: ${job.metadata.name}, status: Complete`), evs.join('\n'));
});

test('concurrencyPolicy Forbid skips a time while a Job runs; Replace deletes the running Job first', async () => {
  const ns = await env.namespace('concurrency');
  await env.client.create(builtin.cronJobs, newCronJob(ns, 'forbid', '*/10 * * * *', { concurrencyPolicy: 'Forbid', timeZone: 'UTC' }));
  await tick(ns, 'forbid', 10 * MINUTE);
  await eventually(async () => (await getCJ(ns, 'forbid')).status?.active?.length === 1);
  await tick(ns, 'forbid', 10 * MINUTE);
  const evs = await eventually(async () => {
    const e = await events(ns, 'forbid');
    return e.some((x) => x.includes('JobAlreadyActive')) ? e : undefined;
  });
  assert.ok(evs.includes('Normal JobAlreadyActive Not starting job because prior execution is running and concurrency policy is Forbid'));
  assert.equal((await jobsOf(ns)).length, 1);

  await env.client.create(builtin.cronJobs, newCronJob(ns, 'replace', '*/10 * * * *', { concurrencyPolicy: 'Replace', timeZone: 'UTC' }));
  const first = await tick(ns, 'replace', 10 * MINUTE);
  await eventually(async () => (await getCJ(ns, 'replace')).status?.active?.[0]?.name === `replace-${first / MINUTE}`);
  const second = await tick(ns, 'replace', 10 * MINUTE);
  const cj = await eventually(async () => {
    const c = await getCJ(ns, 'replace');
    return c.status?.active?.length === 1 && c.status.active[0].name === `replace-${second / MINUTE}` ? c : undefined;
  });
  assert.equal(cj.status?.lastScheduleTime, new Date(second).toISOString().replace('.000Z', 'Z'));
  const names = (await jobsOf(ns)).map((j) => j.metadata.name).filter((n) => n?.startsWith('replace-'));
  assert.deepEqual(names, [`replace-${second / MINUTE}`]);
});

test('startingDeadlineSeconds: a time missed by more than the deadline is not run, one within it is', async () => {
  const ns = await env.namespace('deadline');
  await env.client.create(builtin.cronJobs, newCronJob(ns, 'late', '0 * * * *', { startingDeadlineSeconds: 30, timeZone: 'UTC' }));
  const hour = 60 * MINUTE;
  const missed = Math.floor(clock.now() / hour) * hour + hour;
  clock.advance(missed - clock.now() + 5 * MINUTE);
  await poke(ns, 'late');
  // looked at (the poke is seen), nothing started
  await eventually(async () => (await events(ns, 'late')).length === 0 && (await getCJ(ns, 'late')).spec.suspend === false);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await jobsOf(ns)).length, 0);
  assert.equal((await getCJ(ns, 'late')).status?.lastScheduleTime, undefined);
  const inTime = await tick(ns, 'late', hour);
  const job = await eventually(async () => (await jobsOf(ns))[0]);
  assert.equal(job.metadata.name, `late-${inTime / MINUTE}`);
});

test('history limits keep the newest finished Jobs; suspend starts nothing', async () => {
  const ns = await env.namespace('history');
  await env.client.create(builtin.cronJobs, newCronJob(ns, 'hist', '*/5 * * * *', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1, timeZone: 'UTC' }));
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const at = await tick(ns, 'hist', 5 * MINUTE);
    times.push(at);
    const job = await eventually(async () => (await jobsOf(ns)).find((j) => j.metadata.name === `hist-${at / MINUTE}`));
    await complete(ns, job, i === 0);
    await eventually(async () => ((await getCJ(ns, 'hist')).status?.active ?? []).length === 0);
  }
  // one failed (the first) and one succeeded (the last) remain
  await poke(ns, 'hist', false);
  const names = await eventually(async () => {
    const n = (await jobsOf(ns)).map((j) => j.metadata.name);
    return n.length === 2 ? n : undefined;
  });
  assert.deepEqual(names.sort(), [`hist-${times[0] / MINUTE}`, `hist-${times[2] / MINUTE}`].sort());
  await env.client.patch(builtin.cronJobs, 'hist', { spec: { suspend: true } }, 'merge', { namespace: ns });
  await tick(ns, 'hist', 5 * MINUTE, false);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await jobsOf(ns)).length, 2);
  assert.equal(((await getCJ(ns, 'hist')).status?.active ?? []).length, 0);
});

test('timeZone: "0 9 * * *" in Asia/Tokyo fires at 00:00 UTC', async () => {
  const ns = await env.namespace('zone');
  await env.client.create(builtin.cronJobs, newCronJob(ns, 'tokyo', '0 9 * * *', { timeZone: 'Asia/Tokyo' }));
  const day = 24 * 60 * MINUTE;
  const midnight = Math.floor(clock.now() / day) * day + day;
  clock.advance(midnight - clock.now() + 30_000);
  await poke(ns, 'tokyo');
  const job = await eventually(async () => (await jobsOf(ns)).find((j) => j.metadata.name?.startsWith('tokyo-')));
  assert.equal(job.metadata.name, `tokyo-${midnight / MINUTE}`);
  assert.match(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'] ?? '', /T09:00:00\+09:00$/);
});
