// Issue 15 acceptance: the Python client (Debian's python3-kubernetes 22.x, a real client with its own habits:
// `watch=True`, `force=True`, replace without resourceVersion) through test/e2e/fixtures/python-client.py.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Cluster, startCluster } from './harness.js';
import { repoPath } from '../repo-path.js';
import { PYTHON, pythonClientMissing } from '../support/python-client.js';


const missing = pythonClientMissing();
let c: Cluster;
before(async () => { if (!missing) c = await startCluster({ args: ['--no-controllers'] }); });
after(async () => { await c?.stop(); c?.cleanup(); });

test('list, create, patch, replace without resourceVersion, server-side apply with force, watch stream, delete', { skip: missing }, async () => {
  const out = await new Promise<string>((resolve, reject) => execFile(PYTHON, [repoPath('test/e2e/fixtures/python-client.py'), c.kubeconfig, 'py'],
    { env: { PATH: process.env.PATH, HOME: c.home }, timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))));
  const seen = JSON.parse(out);
  assert.ok(seen.namespaces.includes('py') && seen.namespaces.includes('default'), seen.namespaces.join(','));
  assert.deepEqual([seen.created.name, seen.created.data], ['cfg', { a: '1' }]);
  assert.deepEqual(seen.patched, { a: '1', b: '2' });
  assert.deepEqual(seen.replaced, { data: { c: '3' }, uid_kept: true });
  assert.equal(seen.conflict, 409);
  assert.deepEqual(seen.forced, { data: { k: 'two' }, managers: ['two'] });
  // The stream starts with the namespace's state and then sees the change (not a loop of LISTs).
  const names = seen.events.map(([type, name]: [string, string]) => `${type} ${name}`);
  assert.deepEqual(names.slice(0, 2).sort(), ['ADDED cfg', 'ADDED ssa']);
  assert.equal(names.at(-1), 'ADDED watched');
  assert.equal(seen.deleted, 'Success');
  assert.equal(seen.after_delete, 404);
});
