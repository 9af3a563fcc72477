// A container's environment against kubernetes kubelet_pods.go makeEnvironmentVariables and
// pkg/kubelet/envvars (service links): sources, precedence, expansion and the errors that become
// CreateContainerConfigError.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContainerConfigError, envMap, makeEnvironmentVariables, type EnvInput } from '../../../../src/nodeagent/kubelet/env.js';
import { serviceEnvVarMap, serviceEnvVars, type Service } from '../../../../src/nodeagent/kubelet/service-env.js';
import type { ConfigMap, ContainerSpec, Pod, Secret } from '../../../../src/api/core.js';
import type { ServicePort } from '../../../../src/registry/core-service-alloc/allocator.js';

const svc = (namespace: string, name: string, clusterIP: string, ports: ServicePort[]): Service =>
  ({ metadata: { namespace, name }, spec: { clusterIP, ports } });

const services: Service[] = [
  svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]),
  svc('test1', 'redis-master', '10.96.0.7', [{ port: 6379, protocol: 'TCP' }]),
  svc('test1', 'nginx', 'None', [{ name: 'web', port: 80 }]),
  svc('other', 'db', '10.96.0.9', [{ port: 5432 }]),
];

const KUBERNETES_VARS = {
  KUBERNETES_SERVICE_HOST: '10.96.0.1',
  KUBERNETES_SERVICE_PORT: '443',
  KUBERNETES_SERVICE_PORT_HTTPS: '443',
  KUBERNETES_PORT: 'tcp://10.96.0.1:443',
  KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
  KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
  KUBERNETES_PORT_443_TCP_PORT: '443',
  KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
};

test('FromServices: host, ports, named ports and docker link variables (UDP and IPv6 too)', () => {
  assert.deepEqual(serviceEnvVars([
    svc('ns', 'dns-svc', '10.96.0.10', [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }]),
    svc('ns', 'v6', 'fd00::10', [{ port: 80 }]),
  ]), [
    { name: 'DNS_SVC_SERVICE_HOST', value: '10.96.0.10' },
    { name: 'DNS_SVC_SERVICE_PORT', value: '53' },
    { name: 'DNS_SVC_SERVICE_PORT_DNS', value: '53' },
    { name: 'DNS_SVC_SERVICE_PORT_DNS_TCP', value: '53' },
    { name: 'DNS_SVC_PORT', value: 'udp://10.96.0.10:53' },
    { name: 'DNS_SVC_PORT_53_UDP', value: 'udp://10.96.0.10:53' },
    { name: 'DNS_SVC_PORT_53_UDP_PROTO', value: 'udp' },
    { name: 'DNS_SVC_PORT_53_UDP_PORT', value: '53' },
    { name: 'DNS_SVC_PORT_53_UDP_ADDR', value: '10.96.0.10' },
    { name: 'DNS_SVC_PORT_53_TCP', value: 'tcp://10.96.0.10:53' },
    { name: 'DNS_SVC_PORT_53_TCP_PROTO', value: 'tcp' },
    { name: 'DNS_SVC_PORT_53_TCP_PORT', value: '53' },
    { name: 'DNS_SVC_PORT_53_TCP_ADDR', value: '10.96.0.10' },
    { name: 'V6_SERVICE_HOST', value: 'fd00::10' },
    { name: 'V6_SERVICE_PORT', value: '80' },
    { name: 'V6_PORT', value: 'tcp://[fd00::10]:80' },
    { name: 'V6_PORT_80_TCP', value: 'tcp://[fd00::10]:80' },
    { name: 'V6_PORT_80_TCP_PROTO', value: 'tcp' },
    { name: 'V6_PORT_80_TCP_PORT', value: '80' },
    { name: 'V6_PORT_80_TCP_ADDR', value: 'fd00::10' },
  ]);
});

