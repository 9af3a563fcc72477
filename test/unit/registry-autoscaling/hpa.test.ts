// HorizontalPodAutoscaler served as autoscaling/v2 (stored) and autoscaling/v1 (converted): v2 defaults (minReplicas,
// the CPU metric, behavior rules), v1's targetCPUUtilizationPercentage and the annotations that carry the other
// metrics, validation texts, and the printer's TARGETS cell.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { builtin, type ResourceDescriptor } from '../../../src/client/resources.js';
import { formatHPAMetrics, horizontalPodAutoscalerPrinter } from '../../../src/printers/autoscaling.js';
import { ControllerEnv, startControllerEnv, refusal } from '../../support/controller-env.js';

let env: ControllerEnv;
const v2 = builtin.horizontalPodAutoscalers;
const v1: ResourceDescriptor = { ...v2, version: 'v1' };
type Obj = Record<string, any>;

before(async () => {
  env = await startControllerEnv();
  await env.namespace('hpa');
});

after(async () => {
  await env?.close();
});

const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

test('v2: minReplicas 1, the 80% CPU metric and the behavior rules are defaulted', async () => {
  const hpa = await env.client.create<KubeObject & Obj>(v2, {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'plain', namespace: 'hpa' },
    spec: { scaleTargetRef: target, maxReplicas: 3, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } },
  });
  assert.equal(hpa.spec.minReplicas, 1);
  assert.deepEqual(hpa.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.deepEqual(hpa.spec.behavior, {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
  });
});

test('v1 and v2 show one object: the CPU target as targetCPUUtilizationPercentage, other metrics in an annotation', async () => {
  await env.client.create(v2, {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'multi', namespace: 'hpa' },
    spec: {
      scaleTargetRef: target, minReplicas: 2, maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        { type: 'Pods', pods: { metric: { name: 'packets' }, target: { type: 'AverageValue', averageValue: '1k' } } },
      ],
    },
  });
  const asV1 = await env.client.get<KubeObject & Obj>(v1, 'multi', { namespace: 'hpa' });
  assert.equal(asV1.apiVersion, 'autoscaling/v1');
  assert.deepEqual(asV1.spec, { scaleTargetRef: target, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 50 });
  assert.deepEqual(JSON.parse(asV1.metadata.annotations!['autoscaling.alpha.kubernetes.io/metrics']),
    [{ type: 'Pods', pods: { metricName: 'packets', targetAverageValue: '1k' } }]);

  // an update through v1 keeps the annotated metrics and changes the CPU target
  asV1.spec.targetCPUUtilizationPercentage = 70;
  await env.client.update(v1, asV1);
  const back = await env.client.get<KubeObject & Obj>(v2, 'multi', { namespace: 'hpa' });
  assert.deepEqual(back.spec.metrics, [
    { type: 'Pods', pods: { metric: { name: 'packets' }, target: { type: 'AverageValue', averageValue: '1k' } } },
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
  ]);
  assert.equal(back.metadata.annotations?.['autoscaling.alpha.kubernetes.io/metrics'], undefined);
});

test('v1 without a CPU target stores the implicit 80% one', async () => {
  await env.client.create(v1, {
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'old', namespace: 'hpa' },
    spec: { scaleTargetRef: target, maxReplicas: 2 },
  });
  const stored = await env.client.get<KubeObject & Obj>(v2, 'old', { namespace: 'hpa' });
  assert.equal(stored.spec.minReplicas, 1);
  assert.equal(stored.spec.metrics[0].resource.target.averageUtilization, 80);
});

test('validation refuses bad bounds, targets and metrics with upstream texts', async () => {
  const e = await refusal(env.client.create(v2, {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'bad', namespace: 'hpa' },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: '' }, minReplicas: 3, maxReplicas: 2,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } }, { type: 'Pods' }],
    },
  }));
  assert.equal(e.code, 422);
  assert.equal(e.message, 'HorizontalPodAutoscaler.autoscaling "bad" is invalid: ['
    + 'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`, '
    + 'spec.scaleTargetRef.name: Required value, '
    + 'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0, '
    + 'spec.metrics[1].pods: Required value: must populate information for the given metric source]');
  const zero = await refusal(env.client.create(v1, {
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'zero', namespace: 'hpa' },
    spec: { scaleTargetRef: target, minReplicas: 0, maxReplicas: 0 },
  }));
  assert.match(zero.message, /spec\.minReplicas: Invalid value: 0: must be greater than or equal to 1/);
  assert.match(zero.message, /spec\.maxReplicas: Invalid value: 0: must be greater than 0/);
});

test('the TARGETS cell shows current/target per metric, two at most', () => {
  const specs: Obj[] = [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
    { type: 'Pods', pods: { metric: { name: 'packets' }, target: { type: 'AverageValue', averageValue: '1k' } } },
    { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
  ];
  assert.equal(formatHPAMetrics([], []), '<none>');
  assert.equal(formatHPAMetrics(specs.slice(0, 1), []), 'cpu: <unknown>/50%');
  assert.equal(formatHPAMetrics(specs.slice(0, 1), [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12 } } }]), 'cpu: 12%/50%');
  assert.equal(formatHPAMetrics(specs, []), 'cpu: <unknown>/50%, <unknown>/1k + 1 more...');
  const cells = horizontalPodAutoscalerPrinter.cells({
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', creationTimestamp: new Date().toISOString() },
    spec: { scaleTargetRef: target, maxReplicas: 4, metrics: specs.slice(2) }, status: { currentReplicas: 2 },
  } as KubeObject, new Date());
  assert.deepEqual(cells.slice(0, 6), ['h', 'Deployment/web', 'memory: <unknown>/100Mi', '<unset>', 4, 2]);
});
