import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printerFor, defaultTablePrinter, ageTablePrinter, printerOrDefault } from '../../../src/printers/index.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import type { Printer } from '../../../src/printers/types.js';

const now = new Date('2024-05-01T12:00:00Z');
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: '2024-04-29T09:00:00Z', ...extra }); // 2d3h old
const obj = (o: Record<string, unknown>): KubeObject => o as KubeObject;
const p = (group: string, kind: string): Printer => {
  const printer = printerFor(group, kind);
  assert.ok(printer, `${group}/${kind} has a printer`);
  return printer;
};
const headers = (pr: Printer, wide = false) => pr.columns.filter((c) => wide || c.priority === 0).map((c) => c.name.toUpperCase()).join(' ');

test('headers kubectl shows (upper-cased by kubectl), incl. -o wide', () => {
  assert.equal(headers(p('', 'Namespace')), 'NAME STATUS AGE');
  assert.equal(headers(p('', 'Service'), true), 'NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR');
  assert.equal(headers(p('', 'PersistentVolume')), 'NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE');
  assert.equal(headers(p('', 'PersistentVolumeClaim')), 'NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE');
  assert.equal(headers(p('', 'Event')), 'LAST SEEN TYPE REASON OBJECT MESSAGE');
  assert.equal(headers(p('', 'Event'), true), 'LAST SEEN TYPE REASON OBJECT SUBOBJECT SOURCE MESSAGE FIRST SEEN COUNT NAME');
  assert.equal(headers(p('', 'Node'), true), 'NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME');
  assert.equal(headers(p('apps', 'StatefulSet')), 'NAME READY AGE');
  assert.equal(headers(p('apps', 'Deployment'), true), 'NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR');
  assert.equal(headers(p('apps', 'ReplicaSet')), 'NAME DESIRED CURRENT READY AGE');
  assert.equal(headers(p('apps', 'DaemonSet')), 'NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE');
  assert.equal(headers(p('apps', 'ControllerRevision')), 'NAME CONTROLLER REVISION AGE');
  assert.equal(headers(p('batch', 'Job')), 'NAME STATUS COMPLETIONS DURATION AGE');
  assert.equal(headers(p('batch', 'CronJob')), 'NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE');
  assert.equal(headers(p('storage.k8s.io', 'StorageClass')), 'NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE');
  assert.equal(headers(p('discovery.k8s.io', 'EndpointSlice')), 'NAME ADDRESSTYPE PORTS ENDPOINTS AGE');
  assert.equal(headers(p('coordination.k8s.io', 'Lease')), 'NAME HOLDER AGE');
  assert.equal(headers(p('rbac.authorization.k8s.io', 'RoleBinding'), true), 'NAME ROLE AGE USERS GROUPS SERVICEACCOUNTS');
  assert.equal(headers(p('policy', 'PodDisruptionBudget')), 'NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE');
  assert.equal(headers(p('networking.k8s.io', 'Ingress')), 'NAME CLASS HOSTS ADDRESS PORTS AGE');
  assert.equal(headers(p('scheduling.k8s.io', 'PriorityClass')), 'NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY');
  assert.equal(printerFor('rbac.authorization.k8s.io', 'Role'), undefined);
  assert.equal(headers(printerOrDefault('rbac.authorization.k8s.io', 'ClusterRole')), 'NAME CREATED AT');
  for (const pr of [p('', 'Pod'), p('apps', 'Deployment'), defaultTablePrinter, ageTablePrinter]) {
    assert.deepEqual(pr.columns.filter((c) => c.format === 'name').map((c) => c.name), ['Name']);
  }
});