test('service links: own namespace when enabled, default/kubernetes always, headless and other namespaces never', () => {
  const on = Object.fromEntries(serviceEnvVarMap(services, 'test1', true));
  assert.deepEqual(Object.keys(on).filter((k) => k.startsWith('KUBERNETES_')).sort(), Object.keys(KUBERNETES_VARS).sort());
  assert.equal(on.REDIS_MASTER_SERVICE_HOST, '10.96.0.7');
  assert.equal(on.REDIS_MASTER_PORT_6379_TCP, 'tcp://10.96.0.7:6379');
  assert.equal(Object.keys(on).some((k) => k.startsWith('NGINX_') || k.startsWith('DB_')), false);
  const off = Object.fromEntries(serviceEnvVarMap(services, 'test1', false));
  assert.deepEqual(off, KUBERNETES_VARS);
  // a service named kubernetes in the pod's namespace wins over the master service
  const shadow = serviceEnvVarMap([svc('test1', 'kubernetes', '10.96.0.99', [{ port: 80 }]), ...services], 'test1', true);
  assert.equal(shadow.get('KUBERNETES_SERVICE_HOST'), '10.96.0.99');
});

const configMaps: Record<string, ConfigMap> = {
  'test1/app-config': { metadata: { name: 'app-config', namespace: 'test1' }, data: { LOG_LEVEL: 'debug', MODE: 'cluster', 'app.properties': 'a=b' } },
};
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secrets: Record<string, Secret> = {
  'test1/db': { metadata: { name: 'db', namespace: 'test1' }, data: { password: b64('s3cr3t'), user: b64('root') } },
};

function input(container: ContainerSpec, podExtra: Partial<Pod['spec']> = {}): EnvInput {
  const pod: Pod = {
    metadata: { name: 'mysql-0', namespace: 'test1', uid: 'u-9', labels: { app: 'mysql' } },
    spec: { nodeName: 'berth-node-1', serviceAccountName: 'default', containers: [container], enableServiceLinks: true, ...podExtra },
  };
  return {
    pod, container, services,
    getConfigMap: (ns, name) => configMaps[`${ns}/${name}`],
    getSecret: (ns, name) => secrets[`${ns}/${name}`],
    nodeAllocatable: { cpu: '4', memory: '8Gi' },
    podIPs: ['10.244.0.12'], hostIPs: ['172.18.0.2'],
  };
}

test('envFrom (prefix, configMap and secret) under env, expansion against earlier variables and services', () => {
  const env = makeEnvironmentVariables(input({
    name: 'app',
    envFrom: [{ configMapRef: { name: 'app-config' } }, { prefix: 'DB_', secretRef: { name: 'db' } }],
    env: [
      { name: 'MODE', value: 'standalone' },
      { name: 'URL', value: 'redis://$(REDIS_MASTER_SERVICE_HOST):$(REDIS_MASTER_SERVICE_PORT)/$(LOG_LEVEL)' },
      { name: 'EARLY', value: '$(LATE)-$$(LATE)' },
      { name: 'LATE', value: 'x' },
      { name: 'EMPTY', value: '' },
      { name: 'KUBERNETES_SERVICE_HOST', value: 'overridden' },
    ],
  }));
  const m = Object.fromEntries(envMap(env));
  assert.equal(m.LOG_LEVEL, 'debug');
  assert.equal(m.MODE, 'standalone', 'env overrides envFrom');
  assert.equal(m['app.properties'], 'a=b', 'configMap keys are used as they are');
  assert.equal(m.DB_password, 's3cr3t');
  assert.equal(m.DB_user, 'root');
  assert.equal(m.URL, 'redis://10.96.0.7:6379/debug');
  assert.equal(m.EARLY, '$(LATE)-$(LATE)', 'a later variable is not visible yet');
  assert.equal(m.EMPTY, '');
  assert.equal(m.KUBERNETES_SERVICE_HOST, 'overridden');
  assert.equal(env.filter((e) => e.name === 'KUBERNETES_SERVICE_HOST').length, 1, 'no duplicate service variable');
  // declared variables first, in first-definition order, then the remaining service variables sorted
  assert.deepEqual(env.slice(0, 3).map((e) => e.name), ['LOG_LEVEL', 'MODE', 'app.properties']);
  const serviceTail = env.slice(env.findIndex((e) => e.name === 'KUBERNETES_SERVICE_HOST') + 1).map((e) => e.name);
  assert.deepEqual(serviceTail, [...serviceTail].sort());
});

