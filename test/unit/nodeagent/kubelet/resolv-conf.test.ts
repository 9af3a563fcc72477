// Pod DNS against kubernetes pkg/kubelet/network/dns/dns.go and dns_test.go (parseResolvConf, search limits,
// GetPodDNS for every policy, dnsConfig merging) and containerd's resolv.conf layout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeletEvent } from '../../../../src/nodeagent/kubelet/events.js';
import {
  fitSearchLimits, mergeDNSOptions, parseResolvConf, podDNSConfig, podDNSType, resolvConfContent,
} from '../../../../src/nodeagent/kubelet/resolv-conf.js';
import type { Pod, PodSpec } from '../../../../src/api/core.js';

const pod = (spec: Partial<PodSpec> = {}): Pod =>
  ({ metadata: { name: 'test_pod', namespace: 'testNS', uid: 'u1' }, spec: { containers: [{ name: 'c' }], ...spec } });

test('parseResolvConf: dns_test.go TestParseResolvConf cases', () => {
  const cases: [string, string[], string[], string[]][] = [
    ['', [], [], []], [' ', [], [], []], ['\n', [], [], []], ['\t\n\t', [], [], []], ['#comment\n', [], [], []],
    [' #comment\n', [], [], []], ['#comment\n#comment', [], [], []],
    ['#comment\nnameserver 1.2.3.4\nsearch', ['1.2.3.4'], [], []],
    ['nameserver 1.2.3.4', ['1.2.3.4'], [], []], [' nameserver 1.2.3.4', ['1.2.3.4'], [], []],
    ['\tnameserver 1.2.3.4', ['1.2.3.4'], [], []], ['nameserver\t1.2.3.4', ['1.2.3.4'], [], []],
    ['nameserver \t 1.2.3.4', ['1.2.3.4'], [], []], ['nameserver 1.2.3.4\nnameserver 5.6.7.8', ['1.2.3.4', '5.6.7.8'], [], []],
    ['nameserver 1.2.3.4 #comment', ['1.2.3.4'], [], []], ['search ', [], [], []], ['search foo', [], ['foo'], []],
    ['search foo bar', [], ['foo', 'bar'], []], ['search foo. bar', [], ['foo', 'bar'], []],
    ['search foo bar bat\n', [], ['foo', 'bar', 'bat'], []], ['search foo\nsearch bar', [], ['bar'], []],
    ['nameserver 1.2.3.4\nsearch foo bar', ['1.2.3.4'], ['foo', 'bar'], []],
    ['nameserver 1.2.3.4\nsearch foo\nnameserver 5.6.7.8\nsearch bar', ['1.2.3.4', '5.6.7.8'], ['bar'], []],
    ['#comment\nnameserver 1.2.3.4\n#comment\nsearch foo\ncomment', ['1.2.3.4'], ['foo'], []],
    ['options ', [], [], []], ['options ndots:5 attempts:2', [], [], ['ndots:5', 'attempts:2']],
    ['options ndots:1\noptions ndots:5 attempts:3', [], [], ['ndots:5', 'attempts:3']],
    ['nameserver 1.2.3.4\nsearch foo\nnameserver 5.6.7.8\nsearch bar\noptions ndots:5 attempts:4', ['1.2.3.4', '5.6.7.8'], ['bar'], ['ndots:5', 'attempts:4']],
  ];
  for (const [text, servers, searches, options] of cases) {
    assert.deepEqual(parseResolvConf(text), { servers, searches, options }, JSON.stringify(text));
  }
  assert.throws(() => parseResolvConf('#comment\nnameserver'), { message: 'nameserver list is empty ' });
  assert.throws(() => parseResolvConf('nameserver\nnameserver'), { message: '[nameserver list is empty , nameserver list is empty ]' });
});

