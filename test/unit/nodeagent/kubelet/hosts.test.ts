// Hostname, domain and /etc/hosts against kubernetes kubelet_pods.go (GeneratePodHostNameAndDomain,
// truncatePodHostnameIfNeeded, managedHostsFileContent, nodeHostsFileContent) and its tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  etcHostsContent, hostNetworkHostsFileContent, managedHostsFileContent, podHostnameAndDomain, podUTSHostname,
  readNodeHostsFileContent, shouldManageEtcHosts, truncatePodHostname,
} from '../../../../src/nodeagent/kubelet/hosts.js';
import type { Pod, PodSpec } from '../../../../src/api/core.js';

/** The fixed start of every managed hosts file (TABs between fields). */
const MANAGED_HEADER = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' +
  'fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';

const pod = (name: string, spec: Partial<PodSpec> = {}, namespace = 'default'): Pod =>
  ({ metadata: { name, namespace, uid: 'uid-1' }, spec: { containers: [{ name: 'c' }], ...spec } });

test('StatefulSet pod: hostname = pod name, domain from subdomain, FQDN line in /etc/hosts (seed 000 web-1)', () => {
  const p = pod('web-1', { hostname: 'web-1', subdomain: 'nginx' });
  assert.deepEqual(podHostnameAndDomain(p, 'cluster.local'), { hostname: 'web-1', domain: 'nginx.default.svc.cluster.local' });
  assert.equal(etcHostsContent({ pod: p, podIPs: ['10.244.1.5'], clusterDomain: 'cluster.local' }),
    MANAGED_HEADER +
    '10.244.1.5\tweb-1.nginx.default.svc.cluster.local\tweb-1\n');
});

test('managedHostsFileContent: one line per pod IP without a domain, and the HostAliases block', () => {
  // kubelet_pods_test.go TestManagedHostsFileContent "hosts test file1/2" shapes
  const got = managedHostsFileContent(['123.45.67.89', 'fd00::6'], 'podFoo', '', [
    { ip: '123.45.67.89', hostnames: ['foo', 'bar', 'baz'] },
    { ip: '456.78.90.123', hostnames: ['park', 'doo', 'boo'] },
  ]);
  assert.equal(got,
    MANAGED_HEADER +
    '123.45.67.89\tpodFoo\n' +
    'fd00::6\tpodFoo\n' +
    '\n' +
    '# Entries added by HostAliases.\n' +
    '123.45.67.89\tfoo\tbar\tbaz\n' +
    '456.78.90.123\tpark\tdoo\tboo\n');
});

test('hostNetwork pods get the node hosts file under its own header, plus aliases', async () => {
  const node = '127.0.0.1\tlocalhost\n192.168.1.10\tmynode\n';
  assert.equal(hostNetworkHostsFileContent(node, [{ ip: '1.2.3.4', hostnames: ['a'] }]),
    '# Kubernetes-managed hosts file (host network).\n127.0.0.1\tlocalhost\n192.168.1.10\tmynode\n\n# Entries added by HostAliases.\n1.2.3.4\ta\n');
  assert.equal(await readNodeHostsFileContent(undefined, '/etc/hosts'), `# Kubernetes-managed hosts file (host network).\n${readFileSync('/etc/hosts', 'utf8')}`);
  const p = pod('h', { hostNetwork: true });
  assert.equal(etcHostsContent({ pod: p, podIPs: ['192.168.1.10'], clusterDomain: 'cluster.local', nodeHostsText: node }),
    '# Kubernetes-managed hosts file (host network).\n' + node);
});

test('hostname truncation: 63 characters, then trailing "-" and "." trimmed', () => {
  const long = 'a'.repeat(62) + '-b';
  assert.equal(truncatePodHostname('p', long), 'a'.repeat(62));
  assert.equal(truncatePodHostname('p', 'a'.repeat(61) + '.-x'), 'a'.repeat(61));
  assert.equal(truncatePodHostname('p', 'abc'), 'abc');
  // a pod name of 70 characters is the hostname when spec.hostname is empty
  const name = 'x'.repeat(70);
  assert.equal(podHostnameAndDomain(pod(name), 'cluster.local').hostname, 'x'.repeat(63));
});

test('invalid spec.hostname / spec.subdomain are rejected with upstream text', () => {
  assert.throws(() => podHostnameAndDomain(pod('p', { hostname: 'Bad_Name' }), 'cluster.local'),
    { message: /^pod Hostname "Bad_Name" is not a valid DNS label: a lowercase RFC 1123 label must consist of/ });
  assert.throws(() => podHostnameAndDomain(pod('p', { subdomain: 'a.b' }), 'cluster.local'),
    { message: 'pod Subdomain "a.b" is not a valid DNS label: must not contain dots' });
});

test('sandbox hostname: short name, FQDN with setHostnameAsFQDN (64-character kernel limit), node for hostNetwork', () => {
  const p = pod('web-0', { hostname: 'web-0', subdomain: 'nginx', setHostnameAsFQDN: true });
  const names = podHostnameAndDomain(p, 'cluster.local');
  assert.equal(podUTSHostname(p, names), 'web-0.nginx.default.svc.cluster.local');
  assert.equal(podUTSHostname(pod('web-0', { hostname: 'web-0', subdomain: 'nginx' }), names), 'web-0');
  assert.equal(podUTSHostname(pod('h', { hostNetwork: true }), names), undefined);
  const longNs = pod('p', { subdomain: 's', setHostnameAsFQDN: true }, 'n'.repeat(50));
  assert.throws(() => podUTSHostname(longNs, podHostnameAndDomain(longNs, 'cluster.local')),
    { message: /^failed to construct FQDN from pod hostname and cluster domain, FQDN p\.s\.n+\.svc\.cluster\.local is too long \(64 characters is the max, 72 characters requested\)$/ });
});

test('the hosts file is managed once the pod has an IP, except for a container mounting /etc/hosts', () => {
  const p = pod('p', { containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'h', mountPath: '/etc/hosts' }] }] });
  assert.equal(shouldManageEtcHosts(p, []), false);
  assert.equal(shouldManageEtcHosts(p, ['10.0.0.1'], 'a'), true);
  assert.equal(shouldManageEtcHosts(p, ['10.0.0.1'], 'b'), false);
  assert.equal(shouldManageEtcHosts(pod('h', { hostNetwork: true }), []), true);
});
