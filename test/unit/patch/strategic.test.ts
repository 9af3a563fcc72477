// Strategic merge patch behaviour, ported as a table from the behaviours upstream's strategicpatch tests pin down,
// plus the patches kubectl actually sends (apply, set image, label/annotate, rollout restart/undo).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMergePatch } from '../../../src/apimachinery/patch/strategic.js';
import { ApiError } from '../../../src/apimachinery/errors.js';
import { deepFreeze, fixtureModel } from './fixture-model.js';

const model = fixtureModel();

interface Case {
  name: string;
  struct: string;
  original: unknown;
  patch: unknown;
  expected?: unknown;
  error?: { code: number; reason: string; message: string | RegExp };
}

const podWith = (spec: unknown) => ({ metadata: { name: 'p' }, spec });

const cases: Case[] = [
  // ---- maps and nulls
  {
    name: 'label removal and addition (kubectl label a- b=2)',
    struct: 'Pod',
    original: { metadata: { name: 'p', labels: { a: '1', c: '3' } } },
    patch: { metadata: { labels: { a: null, b: '2' } } },
    expected: { metadata: { name: 'p', labels: { c: '3', b: '2' } } },
  },
  {
    name: 'null for an absent key is ignored',
    struct: 'Pod',
    original: { metadata: { name: 'p' } },
    patch: { metadata: { labels: { a: null } } },
    expected: { metadata: { name: 'p', labels: {} } },
  },
  {
    name: 'nulls inside a new subtree are discarded',
    struct: 'Pod',
    original: { metadata: { name: 'p' } },
    patch: { spec: { nodeSelector: { zone: 'a', gone: null } } },
    expected: { metadata: { name: 'p' }, spec: { nodeSelector: { zone: 'a' } } },
  },
  {
    name: 'scalar replaced, type change replaces',
    struct: 'Deployment',
    original: { spec: { replicas: 1, strategy: { type: 'Recreate' } } },
    patch: { spec: { replicas: 3, strategy: { type: 'Recreate' } } },
    expected: { spec: { replicas: 3, strategy: { type: 'Recreate' } } },
  },
  {
    name: '$patch: delete on a map empties it',
    struct: 'ConfigMap',
    original: { data: { a: '1', b: '2' } },
    patch: { data: { $patch: 'delete' } },
    expected: { data: {} },
  },
  {
    name: '$patch: replace on a map replaces it',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'c', resources: { limits: { cpu: '1' }, requests: { cpu: '1' } } }] }),
    patch: { spec: { containers: [{ name: 'c', resources: { $patch: 'replace', limits: { memory: '1Gi' } } }] } },
    expected: podWith({ containers: [{ name: 'c', resources: { limits: { memory: '1Gi' } } }] }),
  },
  {
    name: '$patch: replace at the top level replaces the whole object',
    struct: 'ConfigMap',
    original: { metadata: { name: 'x' }, data: { a: '1' } },
    patch: { $patch: 'replace', data: { b: '2' } },
    expected: { data: { b: '2' } },
  },
  {
    name: 'a new key whose value carries $patch is dropped',
    struct: 'Pod',
    original: podWith({}),
    patch: { spec: { nodeSelector: { $patch: 'replace', a: 'b' } } },
    expected: podWith({}),
  },

  // ---- kubectl set image / rollout restart / rollout undo
  {
    name: 'kubectl set image merges the container by name and keeps its ports',
    struct: 'Deployment',
    original: {
      spec: { replicas: 2, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [
        { name: 'nginx', image: 'nginx:1.24', ports: [{ containerPort: 80, protocol: 'TCP' }] },
        { name: 'sidecar', image: 'busybox', args: ['sleep', '1d'] },
      ] } } },
    },
    patch: { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } } },
    expected: {
      spec: { replicas: 2, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [
        { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }] },
        { name: 'sidecar', image: 'busybox', args: ['sleep', '1d'] },
      ] } } },
    },
  },
  {
    name: 'kubectl rollout restart adds a template annotation',
    struct: 'Deployment',
    original: { spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
    patch: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' } } } } },
    expected: { spec: { template: {
      metadata: { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' } },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    } } },
  },
  {
    name: 'kubectl rollout undo (StatefulSet) replaces the template',
    struct: 'StatefulSet',
    original: { spec: { replicas: 3, serviceName: 's', template: {
      metadata: { labels: { app: 'db' }, annotations: { x: 'y' } },
      spec: { containers: [{ name: 'db', image: 'db:2', env: [{ name: 'A', value: '1' }] }], nodeSelector: { a: 'b' } },
    } } },
    patch: { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } } } },
    expected: { spec: { replicas: 3, serviceName: 's', template: {
      metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] },
    } } },
  },

  // ---- merge lists of maps
  {
    // Upstream puts items the live list does not know ahead of server-only ones (the kubectl patch docs show the
    // added container first).
    name: 'without $setElementOrder new list elements go first',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'a', image: 'a' }] }),
    patch: { spec: { containers: [{ name: 'b', image: 'b' }] } },
    expected: podWith({ containers: [{ name: 'b', image: 'b' }, { name: 'a', image: 'a' }] }),
  },
  {
    name: 'nested merge lists: env by name, ports by containerPort',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }], ports: [{ containerPort: 80 }] }] }),
    patch: { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '3' }], ports: [{ containerPort: 443, name: 'https' }] }] } },
    expected: podWith({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '3' }], ports: [{ containerPort: 443, name: 'https' }, { containerPort: 80 }] }] }),
  },
  {
    name: 'null inside a merged element deletes the field',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'a', env: [{ name: 'X', value: '1', valueFrom: { fieldRef: { fieldPath: 'p' } } }] }] }),
    patch: { spec: { containers: [{ name: 'a', env: [{ name: 'X', valueFrom: null }] }] } },
    expected: podWith({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] }),
  },
  {
    name: '$patch: delete removes every element with the merge key',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'a' }, { name: 'a' }, { name: 'b', image: 'x' }, { name: 'c' }, { name: 'c' }] }),
    patch: { spec: { containers: [{ name: 'a', $patch: 'delete' }, { name: 'c', $patch: 'delete' }] } },
    expected: podWith({ containers: [{ name: 'b', image: 'x' }] }),
  },
  {
    name: 'a {$patch: replace} element replaces the whole list',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }] }),
    patch: { spec: { containers: [{ name: 'c', image: 'c' }, { $patch: 'replace' }] } },
    expected: podWith({ containers: [{ name: 'c', image: 'c' }] }),
  },
  {
    name: 'a lone {$patch: replace} element empties the list',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'a' }, { name: 'b' }] }),
    patch: { spec: { containers: [{ $patch: 'replace' }] } },
    expected: podWith({ containers: [] }),
  },
  {
    name: 'patch order wins for patched items',
    struct: 'Pod',
    original: podWith({ containers: [{ name: '1' }, { name: '2', image: 'b' }, { name: '3' }] }),
    patch: { spec: { containers: [{ name: '3', image: 'c' }, { name: '1', image: 'a' }, { name: '2', args: ['x'] }] } },
    expected: podWith({ containers: [{ name: '3', image: 'c' }, { name: '1', image: 'a' }, { name: '2', image: 'b', args: ['x'] }] }),
  },
  {
    name: 'server-only items interleave by their live position',
    struct: 'Pod',
    original: podWith({ containers: [{ name: '1' }, { name: '2', image: 'b' }, { name: '3' }] }),
    patch: { spec: { containers: [{ name: '3', image: 'c' }, { name: '1', image: 'a' }] } },
    expected: podWith({ containers: [{ name: '2', image: 'b' }, { name: '3', image: 'c' }, { name: '1', image: 'a' }] }),
  },
  {
    name: 'ownerReferences merge by uid, Service ports by port',
    struct: 'Service',
    original: { metadata: { ownerReferences: [{ uid: 'u1', name: 'a' }] }, spec: { ports: [{ port: 80, targetPort: 8080 }] } },
    patch: { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] }, spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } },
    expected: { metadata: { ownerReferences: [{ uid: 'u1', name: 'a', controller: true }] }, spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } },
  },
  {
    name: 'merge empty lists',
    struct: 'Pod',
    original: podWith({ containers: [] }),
    patch: { spec: { containers: [] } },
    expected: podWith({ containers: [] }),
  },

  // ---- lists without merge strategy are atomic
  {
    name: 'tolerations (atomic) are replaced',
    struct: 'Pod',
    original: podWith({ tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }] }),
    patch: { spec: { tolerations: [{ key: 'c', operator: 'Exists' }] } },
    expected: podWith({ tolerations: [{ key: 'c', operator: 'Exists' }] }),
  },
  {
    name: 'container args (atomic primitives) are replaced',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'a', args: ['x', 'y'] }] }),
    patch: { spec: { containers: [{ name: 'a', args: ['z'] }] } },
    expected: podWith({ containers: [{ name: 'a', args: ['z'] }] }),
  },

  // ---- primitive merge lists
  {
    name: 'finalizers merge as a union without duplicates',
    struct: 'Pod',
    original: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { finalizers: ['b', 'c'] } },
    expected: { metadata: { finalizers: ['a', 'b', 'c'] } },
  },
  {
    name: 'primitive merge list takes the patch order',
    struct: 'Pod',
    original: { metadata: { finalizers: ['1', '2', '3'] } },
    patch: { metadata: { finalizers: ['3', '1'] } },
    expected: { metadata: { finalizers: ['2', '3', '1'] } },
  },
  {
    name: '$deleteFromPrimitiveList removes values',
    struct: 'Pod',
    original: { metadata: { finalizers: ['a', 'b', 'c'] } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'zzz'] } },
    expected: { metadata: { finalizers: ['a', 'c'] } },
  },
  {
    name: '$deleteFromPrimitiveList works on atomic lists too',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'a', args: ['1', '2', '3'] }] }),
    patch: { spec: { containers: [{ name: 'a', '$deleteFromPrimitiveList/args': ['2'] }] } },
    expected: podWith({ containers: [{ name: 'a', args: ['1', '3'] }] }),
  },
  {
    name: '$deleteFromPrimitiveList of an absent list adds nothing',
    struct: 'Pod',
    original: { metadata: { name: 'x' } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
    expected: { metadata: { name: 'x' } },
  },

  // ---- $setElementOrder (kubectl apply)
  {
    name: 'apply: change one container, delete a port, keep order',
    struct: 'Deployment',
    original: { spec: { template: { spec: { containers: [
      { name: 'app', image: 'app:1', ports: [{ containerPort: 80 }, { containerPort: 8080 }] },
      { name: 'sidecar', image: 'side:1' },
    ] } } } },
    patch: { spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
      containers: [{ '$setElementOrder/ports': [{ containerPort: 8080 }], name: 'app', image: 'app:2', ports: [{ $patch: 'delete', containerPort: 80 }] }],
    } } } },
    expected: { spec: { template: { spec: { containers: [
      { name: 'app', image: 'app:2', ports: [{ containerPort: 8080 }] },
      { name: 'sidecar', image: 'side:1' },
    ] } } } },
  },
  {
    name: 'apply: delete a container and add one in between',
    struct: 'Deployment',
    original: { spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } } } },
    patch: { spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'a' }, { name: 'new' }, { name: 'c' }],
      containers: [{ name: 'new', image: 'n' }, { name: 'b', $patch: 'delete' }],
    } } } },
    expected: { spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'new', image: 'n' }, { name: 'c' }] } } } },
  },
  {
    name: 'apply: reorder only',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] } },
    expected: podWith({ containers: [{ name: 'c' }, { name: 'a' }, { name: 'b' }] }),
  },
  {
    name: 'apply: a new container goes where $setElementOrder says, an injected sidecar stays last',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'a' }, { name: 'injected' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b', image: 'b' }] } },
    expected: podWith({ containers: [{ name: 'a' }, { name: 'b', image: 'b' }, { name: 'injected' }] }),
  },
  {
    name: 'apply: add and delete with a server-only item orders against the updated live list',
    struct: 'Pod',
    original: podWith({ containers: [{ name: '1' }, { name: '2', image: 'b' }, { name: '4', image: 'c' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: '2' }, { name: '3' }], containers: [{ name: '3' }, { name: '1', $patch: 'delete' }] } },
    expected: podWith({ containers: [{ name: '2', image: 'b' }, { name: '4', image: 'c' }, { name: '3' }] }),
  },
  {
    name: '$setElementOrder may name items that are absent',
    struct: 'Pod',
    original: podWith({ containers: [{ name: '1' }, { name: '3' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: '3' }, { name: '2' }, { name: '1' }], containers: [{ name: '3', image: '3' }, { name: '1', image: '1' }] } },
    expected: podWith({ containers: [{ name: '3', image: '3' }, { name: '1', image: '1' }] }),
  },
  {
    name: '$setElementOrder on primitives with a deletion list',
    struct: 'Pod',
    original: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { '$setElementOrder/finalizers': ['c', 'a'], '$deleteFromPrimitiveList/finalizers': ['b'], finalizers: ['c'] } },
    expected: { metadata: { finalizers: ['c', 'a'] } },
  },
  {
    name: '$setElementOrder for a list the object does not have yet',
    struct: 'Pod',
    original: podWith({}),
    patch: { spec: { '$setElementOrder/volumes': [{ name: 'v' }], volumes: [{ name: 'v', emptyDir: {} }] } },
    expected: podWith({ volumes: [{ name: 'v', emptyDir: {} }] }),
  },

  // ---- retainKeys
  {
    name: 'volume source switch with $retainKeys drops the old source',
    struct: 'Pod',
    original: podWith({ volumes: [{ name: 'data', emptyDir: {} }, { name: 'keep', hostPath: { path: '/x' } }] }),
    patch: { spec: { volumes: [{ name: 'data', $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' } }] } },
    expected: podWith({ volumes: [{ name: 'data', configMap: { name: 'cm' } }, { name: 'keep', hostPath: { path: '/x' } }] }),
  },
  {
    name: 'deployment strategy switch with $retainKeys drops rollingUpdate',
    struct: 'Deployment',
    original: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } } } },
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    expected: { spec: { strategy: { type: 'Recreate' } } },
  },
  {
    name: 'without $retainKeys a retainKeys field merges normally',
    struct: 'Deployment',
    original: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
    patch: { spec: { strategy: { type: 'Recreate' } } },
    expected: { spec: { strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } },
  },
  {
    name: '$retainKeys tolerates nulls and parallel lists outside the list',
    struct: 'Deployment',
    original: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
    expected: { spec: { strategy: { type: 'Recreate' } } },
  },

  // ---- fields the model does not describe: merge-patch rules
  {
    name: 'free-form subtree: maps merge, lists replace, null deletes',
    struct: 'Widget',
    original: { spec: { a: { b: 1, c: 2 }, list: [{ name: 'x', v: 1 }], gone: true } },
    patch: { spec: { a: { c: 3 }, list: [{ name: 'x', v: 2 }], gone: null } },
    expected: { spec: { a: { b: 1, c: 3 }, list: [{ name: 'x', v: 2 }] } },
  },
  {
    name: 'unknown field of a known struct is taken from the patch',
    struct: 'Pod',
    original: podWith({ restartPolicy: 'Always' }),
    patch: { spec: { futureField: { x: [1, 2] } } },
    expected: podWith({ restartPolicy: 'Always', futureField: { x: [1, 2] } }),
  },
  {
    name: 'map values follow the value type (resources limits)',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }),
    patch: { spec: { containers: [{ name: 'a', resources: { limits: { cpu: '2', memory: null } } }] } },
    expected: podWith({ containers: [{ name: 'a', resources: { limits: { cpu: '2' } } }] }),
  },
  {
    name: 'null patch is a no-op',
    struct: 'Pod',
    original: podWith({ restartPolicy: 'Always' }),
    patch: null,
    expected: podWith({ restartPolicy: 'Always' }),
  },

  // ---- errors
  {
    name: 'missing merge key in a patch element',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'a' }] }),
    patch: { spec: { containers: [{ image: 'nginx:1.25' }] } },
    error: { code: 500, reason: '', message: 'map: map[image:nginx:1.25] does not contain declared merge key: name' },
  },
  {
    name: 'missing merge key in a live element (imagePullSecrets: [{}])',
    struct: 'Pod',
    original: podWith({ imagePullSecrets: [{}] }),
    patch: { spec: { imagePullSecrets: [{ name: 'x' }] } },
    error: { code: 500, reason: '', message: 'map: map[] does not contain declared merge key: name' },
  },
  {
    name: '$patch: merge on a map is not a directive',
    struct: 'ConfigMap',
    original: { data: { a: '1' } },
    patch: { data: { $patch: 'merge', b: '2' } },
    error: { code: 500, reason: '', message: 'unknown patch type: merge in map: map[$patch:merge b:2]' },
  },
  {
    name: '$patch: merge on a list element',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'a' }] }),
    patch: { spec: { containers: [{ name: 'a', $patch: 'merge' }] } },
    error: { code: 500, reason: '', message: 'merging lists cannot yet be specified in the patch' },
  },
  {
    name: 'unknown $patch value on a list element',
    struct: 'Pod',
    original: podWith({ containers: [{ name: 'a' }] }),
    patch: { spec: { containers: [{ name: 'a', $patch: 'nope' }] } },
    error: { code: 500, reason: '', message: 'unknown patch type: nope in map: map[$patch:nope name:a]' },
  },
  {
    name: '$setElementOrder disagreeing with the patch list',
    struct: 'Pod',
    original: podWith({ containers: [{ name: '1' }, { name: '3' }, { name: '2' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: '1' }, { name: '2' }, { name: '3' }], containers: [{ name: '3', image: 'x' }, { name: '1', image: 'y' }] } },
    error: { code: 500, reason: '', message: "The order in patch list:\n[map[image:x name:3] map[image:y name:1]]\n doesn't match $setElementOrder list:\n[map[name:1] map[name:2] map[name:3]]\n" },
  },
  {
    name: 'malformed $setElementOrder key',
    struct: 'Pod',
    original: podWith({}),
    patch: { spec: { $setElementOrder: [] } },
    error: { code: 400, reason: 'BadRequest', message: 'invalid patch format of setElementOrder list' },
  },
  {
    name: '$retainKeys must be a list',
    struct: 'Deployment',
    original: { spec: { strategy: { type: 'Recreate' } } },
    patch: { spec: { strategy: { $retainKeys: 'type', type: 'Recreate' } } },
    error: { code: 400, reason: 'BadRequest', message: 'invalid patch format of retainKeys' },
  },
  {
    name: 'patch keys must be listed in $retainKeys',
    struct: 'Deployment',
    original: { spec: { strategy: { type: 'Recreate' } } },
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
    error: { code: 400, reason: 'BadRequest', message: 'invalid patch format of retainKeys' },
  },
  {
    name: 'lists of lists',
    struct: 'Pod',
    original: { metadata: { finalizers: [['a']] } },
    patch: { metadata: { finalizers: [['b']] } },
    error: { code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' },
  },
  {
    name: 'mixed element types in a merge list',
    struct: 'Pod',
    original: { metadata: { finalizers: ['a'] } },
    patch: { metadata: { finalizers: [1] } },
    error: { code: 500, reason: '', message: 'list element types are not identical: [[a] [1]]' },
  },
  {
    name: 'patch body must be an object',
    struct: 'Pod',
    original: {},
    patch: [1],
    error: { code: 400, reason: 'BadRequest', message: 'json: cannot unmarshal array into Go value of type map[string]interface {}' },
  },
];

