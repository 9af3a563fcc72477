// RE2 semantics for user-supplied patterns: Go's syntax and errors, match-anywhere as Go's MatchString, and the
// scoped RegExp replacement CEL evaluation runs under.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRe2, withRe2RegExp } from '../../../src/apimachinery/re2.js';

test('Go/RE2 syntax: (?i), \\z, POSIX classes; match anywhere unless anchored', () => {
  assert.equal(compileRe2('(?i)^abc$').test('ABC'), true);
  assert.equal(compileRe2('x\\z').test('ax'), true);
  assert.equal(compileRe2('x\\z').test('x\n'), false);
  assert.equal(compileRe2('[[:digit:]]+').test('ab12'), true);
  assert.equal(compileRe2('^b').test('ab'), false);
});

test('what RE2 does not have is a syntax error worded as Go\'s', () => {
  assert.throws(() => compileRe2('(a)\\1'), /error parsing regexp: invalid escape sequence: `\\1`/);
  assert.throws(() => compileRe2('(?=a)'), /error parsing regexp: invalid or unsupported Perl syntax: `\(\?=`/);
  assert.throws(() => compileRe2('a**'), /invalid nested repetition operator/);
});

test('a catastrophic pattern for a backtracking engine is answered (linear time) on 10,000 characters', () => {
  assert.equal(compileRe2('^(a+)+$').test(`${'a'.repeat(10_000)}b`), false);
  assert.equal(compileRe2('^(a|a)*$').test('a'.repeat(10_000)), true);
});

test('withRe2RegExp: new RegExp(pattern) is RE2 inside, the global RegExp is back afterwards, flagged uses pass through', () => {
  const original = RegExp;
  const inside = withRe2RegExp(() => {
    // biome-ignore lint/complexity/useRegexLiterals: the RegExp constructor is what withRe2RegExp replaces
    const re2 = new RegExp('^(a+)+$');
    // biome-ignore lint/complexity/useRegexLiterals: the RegExp constructor is what withRe2RegExp replaces
    const flagged = new RegExp('A', 'i');
    return { re2Result: re2.test(`${'a'.repeat(5_000)}b`), flagged: flagged instanceof original && flagged.test('a') };
  });
  assert.deepEqual(inside, { re2Result: false, flagged: true });
  assert.equal(globalThis.RegExp, original);
  assert.throws(() => withRe2RegExp(() => { throw new Error('boom'); }), /boom/);
  assert.equal(globalThis.RegExp, original);
});
