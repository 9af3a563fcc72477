import assert from 'node:assert/strict';
import { test } from 'node:test';
import failureSummary from '../../../tools/failure-summary-reporter.js';

async function* events(list: { type: string; data: Record<string, unknown> }[]) {
  yield* list;
}

async function summarize(list: { type: string; data: Record<string, unknown> }[]): Promise<string> {
  let out = '';
  for await (const chunk of failureSummary(events(list))) out += chunk;
  return out;
}

test('lists each failed test under its suites, with file and the thrown message, and not the suites it failed', async () => {
  const thrown = new Error('expected 3 pods\nsaw 2');
  const wrapped = Object.assign(new Error('test failed', { cause: thrown }), { failureType: 'testCodeFailure' });
  const suiteFailed = Object.assign(new Error('1 subtest failed'), { failureType: 'subtestsFailed' });
  const out = await summarize([
    { type: 'test:start', data: { name: 'labs', nesting: 0, file: 'a.js' } },
    { type: 'test:start', data: { name: 'redis', nesting: 1, file: 'a.js' } },
    { type: 'test:pass', data: { name: 'redis', nesting: 1, file: 'a.js' } },
    { type: 'test:start', data: { name: 'mysql', nesting: 1, file: 'a.js' } },
    { type: 'test:fail', data: { name: 'mysql', nesting: 1, file: 'a.js', details: { error: wrapped } } },
    { type: 'test:fail', data: { name: 'labs', nesting: 0, file: 'a.js', details: { error: suiteFailed } } },
  ]);
  assert.match(out, /# 1 failed:/);
  assert.ok(out.includes('# FAILED labs > mysql\n#   in a.js\n#     Error: expected 3 pods\n#     saw 2\n'), out);
  assert.doesNotMatch(out, /FAILED labs\n/);
  assert.doesNotMatch(out, /redis/);
});

test('prints nothing when everything passed', async () => {
  assert.equal(await summarize([{ type: 'test:pass', data: { name: 'x', nesting: 0 } }]), '');
});