for (const c of cases) {
  test(`SMP: ${c.name}`, () => {
    const original = deepFreeze(structuredClone(c.original));
    const patch = deepFreeze(structuredClone(c.patch));
    if (c.error) {
      assert.throws(() => strategicMergePatch(model, c.struct, original, patch), (e: unknown) => {
        assert.ok(e instanceof ApiError);
        assert.equal(e.code, c.error!.code);
        assert.equal(e.reason, c.error!.reason);
        if (typeof c.error!.message === 'string') assert.equal(e.message, c.error!.message);
        else assert.match(e.message, c.error!.message);
        return true;
      });
      return;
    }
    const result = strategicMergePatch(model, c.struct, original, patch);
    assert.deepStrictEqual(result, c.expected);
  });
}

test('SMP: applying the same decoded patch twice gives the same result (retry safety)', () => {
  const original = deepFreeze(podWith({ containers: [{ name: 'a', image: 'a' }] }));
  const patch = deepFreeze({ spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'b', image: 'b', env: [{ name: 'X', value: null }] }] } });
  const first = strategicMergePatch(model, 'Pod', original, patch);
  const second = strategicMergePatch(model, 'Pod', original, patch);
  assert.deepStrictEqual(first, second);
  assert.deepStrictEqual(first, podWith({ containers: [{ name: 'b', image: 'b', env: [{ name: 'X', value: null }] }, { name: 'a', image: 'a' }] }));
});

test('SMP: untouched subtrees are shared, not copied', () => {
  const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
  const original = deepFreeze({ metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'c' }] }, status });
  const result = strategicMergePatch(model, 'Pod', original, { metadata: { labels: { b: '2' } } }) as typeof original;
  assert.equal(result.status, status);
  assert.equal(result.spec, original.spec);
  assert.notEqual(result.metadata, original.metadata);
});

test('SMP: a large list (5000 keyed elements, patched in reverse order) merges in the patch order', () => {
  const n = 5000;
  const env = Array.from({ length: n }, (_, i) => ({ name: `V${i}`, value: String(i) }));
  const original = podWith({ containers: [{ name: 'c', env }] });
  const patchEnv = Array.from({ length: n }, (_, i) => ({ name: `V${n - 1 - i}`, value: 'x' }));
  const result = strategicMergePatch(model, 'Pod', original, { spec: { containers: [{ name: 'c', env: patchEnv }] } }) as { spec: { containers: { env: { name: string; value: string }[] }[] } };
  assert.equal(result.spec.containers[0].env.length, n);
  assert.equal(result.spec.containers[0].env[0].name, `V${n - 1}`);
});