test('namespace, configmap, secret, serviceaccount', () => {
  assert.deepEqual(p('', 'Namespace').cells(obj({ metadata: meta('dev'), status: { phase: 'Active' } }), now), ['dev', 'Active', '2d3h']);
  assert.deepEqual(p('', 'ConfigMap').cells(obj({ metadata: meta('cm'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }), now), ['cm', 3, '2d3h']);
  assert.deepEqual(p('', 'Secret').cells(obj({ metadata: meta('s'), type: 'Opaque', data: { a: 'eA==' } }), now), ['s', 'Opaque', 1, '2d3h']);
  assert.deepEqual(p('', 'ServiceAccount').cells(obj({ metadata: meta('default') }), now), ['default', 0, '2d3h']);
});

test('service types, ports and external IPs', () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => p('', 'Service').cells(obj({ metadata: meta('web'), spec, status }), now);
  assert.deepEqual(svc({ type: 'ClusterIP', clusterIPs: ['None'], ports: [{ port: 80, protocol: 'TCP' }] }), ['web', 'ClusterIP', 'None', '<none>', '80/TCP', '2d3h', '<none>']);
  assert.deepEqual(
    svc({ type: 'NodePort', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], selector: { app: 'web', tier: 'fe' } }),
    ['web', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP,53/UDP', '2d3h', 'app=web,tier=fe'],
  );
  assert.equal(svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.1'], ports: [] })[3], '<pending>');
  assert.equal(svc({ type: 'LoadBalancer', ports: [] })[4], '<none>');
  assert.equal(svc({ type: 'LoadBalancer', externalIPs: ['9.9.9.9'] }, { loadBalancer: { ingress: [{ ip: '5.5.5.5' }, { hostname: 'lb.example.com' }] } })[3], '5.5.5.5,lb.example.com,9.9.9.9');
  assert.deepEqual(svc({ type: 'ExternalName', externalName: 'db.example.com' }).slice(1, 4), ['ExternalName', '<none>', 'db.example.com']);
});

test('endpoints and endpointslices', () => {
  const ep = (subsets: unknown) => p('', 'Endpoints').cells(obj({ metadata: meta('web'), subsets }), now)[1];
  assert.equal(ep(undefined), '<none>');
  assert.equal(ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }] }]), '10.0.0.1:80,10.0.0.2:80');
  assert.equal(ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }, { ip: '10.0.0.4' }], ports: [{ port: 80 }] }]), '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...');
  assert.equal(ep([{ addresses: [{ ip: '10.0.0.1' }] }]), '10.0.0.1');
  assert.equal(ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }, { port: 443 }] }]), '[fd00::1]:80,[fd00::1]:443');
  const slice = p('discovery.k8s.io', 'EndpointSlice');
  assert.deepEqual(
    slice.cells(obj({ metadata: meta('web-abc'), addressType: 'IPv4', ports: [{ port: 80 }, { name: 'x' }, {}, { port: 9 }], endpoints: [{ addresses: ['10.0.0.1'] }] }), now),
    ['web-abc', 'IPv4', '80,x,* + 1 more...', '10.0.0.1', '2d3h'],
  );
  assert.deepEqual(slice.cells(obj({ metadata: meta('empty'), addressType: 'IPv4', ports: null, endpoints: null }), now).slice(2, 4), ['<unset>', '<unset>']);
});

