// Scheduler filters and the FitError message, without a server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod } from '../../../src/api/core.js';
import { accountPod, filterNode, fitErrorMessage, NodeState } from '../../../src/scheduler/filters.js';
import { podRequests } from '../../../src/scheduler/resources.js';

const node = (name: string, extra: Partial<Node> = {}, labels: Record<string, string> = {}): Node => ({
  apiVersion: 'v1', kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  spec: extra.spec ?? {},
  status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }], ...(extra.status ?? {}) },
});
const state = (n: Node): NodeState => ({ node: n, requested: new Map(), podCount: 0 });
const pod = (spec: Partial<Pod['spec']> = {}, requests?: Record<string, string>): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' },
  spec: { containers: [{ name: 'app', image: 'x', ...(requests ? { resources: { requests } } : {}) }], ...spec },
});

test('pod requests: app containers add up, init containers count as a maximum, sidecars run alongside', () => {
  const p: Pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
    spec: {
      initContainers: [
        { name: 'big-init', resources: { requests: { cpu: '2' } } },
        { name: 'sidecar', restartPolicy: 'Always', resources: { requests: { cpu: '250m', memory: '64Mi' } } },
      ],
      containers: [{ name: 'a', resources: { requests: { cpu: '500m', memory: '1Gi' } } }, { name: 'b', resources: { requests: { cpu: '250m' } } }],
      overhead: { cpu: '10m' },
    },
  };
  const r = podRequests(p);
  assert.equal(r.get('cpu'), 2010n); // max(2 init, 0.5+0.25+0.25 sidecar) + overhead
  assert.equal(r.get('memory'), 1024n ** 3n + 64n * 1024n ** 2n);
});

test('resources: Insufficient cpu / memory and Too many pods, with upstream wording', () => {
  const s = state(node('n1'));
  accountPod(s, pod({}, { cpu: '3500m', memory: '1Gi' }));
  assert.equal(filterNode(pod({}, { cpu: '500m' }), s), undefined);
  assert.deepEqual(filterNode(pod({}, { cpu: '501m', memory: '8Gi' }), s), { reasons: ['Insufficient cpu', 'Insufficient memory'], unresolvable: false });
  const full = state(node('n2', { status: { allocatable: { cpu: '4', memory: '8Gi', pods: '1' } } }));
  accountPod(full, pod());
  assert.deepEqual(filterNode(pod(), full)?.reasons, ['Too many pods']);
});

test('nodeSelector, required node affinity, taints, cordoned and not-ready nodes', () => {
  const ssd = state(node('n1', {}, { disk: 'ssd', zone: 'a' }));
  assert.equal(filterNode(pod({ nodeSelector: { disk: 'ssd' } }), ssd), undefined);
  assert.deepEqual(filterNode(pod({ nodeSelector: { disk: 'hdd' } }), ssd), { reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true });
  const affinity = (operator: string, values?: string[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator, values }] }] } } });
  assert.equal(filterNode(pod({ affinity: affinity('In', ['a', 'b']) }), ssd), undefined);
  assert.ok(filterNode(pod({ affinity: affinity('NotIn', ['a']) }), ssd));
  assert.equal(filterNode(pod({ affinity: affinity('Exists') }), ssd), undefined);

  const tainted = state(node('n2', { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } }));
  assert.deepEqual(filterNode(pod(), tainted)?.reasons, ['node(s) had untolerated taint {dedicated: gpu}']);
  assert.equal(filterNode(pod({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }), tainted), undefined);
  assert.equal(filterNode(pod({ tolerations: [{ operator: 'Exists' }] }), tainted), undefined);

  const cordoned = state(node('n3', { spec: { unschedulable: true } }));
  assert.deepEqual(filterNode(pod(), cordoned)?.reasons, ['node(s) were unschedulable']);
  const notReady = state(node('n4', { status: { conditions: [{ type: 'Ready', status: 'False' }] } }));
  assert.deepEqual(filterNode(pod(), notReady)?.reasons, ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']);
});

test('FitError message: sorted histogram, then the preemption verdict', () => {
  const insufficient = { reasons: ['Insufficient cpu'], unresolvable: false };
  const both = { reasons: ['Insufficient cpu', 'Insufficient memory'], unresolvable: false };
  const selector = { reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true };
  assert.equal(fitErrorMessage(pod(), 3, [insufficient, insufficient, insufficient]),
    '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
  assert.equal(fitErrorMessage(pod(), 3, [both, insufficient, selector]),
    "0/3 nodes are available: 1 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.");
  assert.equal(fitErrorMessage(pod({ preemptionPolicy: 'Never' }), 1, [insufficient]),
    '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
});
