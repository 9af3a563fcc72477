// Strategic merge patch against the real built-in type model, for the patches kubectl sends most.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModel } from '../../../src/apimachinery/schema/index.js';
import { applyPatch } from '../../../src/apimachinery/patch/index.js';
import { deepFreeze } from './fixture-model.js';

const model = builtinModel();
const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';

const deployment = deepFreeze({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, finalizers: ['a'] },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'nginx', image: 'nginx:1.24', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }] }],
        volumes: [{ name: 'data', emptyDir: {} }],
      },
    },
  },
});

const patch = (body: unknown) => applyPatch('strategic', model, DEPLOYMENT, deployment, JSON.stringify(body)) as any;

test('builtin model: kubectl set image keeps ports and env', () => {
  const out = patch({ spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } } });
  assert.deepEqual(out.spec.template.spec.containers, [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }] }]);
});

test('builtin model: kubectl apply switching to Recreate clears rollingUpdate', () => {
  const out = patch({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
});

test('builtin model: volume source switch with $retainKeys', () => {
  const out = patch({ spec: { template: { spec: { '$setElementOrder/volumes': [{ name: 'data' }], volumes: [{ $retainKeys: ['configMap', 'name'], name: 'data', configMap: { name: 'cm' } }] } } } });
  assert.deepEqual(out.spec.template.spec.volumes, [{ name: 'data', configMap: { name: 'cm' } }]);
});

test('builtin model: ports merge by containerPort, env by name, finalizers as a set', () => {
  const out = patch({
    metadata: { finalizers: ['b'] },
    spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'nginx' }],
      containers: [{ name: 'nginx', '$setElementOrder/ports': [{ containerPort: 80 }, { containerPort: 443 }], ports: [{ containerPort: 443 }], env: [{ name: 'A', $patch: 'delete' }] }],
    } } },
  });
  // Without $setElementOrder a value the live list lacks goes ahead of server-only values, as upstream does.
  assert.deepEqual(out.metadata.finalizers, ['b', 'a']);
  assert.deepEqual(out.spec.template.spec.containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }]);
  assert.deepEqual(out.spec.template.spec.containers[0].env, []);
});

test('builtin model: missing merge key is reported like upstream', () => {
  assert.throws(() => patch({ spec: { template: { spec: { volumes: [{ hostPath: { path: '/var/lib/kubelet/pods' } }] } } } }),
    { code: 500, message: 'map: map[hostPath:map[path:/var/lib/kubelet/pods]] does not contain declared merge key: name' });
});
