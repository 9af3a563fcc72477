import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { coreResources } from '../../../src/registry/core/index.js';
import type { ResourceDef } from '../../../src/registry/types.js';

const def = (kind: string): ResourceDef => coreResources.find((d) => d.kind === kind)!;
const strs = (errs: { toString(): string }[] | undefined) => (errs ?? []).map((e) => e.toString());

/** Runs defaults + prepareForCreate + validate like the REST create path. */
function create(kind: string, obj: Record<string, unknown>): { obj: KubeObject; errs: string[] } {
  const o = structuredClone(obj) as unknown as KubeObject;
  const s = def(kind).strategy;
  s.defaults?.(o);
  s.prepareForCreate?.(o);
  return { obj: o, errs: strs(s.validate?.(o)) };
}

function update(kind: string, oldObj: KubeObject, mutate: (o: any) => void): string[] {
  const n = structuredClone(oldObj) as any;
  n.metadata.resourceVersion = '2';
  mutate(n);
  const s = def(kind).strategy;
  s.defaults?.(n);
  s.prepareForUpdate?.(n, oldObj);
  return strs(s.validateUpdate?.(n, oldObj));
}

const pod = (spec: Record<string, unknown>, name = 'web') => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec });

test('discovery names', () => {
  const names = Object.fromEntries(coreResources.map((d) => [d.resource, d.shortNames.join(',')]));
  assert.deepEqual(names, {
    bindings: '', configmaps: 'cm', endpoints: 'ep', events: 'ev', limitranges: 'limits', namespaces: 'ns', nodes: 'no', persistentvolumeclaims: 'pvc',
    persistentvolumes: 'pv', pods: 'po', podtemplates: '', replicationcontrollers: 'rc', resourcequotas: 'quota', secrets: '',
    serviceaccounts: 'sa', services: 'svc',
  });
  assert.deepEqual(def('ReplicationController').categories, ['all']);
  assert.deepEqual(def('Pod').categories, ['all']);
  assert.deepEqual(def('Service').categories, ['all']);
  assert.equal(def('Pod').schemaName, 'io.k8s.api.core.v1.Pod');
  assert.ok(def('Pod').subresources.others!.some((s) => s.name === 'exec'));
  assert.deepEqual(def('Binding').verbs, ['create']);
  assert.equal(def('Namespace').namespaced, false);
  assert.ok(!def('Namespace').verbs.includes('deletecollection'));
});

test('pod defaults', () => {
  const { obj, errs } = create('Pod', pod({ containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } } }] }));
  assert.deepEqual(errs, []);
  const spec = (obj as any).spec;
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
  assert.equal(spec.serviceAccountName, 'default');
  const c = spec.containers[0];
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.equal(c.imagePullPolicy, 'Always');
  assert.equal(c.ports[0].protocol, 'TCP');
  assert.deepEqual(c.resources.requests, { cpu: '1' });
  assert.deepEqual((obj as any).status, { phase: 'Pending', qosClass: 'Burstable' });
  assert.equal(create('Pod', pod({ containers: [{ name: 'c', image: 'nginx:1.25' }] })).obj.spec && (create('Pod', pod({ containers: [{ name: 'c', image: 'nginx:1.25' }] })).obj as any).spec.containers[0].imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(def('Pod').strategy.selectableFields!(obj), {
    'spec.nodeName': '', 'spec.restartPolicy': 'Always', 'spec.schedulerName': 'default-scheduler', 'spec.serviceAccountName': 'default',
    'spec.hostNetwork': 'false', 'status.phase': 'Pending', 'status.podIP': '', 'status.nominatedNodeName': '',
  });
});