test('valueFrom: configMap/secret keys, downward API fields and resources (limits default to allocatable)', () => {
  const m = Object.fromEntries(envMap(makeEnvironmentVariables(input({
    name: 'app',
    resources: { requests: { cpu: '250m', memory: '128Mi' } },
    env: [
      { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'LOG_LEVEL' } } },
      { name: 'PASS', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'CPU_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
      { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'GREETING', value: 'I am $(POD_NAME) at $(POD_IP)' },
    ],
  }))));
  assert.deepEqual({ ...m, ...Object.fromEntries(Object.keys(KUBERNETES_VARS).map((k) => [k, undefined])) }, {
    ...Object.fromEntries(Object.keys(KUBERNETES_VARS).map((k) => [k, undefined])),
    LEVEL: 'debug', PASS: 's3cr3t', POD_NAME: 'mysql-0', POD_NS: 'test1', POD_IP: '10.244.0.12', HOST_IP: '172.18.0.2',
    NODE: 'berth-node-1', APP: 'mysql', CPU_REQ: '250', MEM_LIMIT: '8192', CPU_LIMIT: '4', GREETING: 'I am mysql-0 at 10.244.0.12',
    REDIS_MASTER_SERVICE_HOST: '10.96.0.7', REDIS_MASTER_SERVICE_PORT: '6379', REDIS_MASTER_PORT: 'tcp://10.96.0.7:6379',
    REDIS_MASTER_PORT_6379_TCP: 'tcp://10.96.0.7:6379', REDIS_MASTER_PORT_6379_TCP_PROTO: 'tcp',
    REDIS_MASTER_PORT_6379_TCP_PORT: '6379', REDIS_MASTER_PORT_6379_TCP_ADDR: '10.96.0.7',
  });
});

test('optional sources that are missing are skipped; required ones fail with upstream text', () => {
  const m = Object.fromEntries(envMap(makeEnvironmentVariables(input({
    name: 'app',
    envFrom: [{ configMapRef: { name: 'nope', optional: true } }, { secretRef: { name: 'nope', optional: true } }],
    env: [
      { name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } },
      { name: 'B', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'missing', optional: true } } },
      { name: 'C', valueFrom: { secretKeyRef: { name: 'db', key: 'missing', optional: true } } },
    ],
  }, { enableServiceLinks: false }))));
  assert.deepEqual(m, KUBERNETES_VARS, 'nothing but the master service variables');

  const fails = (container: ContainerSpec, message: string) => assert.throws(() => makeEnvironmentVariables(input(container)),
    (e: unknown) => e instanceof ContainerConfigError && e.message === message && e.reason === 'CreateContainerConfigError');
  fails({ name: 'a', envFrom: [{ configMapRef: { name: 'x' } }] }, 'configmap "x" not found');
  fails({ name: 'a', envFrom: [{ secretRef: { name: 'x' } }] }, 'secret "x" not found');
  fails({ name: 'a', env: [{ name: 'V', valueFrom: { configMapKeyRef: { name: 'x', key: 'k' } } }] }, 'configmap "x" not found');
  fails({ name: 'a', env: [{ name: 'V', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'k' } } }] }, "couldn't find key k in ConfigMap test1/app-config");
  fails({ name: 'a', env: [{ name: 'V', valueFrom: { secretKeyRef: { name: 'db', key: 'k' } } }] }, "couldn't find key k in Secret test1/db");
  fails({ name: 'a', env: [{ name: 'V', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } }] }, 'field label not supported: spec.bogus');
  fails({ name: 'a', env: [{ name: 'V', valueFrom: { resourceFieldRef: { resource: 'limits.gpu' } } }] }, 'unsupported container resource : limits.gpu');
  // an optional envFrom that is missing does not hide a later required reference to the same object
  fails({ name: 'a', envFrom: [{ configMapRef: { name: 'x', optional: true } }], env: [{ name: 'V', valueFrom: { configMapKeyRef: { name: 'x', key: 'k' } } }] }, 'configmap "x" not found');
});