test('persistent volumes and claims', () => {
  const pv = p('', 'PersistentVolume').cells(
    obj({
      metadata: meta('pv-nfs-1'),
      spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadOnlyMany'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'sts', name: 'data-0' }, storageClassName: 'sc-nfs' },
      status: { phase: 'Bound' },
    }),
    now,
  );
  assert.deepEqual(pv, ['pv-nfs-1', '5Gi', 'RWO,ROX,RWX', 'Retain', 'Bound', 'sts/data-0', 'sc-nfs', '<unset>', '', '2d3h', '<unset>']);
  const avail = p('', 'PersistentVolume').cells(obj({ metadata: meta('pv2', { deletionTimestamp: '2024-05-01T11:00:00Z' }), spec: { capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteOncePod'], volumeMode: 'Block' }, status: { phase: 'Available' } }), now);
  assert.deepEqual(avail, ['pv2', '1Gi', 'RWOP', '', 'Terminating', '', '', '<unset>', '', '2d3h', 'Block']);
  const pvc = (spec: Record<string, unknown>, status: Record<string, unknown>, m = meta('data-0')) => p('', 'PersistentVolumeClaim').cells(obj({ metadata: m, spec, status }), now);
  assert.deepEqual(
    pvc({ volumeName: 'pvc-123', storageClassName: 'sc-nfs', volumeMode: 'Filesystem' }, { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } }),
    ['data-0', 'Bound', 'pvc-123', '1Gi', 'RWO', 'sc-nfs', '<unset>', '2d3h', 'Filesystem'],
  );
  assert.deepEqual(
    pvc({ storageClassName: 'fast' }, { phase: 'Pending' }, meta('data-1', { annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } })),
    ['data-1', 'Pending', '', '', '', 'legacy', '<unset>', '2d3h', '<unset>'],
  );
});

test('events (core and events.k8s.io)', () => {
  const ev = obj({
    metadata: meta('web-0.17b'),
    involvedObject: { kind: 'Pod', name: 'web-0', fieldPath: 'spec.containers{nginx}' },
    reason: 'Pulled',
    message: ' Container image "nginx" already present \n',
    source: { component: 'kubelet', host: 'node1' },
    firstTimestamp: '2024-05-01T11:50:00Z',
    lastTimestamp: '2024-05-01T11:59:30Z',
    count: 4,
    type: 'Normal',
  });
  assert.deepEqual(p('', 'Event').cells(ev, now), ['30s', 'Normal', 'Pulled', 'pod/web-0', 'spec.containers{nginx}', 'kubelet, node1', 'Container image "nginx" already present', '10m', 4, 'web-0.17b']);
  const fresh = obj({ metadata: meta('x'), involvedObject: { kind: 'Node' }, eventTime: '2024-05-01T11:59:00.000000Z', reportingComponent: 'sched', type: 'Warning', reason: 'R' });
  assert.deepEqual(p('', 'Event').cells(fresh, now), ['60s', 'Warning', 'R', 'node', '', 'sched', '', '60s', 1, 'x']);
  const v1 = obj({ metadata: meta('y'), regarding: { kind: 'Deployment', name: 'web' }, note: 'Scaled up', reason: 'ScalingReplicaSet', type: 'Normal', eventTime: '2024-05-01T11:58:00.000000Z', reportingController: 'deployment-controller', series: { count: 5, lastObservedTime: '2024-05-01T11:59:50.000000Z' } });
  assert.deepEqual(p('events.k8s.io', 'Event').cells(v1, now), ['10s', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up', '2m', 5, 'y']);
});

test('nodes', () => {
  const node = (labels: Record<string, string>, spec: Record<string, unknown>, status: Record<string, unknown>) => p('', 'Node').cells(obj({ metadata: meta('node1', { namespace: undefined, labels }), spec, status }), now);
  assert.deepEqual(
    node(
      { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'master', 'node-role.kubernetes.io/': '' },
      { unschedulable: true },
      { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }], addresses: [{ type: 'Hostname', address: 'node1' }, { type: 'InternalIP', address: '192.168.1.10' }], nodeInfo: { kubeletVersion: 'v1.33.0', osImage: 'Ubuntu 22.04', kernelVersion: '5.15.0', containerRuntimeVersion: 'containerd://1.7.0' } },
    ),
    ['node1', 'Ready,SchedulingDisabled', 'control-plane,master', '2d3h', 'v1.33.0', '192.168.1.10', '<none>', 'Ubuntu 22.04', '5.15.0', 'containerd://1.7.0'],
  );
  assert.deepEqual(node({}, {}, { conditions: [{ type: 'Ready', status: 'Unknown' }] }).slice(1, 3), ['NotReady', '<none>']);
  assert.deepEqual(node({}, {}, {}).slice(1, 10), ['Unknown', '<none>', '2d3h', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
});

test('apps workloads', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }, { name: 'log', image: 'busybox' }], nodeSelector: { disk: 'ssd' } } };
  const selector = { matchLabels: { app: 'web' } };
  assert.deepEqual(p('apps', 'StatefulSet').cells(obj({ metadata: meta('web'), spec: { replicas: 5, template }, status: { readyReplicas: 5 } }), now), ['web', '5/5', '2d3h', 'nginx,log', 'nginx:1.25,busybox']);
  assert.deepEqual(p('apps', 'StatefulSet').cells(obj({ metadata: meta('web'), spec: { replicas: 2, template }, status: {} }), now).slice(1, 2), ['0/2']);
  assert.deepEqual(
    p('apps', 'Deployment').cells(obj({ metadata: meta('web'), spec: { replicas: 3, selector, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } }), now),
    ['web', '2/3', 3, 2, '2d3h', 'nginx,log', 'nginx:1.25,busybox', 'app=web'],
  );
  assert.equal(p('apps', 'Deployment').cells(obj({ metadata: meta('bad'), spec: { selector: { matchExpressions: [{ key: 'a', operator: 'Nope' }] } } }), now)[7], '<invalid>');
  assert.deepEqual(
    p('apps', 'ReplicaSet').cells(obj({ metadata: meta('web-5d4f'), spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d4f' } }, template }, status: { replicas: 3, readyReplicas: 1 } }), now),
    ['web-5d4f', 3, 3, 1, '2d3h', 'nginx,log', 'nginx:1.25,busybox', 'app=web,pod-template-hash=5d4f'],
  );
  assert.deepEqual(
    p('apps', 'DaemonSet').cells(obj({ metadata: meta('fluentd'), spec: { selector, template }, status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 } }), now),
    ['fluentd', 3, 3, 2, 3, 2, 'disk=ssd', '2d3h', 'nginx,log', 'nginx:1.25,busybox', 'app=web'],
  );
  const owner = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true };
  assert.deepEqual(p('apps', 'ControllerRevision').cells(obj({ metadata: meta('web-6c9f', { ownerReferences: [owner] }), revision: 2 }), now), ['web-6c9f', 'statefulset.apps/web', 2, '2d3h']);
  assert.deepEqual(p('apps', 'ControllerRevision').cells(obj({ metadata: meta('orphan'), revision: 1 }), now).slice(1, 2), ['<none>']);
});