test('pod validation errors', () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{ containers: [] }, ['spec.containers: Required value']],
    [{ containers: [{ name: 'C', image: 'x' }] }, [
      "spec.containers[0].name: Invalid value: \"C\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]],
    [{ containers: [{ name: 'c' }] }, ['spec.containers[0].image: Required value']],
    [{ restartPolicy: 'Sometimes', containers: [{ name: 'c', image: 'x' }] }, [
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]],
    [{ containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 70000 }] }] }, [
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]],
    [{ containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] }, [
      'spec.containers[0].volumeMounts[0].name: Not found: "data"',
    ]],
    [{ containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] }, [
      'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    ]],
    [{ containers: [{ name: 'c', image: 'x' }, { name: 'c', image: 'y' }] }, ['spec.containers[1].name: Duplicate value: "c"']],
    [{ containers: [{ name: 'c', image: 'x', env: [{ name: '' }] }] }, ['spec.containers[0].env[0].name: Required value']],
    [{ readinessGates: [{ conditionType: 'a/b/c' }], containers: [{ name: 'c', image: 'x' }] }, [
      "spec.readinessGates[0].conditionType: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]],
    [{ volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }], containers: [{ name: 'c', image: 'x' }] }, [
      'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type',
    ]],
  ];
  for (const [spec, want] of cases) assert.deepEqual(create('Pod', pod(spec)).errs, want, JSON.stringify(spec));
});

