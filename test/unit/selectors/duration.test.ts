import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, shortHumanDuration, timestampSince } from '../../../src/apimachinery/duration.js';

const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;

test('humanDuration matches upstream HumanDuration', () => {
  const cases: [number, string][] = [
    [-2 * s, '<invalid>'], [-1500, '0s'], [-999, '0s'], [0, '0s'], [45 * s, '45s'], [119 * s, '119s'],
    [2 * m, '2m'], [2 * m + 3 * s, '2m3s'], [9 * m + 59 * s, '9m59s'], [10 * m, '10m'], [179 * m, '179m'],
    [3 * h, '3h'], [3 * h + 4 * m, '3h4m'], [7 * h + 59 * m, '7h59m'], [8 * h, '8h'], [47 * h, '47h'],
    [2 * d, '2d'], [2 * d + 3 * h, '2d3h'], [7 * d + 23 * h, '7d23h'], [8 * d, '8d'], [729 * d, '729d'],
    [730 * d, '2y'], [830 * d, '2y100d'], [8 * 365 * d, '8y'], [3000 * d + 5 * h, '8y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('shortHumanDuration matches upstream ShortHumanDuration', () => {
  const cases: [number, string][] = [[-5 * s, '<invalid>'], [59 * s, '59s'], [61 * s, '1m'], [3 * h, '3h'], [30 * d, '30d'], [800 * d, '2y']];
  for (const [ms, want] of cases) assert.equal(shortHumanDuration(ms), want);
});

test('timestampSince', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  assert.equal(timestampSince('2024-05-01T11:57:57Z', now), '2m3s');
  assert.equal(timestampSince(undefined, now), '<unknown>');
});