test('search line limits: 32 paths, 253 characters per path, 2048 characters per line (TestFormDNSSearchFitsLimits)', () => {
  const line2048 = ['A'.repeat(128), ...Array.from({ length: 15 }, () => 'A'.repeat(127))];
  assert.equal(line2048.join(' ').length, 2048);
  let events: KubeletEvent[] = [];
  assert.deepEqual(fitSearchLimits(line2048, events), line2048);
  assert.deepEqual(events, []);
  assert.deepEqual(fitSearchLimits([...line2048, 'B'], events), line2048);
  assert.deepEqual(events, [{ type: 'Warning', reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${line2048.join(' ')}` }]);
  events = [];
  assert.deepEqual(fitSearchLimits(['testNS.svc.TEST', 'svc.TEST', 'TEST', 'AAA', 'B'.repeat(256), 'BBB'], events), ['testNS.svc.TEST', 'svc.TEST', 'TEST', 'AAA', 'BBB']);
  assert.equal(events[0].message, 'Search Line limits were exceeded, some search paths have been omitted, the applied search line is: testNS.svc.TEST svc.TEST TEST AAA BBB');
  const thirtyThree = ['testNS.svc.TEST', 'svc.TEST', 'TEST', ...Array.from({ length: 30 }, (_, i) => String(i + 4))];
  assert.deepEqual(fitSearchLimits(thirtyThree.slice(0, 32)), thirtyThree.slice(0, 32));
  assert.deepEqual(fitSearchLimits(thirtyThree), thirtyThree.slice(0, 32));
});

test('mergeDNSOptions: dnsConfig options override by name (TestMergeDNSOptions)', () => {
  assert.deepEqual(mergeDNSOptions(['ndots:5', 'debug'], undefined), ['ndots:5', 'debug']);
  assert.deepEqual(mergeDNSOptions(['ndots:5', 'debug'], [{ name: 'single-request' }, { name: 'attempts', value: '3' }]), ['ndots:5', 'debug', 'single-request', 'attempts:3']);
  assert.deepEqual(mergeDNSOptions(['ndots:5', 'debug'], [{ name: 'ndots', value: '3' }, { name: 'debug' }, { name: 'single-request' }, { name: 'attempts', value: '3' }]), ['ndots:3', 'debug', 'single-request', 'attempts:3']);
});

test('policy: ClusterFirst falls back to Default on the host network; ClusterFirstWithHostNet stays cluster (TestGetPodDNSType)', () => {
  assert.equal(podDNSType(pod({ dnsPolicy: 'ClusterFirst' })), 'cluster');
  assert.equal(podDNSType(pod({})), 'cluster');
  assert.equal(podDNSType(pod({ dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true })), 'cluster');
  assert.equal(podDNSType(pod({ dnsPolicy: 'ClusterFirstWithHostNet' })), 'cluster');
  assert.equal(podDNSType(pod({ dnsPolicy: 'Default' })), 'host');
  assert.equal(podDNSType(pod({ dnsPolicy: 'ClusterFirst', hostNetwork: true })), 'host');
  assert.equal(podDNSType(pod({ dnsPolicy: 'None' })), 'none');
});

const nodeResolv = 'nameserver 192.168.1.1\nsearch example.com corp.example.com.\noptions timeout:2\n';

test('ClusterFirst: cluster DNS only, <ns>.svc, svc, domain then the node search list, ndots:5', () => {
  const { config, events } = podDNSConfig({ pod: pod(), clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', nodeResolvConf: nodeResolv });
  assert.deepEqual(config, {
    servers: ['10.96.0.10'],
    searches: ['testNS.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'example.com', 'corp.example.com'],
    options: ['ndots:5'],
  });
  assert.deepEqual(events, []);
  assert.equal(resolvConfContent(config),
    'search testNS.svc.cluster.local svc.cluster.local cluster.local example.com corp.example.com\nnameserver 10.96.0.10\noptions ndots:5\n');
  // the node's own search list repeating a cluster domain is de-duplicated
  const dup = podDNSConfig({ pod: pod(), clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', nodeResolvConf: 'search cluster.local foo\n' });
  assert.deepEqual(dup.config.searches, ['testNS.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'foo']);
});

test('Default and hostNetwork ClusterFirst use the node resolv.conf; with no resolv.conf, loopback per node IP family and search "."', () => {
  const host = podDNSConfig({ pod: pod({ dnsPolicy: 'Default' }), clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', nodeResolvConf: nodeResolv });
  assert.deepEqual(host.config, { servers: ['192.168.1.1'], searches: ['example.com', 'corp.example.com'], options: ['timeout:2'] });
  const hostNet = podDNSConfig({ pod: pod({ hostNetwork: true }), clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', nodeResolvConf: nodeResolv });
  assert.deepEqual(hostNet.config, host.config);
  const none = podDNSConfig({ pod: pod({ dnsPolicy: 'Default' }), clusterDNS: [], clusterDomain: 'cluster.local', nodeIPs: ['172.18.0.2', 'fd00::2'] });
  assert.deepEqual(none.config, { servers: ['127.0.0.1', '::1'], searches: ['.'], options: [] });
  const noIPs = podDNSConfig({ pod: pod({ dnsPolicy: 'Default' }), clusterDNS: [], clusterDomain: 'cluster.local' });
  assert.deepEqual(noIPs.config.servers, ['127.0.0.1']);
});

test('ClusterFirst without a cluster DNS falls back to Default with MissingClusterDNS', () => {
  const { config, events } = podDNSConfig({ pod: pod(), clusterDNS: [], clusterDomain: 'cluster.local', nodeResolvConf: nodeResolv });
  assert.deepEqual(config.servers, ['192.168.1.1']);
  assert.deepEqual(events, [{
    type: 'Warning', reason: 'MissingClusterDNS',
    message: 'pod: "test_pod_testNS(u1)". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.',
  }]);
});

test('None uses only dnsConfig; dnsConfig merges into other policies; nameservers are cut to 3 (TestGetPodDNSCustom)', () => {
  const dnsConfig = { nameservers: ['203.0.113.1'], searches: ['my.domain', 'second.domain'], options: [{ name: 'ndots', value: '3' }, { name: 'debug' }] };
  const none = podDNSConfig({ pod: pod({ dnsPolicy: 'None', dnsConfig }), clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', nodeResolvConf: nodeResolv });
  assert.deepEqual(none.config, { servers: ['203.0.113.1'], searches: ['my.domain', 'second.domain'], options: ['ndots:3', 'debug'] });
  const cluster = podDNSConfig({ pod: pod({ dnsConfig: { ...dnsConfig, searches: ['svc.cluster.local', 'my.domain'] } }), clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' });
  assert.deepEqual(cluster.config, {
    servers: ['10.96.0.10', '203.0.113.1'],
    searches: ['testNS.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'my.domain'],
    options: ['ndots:3', 'debug'],
  });
  const many = podDNSConfig({ pod: pod({ dnsPolicy: 'Default', dnsConfig: { nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9'] } }), clusterDNS: [], clusterDomain: 'cluster.local', nodeResolvConf: nodeResolv });
  assert.deepEqual(many.config.servers, ['192.168.1.1', '1.1.1.1', '8.8.8.8']);
  assert.deepEqual(many.events, [{ type: 'Warning', reason: 'DNSConfigForming', message: 'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 192.168.1.1 1.1.1.1 8.8.8.8' }]);
});

test('a node resolv.conf that does not parse fails the pod DNS; an empty config copies the node file', () => {
  assert.throws(() => podDNSConfig({ pod: pod(), clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', nodeResolvConf: 'nameserver\n' }), { message: 'nameserver list is empty ' });
  assert.equal(resolvConfContent({ servers: [], searches: [], options: [] }, nodeResolv), nodeResolv);
  assert.equal(resolvConfContent({ servers: ['1.1.1.1', '8.8.8.8'], searches: [], options: [] }), 'nameserver 1.1.1.1\nnameserver 8.8.8.8\n');
});