test('jobs and cronjobs', () => {
  const template = { spec: { containers: [{ name: 'pi', image: 'perl' }] } };
  const job = (spec: Record<string, unknown>, status: Record<string, unknown>, m = meta('pi')) => p('batch', 'Job').cells(obj({ metadata: m, spec: { template, ...spec }, status }), now);
  assert.deepEqual(
    job({ completions: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } } }, { succeeded: 1, startTime: '2024-05-01T11:00:00Z', completionTime: '2024-05-01T11:00:45Z', conditions: [{ type: 'Complete', status: 'True' }] }),
    ['pi', 'Complete', '1/1', '45s', '2d3h', 'pi', 'perl', 'batch.kubernetes.io/controller-uid=abc'],
  );
  assert.deepEqual(job({ parallelism: 3 }, { startTime: '2024-05-01T11:57:57Z' }).slice(1, 4), ['Running', '0/1 of 3', '2m3s']);
  assert.deepEqual(job({}, {}).slice(1, 4), ['Running', '0/1', '']);
  assert.equal(job({}, { conditions: [{ type: 'Failed', status: 'True' }] })[1], 'Failed');
  assert.equal(job({}, { conditions: [{ type: 'Suspended', status: 'True' }] })[1], 'Suspended');
  assert.equal(job({}, {}, meta('pi', { deletionTimestamp: '2024-05-01T11:00:00Z' }))[1], 'Terminating');
  const cj = p('batch', 'CronJob').cells(
    obj({ metadata: meta('hello'), spec: { schedule: '*/1 * * * *', suspend: false, jobTemplate: { spec: { template } } }, status: { active: [{ name: 'hello-1' }], lastScheduleTime: '2024-05-01T11:59:00Z' } }),
    now,
  );
  assert.deepEqual(cj, ['hello', '*/1 * * * *', '<none>', 'False', 1, '60s', '2d3h', 'pi', 'perl', '<none>']);
});

test('cluster kinds', () => {
  const sc = p('storage.k8s.io', 'StorageClass').cells(obj({ metadata: meta('sc-nfs', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }), provisioner: 'k8s-sigs.io/nfs-subdir-external-provisioner' }), now);
  assert.deepEqual(sc, ['sc-nfs (default)', 'k8s-sigs.io/nfs-subdir-external-provisioner', 'Delete', 'Immediate', false, '2d3h']);
  const sc2 = p('storage.k8s.io', 'StorageClass').cells(obj({ metadata: meta('local'), provisioner: 'x', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true }), now);
  assert.deepEqual(sc2, ['local', 'x', 'Retain', 'WaitForFirstConsumer', true, '2d3h']);
  assert.deepEqual(p('coordination.k8s.io', 'Lease').cells(obj({ metadata: meta('kube-scheduler'), spec: { holderIdentity: 'node1_abc' } }), now), ['kube-scheduler', 'node1_abc', '2d3h']);
  const rb = p('rbac.authorization.k8s.io', 'RoleBinding').cells(
    obj({ metadata: meta('rb'), roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }, { kind: 'User', name: 'bob' }] }),
    now,
  );
  assert.deepEqual(rb, ['rb', 'ClusterRole/view', '2d3h', 'alice, bob', 'devs', 'ns/sa']);
  assert.deepEqual(p('policy', 'PodDisruptionBudget').cells(obj({ metadata: meta('pdb'), spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } }), now), ['pdb', '50%', 'N/A', 1, '2d3h']);
  const ing = p('networking.k8s.io', 'Ingress').cells(
    obj({ metadata: meta('ing'), spec: { ingressClassName: 'nginx', rules: [{ host: 'a.com' }, {}, { host: 'b.com' }, { host: 'c.com' }, { host: 'd.com' }], tls: [{}] }, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } }),
    now,
  );
  assert.deepEqual(ing, ['ing', 'nginx', 'a.com,b.com,c.com + 2 more...', '1.2.3.4', '80, 443', '2d3h']);
  assert.deepEqual(p('networking.k8s.io', 'Ingress').cells(obj({ metadata: meta('i2'), spec: {} }), now).slice(1, 5), ['<none>', '*', '', '80']);
  assert.deepEqual(p('scheduling.k8s.io', 'PriorityClass').cells(obj({ metadata: meta('high'), value: 1000, preemptionPolicy: 'PreemptLowerPriority' }), now), ['high', 1000, false, '2d3h', 'PreemptLowerPriority']);
  assert.deepEqual(defaultTablePrinter.cells(obj({ metadata: meta('admin') }), now), ['admin', '2024-04-29T09:00:00Z']);
  assert.deepEqual(defaultTablePrinter.cells(obj({ metadata: { name: 'x' } }), now), ['x', '0001-01-01T00:00:00Z']);
  assert.deepEqual(ageTablePrinter.cells(obj({ metadata: meta('cr') }), now), ['cr', '2d3h']);
});
