import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { jobResource } from '../../../src/registry/batch/job.js';
import { cronJobResource } from '../../../src/registry/batch/cronjob.js';
import { cronScheduleError } from '../../../src/registry/batch/cron.js';

const js = jobResource.strategy;
const cs = cronJobResource.strategy;

function job(mutate: (o: any) => void = () => {}): KubeObject {
  const o: any = {
    metadata: { name: 'pi', namespace: 'default', uid: 'u-1' },
    spec: { template: { metadata: { labels: { app: 'pi' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } } },
  };
  mutate(o);
  js.defaults!(o);
  return o;
}

function created(mutate: (o: any) => void = () => {}): KubeObject {
  const o = job(mutate);
  js.prepareForCreate!(o);
  return o;
}

test('job defaults', () => {
  const o: any = job();
  assert.equal(o.spec.completions, 1);
  assert.equal(o.spec.parallelism, 1);
  assert.equal(o.spec.backoffLimit, 6);
  assert.equal(o.spec.completionMode, 'NonIndexed');
  assert.equal(o.spec.suspend, false);
  assert.equal(o.spec.manualSelector, false);
  assert.equal(o.spec.podReplacementPolicy, 'TerminatingOrFailed');
});

test('job create generates selector and labels', () => {
  const o: any = created();
  assert.deepEqual(o.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
  assert.deepEqual(o.spec.template.metadata.labels, {
    app: 'pi', 'job-name': 'pi', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'u-1', 'batch.kubernetes.io/controller-uid': 'u-1',
  });
  assert.deepEqual(o.metadata.labels, o.spec.template.metadata.labels);
  assert.deepEqual(js.validate!(o).map(String), []);
});

test('job restartPolicy Always is rejected with the upstream text', () => {
  const o = created((x) => (x.spec.template.spec.restartPolicy = 'Always'));
  assert.deepEqual(js.validate!(o).map(String), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
});

test('job manual selector that does not match', () => {
  const o = created((x) => {
    x.spec.manualSelector = true;
    x.spec.selector = { matchLabels: { app: 'other' } };
  });
  assert.deepEqual(js.validate!(o).map(String), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"pi"}: `selector` does not match template `labels`']);
});

test('job update: template is immutable, parallelism is not', () => {
  const old: any = created((x) => (x.metadata.resourceVersion = '1'));
  const ok: any = structuredClone(old);
  ok.spec.parallelism = 3;
  assert.deepEqual(js.validateUpdate!(ok, old).map(String), []);
  const bad: any = structuredClone(old);
  bad.spec.template.spec.containers[0].image = 'perl:2';
  const errs = js.validateUpdate!(bad, old).map(String);
  assert.equal(errs.length, 1);
  assert.match(errs[0], /^spec\.template: Invalid value: .*: field is immutable$/);
  const sel: any = structuredClone(old);
  sel.spec.completions = 4;
  assert.deepEqual(js.validateUpdate!(sel, old).map(String), ['spec.completions: Invalid value: 4: field is immutable']);
});

test('job name warning when not a DNS label', () => {
  assert.deepEqual(js.warnings!(job((x) => (x.metadata.name = 'a.b')), undefined), [
    'metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]',
  ]);
});

function cj(mutate: (o: any) => void = () => {}): KubeObject {
  const o: any = {
    metadata: { name: 'hello', namespace: 'default' },
    spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } } },
  };
  mutate(o);
  cs.defaults!(o);
  return o;
}

test('cronjob defaults and validity', () => {
  const o: any = cj();
  assert.equal(o.spec.concurrencyPolicy, 'Allow');
  assert.equal(o.spec.suspend, false);
  assert.equal(o.spec.successfulJobsHistoryLimit, 3);
  assert.equal(o.spec.failedJobsHistoryLimit, 1);
  assert.deepEqual(cs.validate!(o).map(String), []);
});

test('cronjob invalid cases', () => {
  assert.deepEqual(cs.validate!(cj((o) => (o.spec.schedule = '* * * *'))).map(String), ['spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]']);
  assert.deepEqual(cs.validate!(cj((o) => (o.spec.schedule = '0 25 * * *'))).map(String), ['spec.schedule: Invalid value: "0 25 * * *": end of range (25) above maximum (23): 25']);
  assert.deepEqual(cs.validate!(cj((o) => (o.spec.concurrencyPolicy = 'Sometimes'))).map(String), ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"']);
  assert.deepEqual(cs.validate!(cj((o) => (o.spec.timeZone = 'Mars/Olympus'))).map(String), ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']);
  assert.deepEqual(cs.validate!(cj((o) => (o.metadata.name = 'a'.repeat(53)))).map(String), [`metadata.name: Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters`]);
  assert.deepEqual(cs.validate!(cj((o) => (o.spec.schedule = 'TZ=UTC 0 * * * *'))).map(String), ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']);
});

test('cron parser accepts descriptors, names and steps', () => {
  for (const s of ['@hourly', '@every 1h30m', '0 0 * * MON-FRI', '*/15 0-6 1,15 jan-jun *', '5/10 * * * ?']) assert.equal(cronScheduleError(s), undefined, s);
  assert.equal(cronScheduleError('@often'), 'unrecognized descriptor: @often');
  assert.equal(cronScheduleError('x * * * *'), 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
});
