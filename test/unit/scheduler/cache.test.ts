// The scheduler cache keeps per-node totals equal to summing the bound pods and the assumed ones from scratch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod } from '../../../src/api/core.js';
import { SchedulerCache } from '../../../src/scheduler/cache.js';

const node = (name: string, allocatable: Record<string, string> = { cpu: '4', memory: '8Gi', pods: '110' }): Node =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { allocatable } });

const pod = (name: string, uid: string, opts: { node?: string; cpu?: string; phase?: string } = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid },
  spec: { ...(opts.node ? { nodeName: opts.node } : {}), containers: [{ name: 'app', resources: { requests: { cpu: opts.cpu ?? '100m' } } }] },
  ...(opts.phase ? { status: { phase: opts.phase } } : {}),
});

const summary = (c: SchedulerCache, nodes: Node[]) =>
  c.nodeStates(nodes).map((s) => [s.node.metadata.name, s.podCount, s.requested.get('cpu') ?? 0n]);

test('bound pods count on their node; terminal and deleted ones stop counting', () => {
  const c = new SchedulerCache(() => undefined);
  const nodes = [node('n2'), node('n1')];
  c.podChanged(pod('a', 'ua', { node: 'n1', cpu: '1' }));
  c.podChanged(pod('b', 'ub', { node: 'n1', cpu: '500m' }));
  c.podChanged(pod('c', 'uc', { node: 'n2' }));
  c.podChanged(pod('pending', 'up'));
  assert.deepEqual(summary(c, nodes), [['n1', 2, 1500n], ['n2', 1, 100n]]);
  c.podChanged(pod('a', 'ua', { node: 'n1', cpu: '1', phase: 'Succeeded' }));
  c.podDeleted(pod('c', 'uc', { node: 'n2' }));
  assert.deepEqual(summary(c, nodes), [['n1', 1, 500n], ['n2', 0, 0n]]);
  // A pod replaced under the same name by one with another uid counts once.
  c.podChanged(pod('b', 'ub2', { node: 'n2', cpu: '2' }));
  assert.deepEqual(summary(c, nodes), [['n1', 0, 0n], ['n2', 1, 2000n]]);
});

test('assumed pods count until seen bound, and not twice', () => {
  const live = new Map<string, Pod>();
  const c = new SchedulerCache((key) => live.get(key));
  const nodes = [node('n1')];
  const p = pod('a', 'ua', { cpu: '1' });
  live.set('default/a', p);
  c.assume(p, 'n1');
  assert.deepEqual(summary(c, nodes), [['n1', 1, 1000n]]);
  const bound = pod('a', 'ua', { node: 'n1', cpu: '1' });
  live.set('default/a', bound);
  c.podChanged(bound);
  assert.deepEqual(summary(c, nodes), [['n1', 1, 1000n]]);
  // Assumed again after the informer already shows it bound (the binding response came late): no double count.
  c.assume(p, 'n1');
  assert.deepEqual(summary(c, nodes), [['n1', 1, 1000n]]);
  const q = pod('b', 'ub', { cpu: '2' });
  c.assume(q, 'n1');
  assert.deepEqual(summary(c, nodes), [['n1', 2, 3000n]]);
  c.forget('ub');
  assert.deepEqual(summary(c, nodes), [['n1', 1, 1000n]]);
  c.assume(q, 'n1');
  c.podDeleted(q);
  assert.deepEqual(summary(c, nodes), [['n1', 1, 1000n]]);
});

test('node states come sorted by name with parsed allocatable and private request maps', () => {
  const c = new SchedulerCache(() => undefined);
  c.podChanged(pod('a', 'ua', { node: 'n1', cpu: '1' }));
  const [s] = c.nodeStates([node('n1', { cpu: '2', pods: '3' })]);
  assert.equal(s.allocatable?.get('cpu'), 2000n);
  assert.equal(s.allocatable?.get('pods'), 3n);
  s.requested.set('cpu', 0n);
  assert.equal(c.nodeStates([node('n1')])[0].requested.get('cpu'), 1000n);
});
