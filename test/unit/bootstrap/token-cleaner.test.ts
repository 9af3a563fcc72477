// The token cleaner against an in-process API server: an expired bootstrap token Secret is deleted, one that expires
// later is deleted when its time comes (the queue looks again then), one without expiration and other Secrets stay.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { builtin } from '../../../src/client/resources.js';
import { TokenCleaner } from '../../../src/controllers/bootstrap/token-cleaner.js';
import { bootstrapTokenSecret } from '../../../src/cli/node.js';
import { ControllerEnv, startControllerEnv } from '../../support/controller-env.js';
import { eventually } from '../../e2e/harness.js';

let env: ControllerEnv;

before(async () => {
  env = await startControllerEnv();
  await env.start(new TokenCleaner(env.client, env.informers));
});

after(async () => {
  await env?.close();
});

const exists = async (name: string) => !!(await env.client.get(builtin.secrets, name, { namespace: 'kube-system' }).catch(() => undefined));
const create = (obj: Record<string, unknown>) => env.client.create(builtin.secrets, obj as never, { namespace: 'kube-system' });

test('expired bootstrap tokens are deleted, at once or when they expire; others stay', async () => {
  await create(bootstrapTokenSecret('aaaaaa', '0123456789abcdef', 1, new Date(Date.now() - 60_000))); // expired a minute ago
  await create(bootstrapTokenSecret('bbbbbb', '0123456789abcdef', 2_500)); // expires in 2.5 s
  await create(bootstrapTokenSecret('cccccc', '0123456789abcdef', 0)); // never expires
  await create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'not-a-token', namespace: 'kube-system' }, stringData: { expiration: '2000-01-01T00:00:00Z' } });
  await eventually(async () => !(await exists('bootstrap-token-aaaaaa')), 5_000);
  assert.ok(await exists('bootstrap-token-bbbbbb'), 'not expired yet');
  await eventually(async () => !(await exists('bootstrap-token-bbbbbb')), 10_000);
  assert.ok(await exists('bootstrap-token-cccccc'));
  assert.ok(await exists('not-a-token'));
});
