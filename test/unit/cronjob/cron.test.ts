// robfig/cron's ParseStandard and Schedule.Next as ported: fields, steps, names, descriptors, @every, the
// day-of-month/day-of-week OR rule, time zones and daylight-saving days; and the CronJob time arithmetic
// (mostRecentScheduleTime, nextScheduleTimeDuration, job names).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cronScheduleError, GO_ZERO_TIME, parseStandard } from '../../../src/apimachinery/cron.js';
import { formatRFC3339In, zonedTime } from '../../../src/apimachinery/zoned-time.js';
import { getJobFromTemplate, jobNameFor, mostRecentScheduleTime, nextScheduleTime, nextScheduleTimeDuration, type CronJob } from '../../../src/controllers/cronjob/utils.js';

const utc = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();
const next = (spec: string, from: string) => iso(parseStandard(spec).next(utc(from)));

test('standard fields, steps, ranges and names, in the zone the schedule names', () => {
  assert.equal(next('TZ=UTC */15 * * * *', '2026-03-01T10:07:12Z'), '2026-03-01T10:15:00.000Z');
  assert.equal(next('TZ=UTC 0 9 * * MON-FRI', '2026-03-06T10:00:00Z'), '2026-03-09T09:00:00.000Z'); // Friday after 9 → Monday
  assert.equal(next('TZ=UTC 30 6-16/4 * * *', '2026-03-01T07:00:00Z'), '2026-03-01T10:30:00.000Z');
  assert.equal(next('TZ=UTC 0 0 1 jan *', '2026-03-01T00:00:00Z'), '2027-01-01T00:00:00.000Z');
  // an exact match is not "after": the next one is
  assert.equal(next('TZ=UTC 0 * * * *', '2026-03-01T10:00:00Z'), '2026-03-01T11:00:00.000Z');
});

test('day of month and day of week: OR when both are restricted, AND when one is *', () => {
  // the 13th or any Friday
  assert.equal(next('TZ=UTC 0 0 13 * 5', '2026-03-01T00:00:00Z'), '2026-03-06T00:00:00.000Z');
  // only Fridays (day of month is *)
  assert.equal(next('TZ=UTC 0 0 * * 5', '2026-03-07T00:00:00Z'), '2026-03-13T00:00:00.000Z');
});

test('descriptors and @every', () => {
  assert.equal(next('TZ=UTC @hourly', '2026-03-01T10:59:59Z'), '2026-03-01T11:00:00.000Z');
  assert.equal(next('TZ=UTC @daily', '2026-03-01T10:00:00Z'), '2026-03-02T00:00:00.000Z');
  assert.equal(next('TZ=UTC @weekly', '2026-03-01T10:00:00Z'), '2026-03-08T00:00:00.000Z'); // 2026-03-01 is a Sunday
  assert.equal(next('TZ=UTC @monthly', '2026-03-01T10:00:00Z'), '2026-04-01T00:00:00.000Z');
  assert.equal(next('TZ=UTC @yearly', '2026-03-01T10:00:00Z'), '2027-01-01T00:00:00.000Z');
  assert.equal(next('@every 90s', '2026-03-01T10:00:00.400Z'), '2026-03-01T10:01:30.000Z');
  assert.equal(next('@every 200ms', '2026-03-01T10:00:00Z'), '2026-03-01T10:00:01.000Z'); // at least a second
});

test('time zones: wall-clock schedules across daylight-saving changes', () => {
  assert.equal(next('TZ=Asia/Tokyo 0 9 * * *', '2026-03-01T00:30:00Z'), '2026-03-02T00:00:00.000Z');
  // New York springs forward on 2026-03-08: 02:30 does not exist that day, 03:00 follows 01:59
  assert.equal(next('TZ=America/New_York 30 2 * * *', '2026-03-07T12:00:00Z'), '2026-03-09T06:30:00.000Z');
  assert.equal(next('TZ=America/New_York 0 9 * * *', '2026-03-07T15:00:00Z'), '2026-03-08T13:00:00.000Z'); // EDT now
  assert.equal(next('TZ=America/New_York 0 9 * * *', '2026-03-06T15:00:00Z'), '2026-03-07T14:00:00.000Z'); // still EST
  assert.equal(zonedTime(2026, 13, 1, 0, 0, 0, 'UTC'), utc('2027-01-01T00:00:00Z'));
  assert.equal(formatRFC3339In(utc('2026-03-02T00:00:00Z'), 'Asia/Tokyo'), '2026-03-02T09:00:00+09:00');
  assert.equal(formatRFC3339In(utc('2026-03-02T00:00:00Z'), 'UTC'), '2026-03-02T00:00:00Z');
});