test('pod updates may only change images and a few fields', () => {
  const { obj } = create('Pod', pod({ containers: [{ name: 'c', image: 'nginx:1' }] }));
  obj.metadata.resourceVersion = '1';
  assert.deepEqual(update('Pod', obj, (n) => { n.spec.containers[0].image = 'nginx:2'; n.metadata.labels = { a: 'b' }; }), []);
  assert.deepEqual(update('Pod', obj, (n) => { n.spec.tolerations = [{ key: 'k', operator: 'Exists' }]; }), []);
  const errs = update('Pod', obj, (n) => { n.spec.restartPolicy = 'Never'; });
  assert.equal(errs.length, 1);
  assert.ok(errs[0].startsWith('spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n'), errs[0]);
  assert.deepEqual(update('Pod', obj, (n) => { n.spec.containers.push({ name: 'd', image: 'x' }); }).slice(-1), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
});

test('namespace create', () => {
  const { obj, errs } = create('Namespace', { metadata: { name: 'team-a' } });
  assert.deepEqual(errs, []);
  assert.deepEqual((obj as any).spec, { finalizers: ['kubernetes'] });
  assert.deepEqual((obj as any).status, { phase: 'Active' });
  assert.equal(obj.metadata.labels!['kubernetes.io/metadata.name'], 'team-a');
  assert.deepEqual(create('Namespace', { metadata: { name: 'a.b' } }).errs, ['metadata.name: Invalid value: "a.b": must not contain dots']);
});

test('service defaults, validation and clusterIP immutability', () => {
  const { obj, errs } = create('Service', { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
  assert.deepEqual(errs, []);
  const spec = (obj as any).spec;
  assert.equal(spec.type, 'ClusterIP');
  assert.equal(spec.sessionAffinity, 'None');
  assert.equal(spec.internalTrafficPolicy, 'Cluster');
  assert.deepEqual(spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  assert.deepEqual(create('Service', { metadata: { name: '1web', namespace: 'd' }, spec: { ports: [{ port: 80 }] } }).errs, [
    "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.deepEqual(create('Service', { metadata: { name: 'h', namespace: 'd' }, spec: { clusterIP: 'None' } }).errs, []);
  assert.deepEqual(create('Service', { metadata: { name: 'x', namespace: 'd' }, spec: { type: 'Weird', ports: [{ port: 80 }] } }).errs, [
    'spec.type: Unsupported value: "Weird": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
  ]);
  const withIP = create('Service', { metadata: { name: 'w', namespace: 'd' }, spec: { clusterIP: '10.0.0.5', ports: [{ port: 80 }] } }).obj;
  withIP.metadata.resourceVersion = '1';
  assert.deepEqual((withIP as any).spec.clusterIPs, ['10.0.0.5']);
  assert.deepEqual(update('Service', withIP, (n) => { n.spec.clusterIP = '10.0.0.6'; }), [
    'spec.clusterIPs[0]: Invalid value: ["10.0.0.6"]: may not change once set',
  ]);
  // dropping clusterIP on update keeps the allocated one
  assert.deepEqual(update('Service', withIP, (n) => { delete n.spec.clusterIP; delete n.spec.clusterIPs; }), []);
});

test('configmap and secret', () => {
  assert.deepEqual(create('ConfigMap', { metadata: { name: 'c', namespace: 'd' }, data: { 'bad key': 'x' } }).errs, [
    "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
  const cm = create('ConfigMap', { metadata: { name: 'c', namespace: 'd', resourceVersion: '1' }, data: { a: '1' }, immutable: true }).obj;
  assert.deepEqual(update('ConfigMap', cm, (n) => { n.data.a = '2'; }), ['data: Forbidden: field is immutable when `immutable` is set']);
  const { obj: secret } = create('Secret', { metadata: { name: 's', namespace: 'd', resourceVersion: '1' }, stringData: { pw: 'hi' } });
  assert.equal((secret as any).type, 'Opaque');
  assert.deepEqual((secret as any).data, { pw: 'aGk=' });
  assert.deepEqual(update('Secret', secret, (n) => { n.type = 'kubernetes.io/tls'; }).slice(0, 1), ['type: Invalid value: "kubernetes.io/tls": field is immutable']);
  assert.deepEqual(def('Secret').strategy.selectableFields!(secret), { type: 'Opaque' });
  assert.deepEqual(create('Secret', { metadata: { name: 't', namespace: 'd' }, type: 'kubernetes.io/tls', data: {} }).errs, [
    'data[tls.crt]: Required value', 'data[tls.key]: Required value',
  ]);
});

test('persistent volumes and claims', () => {
  const { obj: pv, errs } = create('PersistentVolume', { metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } });
  assert.deepEqual(errs, []);
  assert.equal((pv as any).spec.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal((pv as any).spec.volumeMode, 'Filesystem');
  assert.deepEqual(create('PersistentVolume', { metadata: { name: 'pv2' }, spec: {} }).errs, [
    'spec.accessModes: Required value',
    'spec.capacity: Required value',
    'spec.capacity: Unsupported value: {}: supported values: "storage"',
    'spec: Required value: must specify a volume type',
  ]);
  const { obj: pvc, errs: pvcErrs } = create('PersistentVolumeClaim', { metadata: { name: 'data', namespace: 'd', resourceVersion: '1' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  assert.deepEqual(pvcErrs, []);
  assert.equal((pvc as any).spec.volumeMode, 'Filesystem');
  assert.deepEqual((pvc as any).status, { phase: 'Pending' });
  assert.deepEqual(create('PersistentVolumeClaim', { metadata: { name: 'x', namespace: 'd' }, spec: {} }).errs, [
    'spec.accessModes: Required value: at least 1 access mode is required',
    'spec.resources[storage]: Required value',
  ]);
  const errs2 = update('PersistentVolumeClaim', pvc, (n) => { n.spec.accessModes = ['ReadWriteMany']; });
  assert.equal(errs2.length, 1);
  assert.ok(errs2[0].startsWith('spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n'));
  const bound = structuredClone(pvc) as any;
  bound.status.phase = 'Bound';
  assert.deepEqual(update('PersistentVolumeClaim', bound, (n) => { n.spec.resources.requests.storage = '2Gi'; n.status.phase = 'Bound'; }), []);
});

test('events and nodes', () => {
  const ev = { metadata: { name: 'e1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' }, reason: 'Started', source: { component: 'kubelet' }, type: 'Normal' };
  assert.deepEqual(create('Event', ev).errs, ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  const fields = def('Event').strategy.selectableFields!(ev as any);
  assert.equal(fields['involvedObject.kind'], 'Pod');
  assert.equal(fields.source, 'kubelet');
  const { obj: node, errs } = create('Node', { metadata: { name: 'n1' }, spec: { unschedulable: true }, status: { capacity: { cpu: '4' } } });
  assert.deepEqual(errs, []);
  assert.deepEqual((node as any).status.allocatable, { cpu: '4' });
  assert.deepEqual(def('Node').strategy.selectableFields!(node), { 'spec.unschedulable': 'true' });
});

test('binding validation', () => {
  assert.deepEqual(strs(def('Binding').strategy.validate!({ metadata: { name: 'p' }, target: { kind: 'Pod' } } as any)), [
    'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
    'target.name: Required value',
  ]);
});
