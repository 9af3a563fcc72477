import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, errConflict, errNotFound } from '../../../../src/apimachinery/errors.js';
import { isExpectedRace, setVerbosity, warnSyncError } from '../../../../src/controllers/common/sync-errors.js';

const pods = { group: '', resource: 'pods' };
const terminating = new ApiError(403, 'Forbidden', 'pods "x" is forbidden: unable to create new content in namespace ns because it is being terminated', {
  name: 'x', kind: 'pods', causes: [{ reason: 'NamespaceTerminating', message: 'namespace ns is being terminated', field: 'metadata.namespace' }],
});

test('an object deleted or changed while it was synced, or a terminating namespace, is an expected race', () => {
  assert.equal(isExpectedRace(errNotFound(pods, 'web-0')), true);
  assert.equal(isExpectedRace(errConflict(pods, 'web-0')), true);
  assert.equal(isExpectedRace(terminating), true);
  assert.equal(isExpectedRace(new ApiError(409, 'AlreadyExists', 'pods "web-0" already exists')), false);
  assert.equal(isExpectedRace(new ApiError(422, 'Invalid', 'bad')), false);
  assert.equal(isExpectedRace(new Error('socket hang up')), false);
});

test('expected races reach the terminal only at verbosity 4, other failures always', (t) => {
  const lines: string[] = [];
  t.mock.method(console, 'warn', (line: string) => { lines.push(line); });
  t.after(() => setVerbosity(0));
  setVerbosity(0);
  warnSyncError(errNotFound(pods, 'web-0'), 'race');
  warnSyncError(new ApiError(422, 'Invalid', 'bad'), 'real');
  assert.deepEqual(lines, ['real']);
  setVerbosity(4);
  warnSyncError(errConflict(pods, 'web-0'), 'race at -v=4');
  assert.deepEqual(lines, ['real', 'race at -v=4']);
});