test('a schedule that never fires returns Go\'s zero time; errors keep the library\'s texts', () => {
  assert.equal(parseStandard('TZ=UTC 0 0 31 2 *').next(utc('2026-03-01T00:00:00Z')), GO_ZERO_TIME);
  assert.equal(cronScheduleError('* * * *'), 'expected exactly 5 fields, found 4: [* * * *]');
  assert.equal(cronScheduleError('61 * * * *'), 'end of range (61) above maximum (59): 61');
  assert.equal(cronScheduleError('*/0 * * * *'), 'step of range should be a positive number: */0');
  assert.equal(cronScheduleError('@every x'), 'failed to parse duration @every x: time: invalid duration "x"');
  assert.equal(cronScheduleError('TZ=Nowhere/Land * * * * *'), 'provided bad location Nowhere/Land: unknown time zone Nowhere/Land');
});

function cronJob(schedule: string, created: string, extra: Partial<CronJob['spec']> = {}, status: CronJob['status'] = {}): CronJob {
  return {
    metadata: { name: 'nightly', namespace: 'ns', uid: 'u1', creationTimestamp: created },
    spec: { schedule, jobTemplate: { metadata: { labels: { a: 'b' } }, spec: { template: { spec: { containers: [] } } } }, ...extra },
    status,
  };
}

test('mostRecentScheduleTime and nextScheduleTime: the latest unmet time, missed ones counted, the deadline applied', () => {
  const sched = parseStandard('TZ=UTC */10 * * * *');
  const cj = cronJob('*/10 * * * *', '2026-03-01T10:01:00Z');
  assert.equal(mostRecentScheduleTime(cj, utc('2026-03-01T10:05:00Z'), sched, false).mostRecent, undefined);
  const one = mostRecentScheduleTime(cj, utc('2026-03-01T10:15:00Z'), sched, false);
  assert.equal(iso(one.mostRecent!), '2026-03-01T10:10:00.000Z');
  assert.equal(one.missed, 'none');
  const many = mostRecentScheduleTime(cj, utc('2026-03-01T11:05:00Z'), sched, false);
  assert.equal(iso(many.mostRecent!), '2026-03-01T11:00:00.000Z');
  assert.equal(many.missed, 'few');
  const week = nextScheduleTime(cj, utc('2026-03-08T11:05:00Z'), sched);
  assert.equal(iso(week.time!), '2026-03-08T11:00:00.000Z');
  assert.equal(week.tooManyMissed, true);
  // with a deadline of 2 minutes, 10:10 is out of reach at 10:15: nothing to start
  const late = cronJob('*/10 * * * *', '2026-03-01T10:01:00Z', { startingDeadlineSeconds: 120 });
  assert.equal(nextScheduleTime(late, utc('2026-03-01T10:15:00Z'), sched).time, undefined);
  // after a run at 10:10, the next look is at 10:20 plus the 100 ms skew allowance
  const ran = cronJob('*/10 * * * *', '2026-03-01T10:01:00Z', {}, { lastScheduleTime: '2026-03-01T10:10:00Z' });
  assert.equal(nextScheduleTimeDuration(ran, utc('2026-03-01T10:12:00Z'), sched), 8 * 60_000 + 100);
  assert.match(String(mostRecentScheduleTime(cronJob('0 0 31 2 *', '2026-01-01T00:00:00Z'), utc('2026-03-05T00:00:00Z'), parseStandard('TZ=UTC 0 0 31 2 *'), false).error), /less than 1 second/);
});

test('the Job of a scheduled time: name in minutes since the epoch, template labels, scheduled-timestamp annotation', () => {
  const cj = cronJob('0 9 * * *', '2026-03-01T00:00:00Z', { timeZone: 'Asia/Tokyo' });
  const t = utc('2026-03-02T00:00:00Z');
  const job = getJobFromTemplate(cj, t);
  assert.equal(job.metadata.name, `nightly-${t / 60_000}`);
  assert.equal(jobNameFor(cj, t), job.metadata.name);
  assert.deepEqual(job.metadata.labels, { a: 'b' });
  assert.equal(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2026-03-02T09:00:00+09:00');
  assert.deepEqual(job.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'u1', controller: true, blockOwnerDeletion: true }]);
});
