import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import dnsPacket, { Packet } from 'dns-packet';
import type { EndpointSlice, Pod, Service } from '../../../src/controllers/endpointslice/types.js';
import { ClusterDnsData, ClusterDnsServer, ClusterResolver } from '../../../src/dns/index.js';

type Reply = ReturnType<typeof dnsPacket.decode>;

function udpRaw(port: number, msg: Buffer, timeoutMs = 2000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    const t = setTimeout(() => { sock.close(); reject(new Error('udp timeout')); }, timeoutMs);
    sock.on('message', (m) => { clearTimeout(t); sock.close(); resolve(m); });
    sock.send(msg, port, '127.0.0.1');
  });
}

async function udp(port: number, name: string, type = 'A', extra: Partial<Packet> = {}): Promise<Reply> {
  const q = dnsPacket.encode({ id: 4242, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }], ...extra });
  return dnsPacket.decode(await udpRaw(port, q));
}

/** Several queries over one TCP connection. */
function tcp(port: number, questions: { name: string; type: string }[]): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const out: Reply[] = [];
    sock.on('error', reject);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= buf.readUInt16BE(0) + 2) {
        out.push(dnsPacket.decode(buf.subarray(2, buf.readUInt16BE(0) + 2)));
        buf = buf.subarray(buf.readUInt16BE(0) + 2);
      }
      if (out.length === questions.length) { sock.end(); resolve(out); }
    });
    // all queries in one write: the server must split the frames
    sock.write(Buffer.concat(questions.map((q, i) => dnsPacket.streamEncode({ id: i + 1, type: 'query', questions: [{ ...q, class: 'IN' }] }))));
  });
}

const answers = (r: Reply, type?: string) => r.answers.filter((a) => !type || a.type === type).map((a) => a.data);

const service = (name: string, spec: Service['spec'], ns = 'default'): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, resourceVersion: '1' }, spec });

function slice(name: string, svcName: string, eps: { ip: string; ready?: boolean; hostname?: string }[], ports = [{ name: 'web', port: 80, protocol: 'TCP' }]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4', ports,
    metadata: { name, namespace: 'default', resourceVersion: '1', labels: { 'kubernetes.io/service-name': svcName } },
    endpoints: eps.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true }, ...(e.hostname ? { hostname: e.hostname } : {}) })),
  };
}

const pod = (name: string, ip: string, ns = 'default'): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, resourceVersion: '1' }, status: { phase: 'Running', podIP: ip } });

describe('cluster DNS server', () => {
  const data = ClusterDnsData.empty();
  const server = new ClusterDnsServer(new ClusterResolver(data, { serial: 7 }));
  let port = 0;

  before(async () => {
    data.services.upsert(service('kubernetes', { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }));
    data.services.upsert(service('nginx', { clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'nginx' }, ports: [{ name: 'web', port: 80, protocol: 'TCP' }] }));
    data.services.upsert(service('empty', { clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'none' } }));
    data.services.upsert(service('ext', { type: 'ExternalName', externalName: 'example.com' }));
    data.slices.upsert(slice('nginx-abc', 'nginx', [
      { ip: '10.244.0.2', hostname: 'web-0' }, { ip: '10.244.1.2', hostname: 'web-1' }, { ip: '10.244.2.2', hostname: 'web-2', ready: false }, { ip: '10.244.3.2' },
    ]));
    data.pods.upsert(pod('web-0', '10.244.0.2'));
    data.pods.upsert(pod('loner', '10.244.9.9', 'other'));
    port = await server.start();
  });
  after(() => server.stop());

  it('A for a ClusterIP service, authoritative, case-insensitive', async () => {
    const r = await udp(port, 'Kubernetes.Default.SVC.cluster.local');
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.flag_aa, true);
    assert.deepEqual(answers(r, 'A'), ['10.96.0.1']);
    assert.equal(r.answers[0].name, 'Kubernetes.Default.SVC.cluster.local');
  });

  it('headless: one A per ready endpoint; NXDOMAIN with SOA when there is none', async () => {
    assert.deepEqual(answers(await udp(port, 'nginx.default.svc.cluster.local')).sort(), ['10.244.0.2', '10.244.1.2', '10.244.3.2']);
    // In a random order each time, as CoreDNS's loadbalance plugin answers (clients taking the first spread out).
    const orders = new Set<string>();
    for (let i = 0; i < 30; i++) orders.add(answers(await udp(port, 'nginx.default.svc.cluster.local')).join(','));
    assert.ok(orders.size > 1, 'the same order 30 times');
    const none = await udp(port, 'empty.default.svc.cluster.local');
    assert.equal(none.rcode, 'NXDOMAIN');
    assert.equal(none.authorities[0].type, 'SOA');
    assert.equal(none.authorities[0].name, 'cluster.local');
  });

  it('hostname records for ready endpoints only (and dashed-IP names for the unnamed)', async () => {
    assert.deepEqual(answers(await udp(port, 'web-1.nginx.default.svc.cluster.local')), ['10.244.1.2']);
    assert.equal((await udp(port, 'web-2.nginx.default.svc.cluster.local')).rcode, 'NXDOMAIN');
    assert.deepEqual(answers(await udp(port, '10-244-3-2.nginx.default.svc.cluster.local')), ['10.244.3.2']);
  });

  it('SRV: headless lists each ready endpoint by name with A additionals; ClusterIP names the service', async () => {
    // dns-packet does not compress names: with additionals this is over 512 bytes, so ask with EDNS like dig does
    const r = await udp(port, '_web._tcp.nginx.default.svc.cluster.local', 'SRV', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232 }] });
    const targets = (answers(r) as { target: string; port: number }[]).map((d) => `${d.target}:${d.port}`);
    assert.deepEqual(targets, ['web-0.nginx.default.svc.cluster.local:80', 'web-1.nginx.default.svc.cluster.local:80', '10-244-3-2.nginx.default.svc.cluster.local:80']);
    assert.equal(r.additionals.filter((a) => a.type === 'A').length, 3);
    const k = await udp(port, '_https._tcp.kubernetes.default.svc.cluster.local', 'SRV');
    assert.deepEqual(answers(k), [{ priority: 0, weight: 100, port: 443, target: 'kubernetes.default.svc.cluster.local' }]);
    assert.equal((await udp(port, '_nope._tcp.kubernetes.default.svc.cluster.local', 'SRV')).rcode, 'NXDOMAIN');
  });

  it('PTR for service IPs, hostnamed endpoints and pods', async () => {
    assert.deepEqual(answers(await udp(port, '1.0.96.10.in-addr.arpa', 'PTR')), ['kubernetes.default.svc.cluster.local']);
    assert.deepEqual(answers(await udp(port, '2.1.244.10.in-addr.arpa', 'PTR')), ['web-1.nginx.default.svc.cluster.local']);
    assert.deepEqual(answers(await udp(port, '9.9.244.10.in-addr.arpa', 'PTR')), ['10-244-9-9.other.pod.cluster.local']);
    assert.equal((await udp(port, '7.7.7.10.in-addr.arpa', 'PTR')).rcode, 'NXDOMAIN');
  });

  it('pod A records only for a pod with that IP in that namespace', async () => {
    assert.deepEqual(answers(await udp(port, '10-244-9-9.other.pod.cluster.local')), ['10.244.9.9']);
    assert.equal((await udp(port, '10-244-9-9.default.pod.cluster.local')).rcode, 'NXDOMAIN');
  });

  it('existing names asked for another type: NOERROR, no answers, SOA in authority', async () => {
    const r = await udp(port, 'kubernetes.default.svc.cluster.local', 'AAAA');
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.answers.length, 0);
    assert.equal(r.authorities[0].type, 'SOA');
  });

  it('ExternalName is a CNAME; dns-version TXT; out-of-zone names are refused', async () => {
    const r = await udp(port, 'ext.default.svc.cluster.local');
    assert.deepEqual(r.answers.map((a) => [a.type, a.data]), [['CNAME', 'example.com']]);
    assert.deepEqual(answers(await udp(port, 'dns-version.cluster.local', 'TXT')), [[Buffer.from('1.1.0')]]);
    assert.equal((await udp(port, 'example.com')).rcode, 'REFUSED');
  });

  it('answers follow the data at once', async () => {
    data.slices.upsert(slice('nginx-abc', 'nginx', [{ ip: '10.244.0.2', hostname: 'web-0' }]));
    assert.deepEqual(answers(await udp(port, 'nginx.default.svc.cluster.local')), ['10.244.0.2']);
    data.slices.upsert(slice('nginx-abc', 'nginx', [
      { ip: '10.244.0.2', hostname: 'web-0' }, { ip: '10.244.1.2', hostname: 'web-1' }, { ip: '10.244.2.2', hostname: 'web-2', ready: false }, { ip: '10.244.3.2' },
    ]));
  });

  it('TCP: several framed queries on one connection', async () => {
    const [a, b] = await tcp(port, [{ name: 'kubernetes.default.svc.cluster.local', type: 'A' }, { name: '_web._tcp.nginx.default.svc.cluster.local', type: 'SRV' }]);
    assert.deepEqual(answers(a), ['10.96.0.1']);
    assert.equal(b.answers.length, 3);
  });

  it('malformed queries get FORMERR and the server keeps serving', async () => {
    const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x41]);
    const reply = await udpRaw(port, garbage);
    assert.equal(reply.readUInt16BE(0), 0x1234);
    assert.equal(reply.readUInt16BE(2) & 0xf, 1); // FORMERR
    // two questions
    const two = dnsPacket.encode({ id: 9, type: 'query', questions: [{ type: 'A', name: 'a.cluster.local' }, { type: 'A', name: 'b.cluster.local' }] });
    assert.equal((await udpRaw(port, two)).readUInt16BE(2) & 0xf, 1);
    // a name longer than 255 octets: four 63-byte labels and more
    const long = Buffer.concat([Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61)])), Buffer.from([0, 0, 1, 0, 1])]);
    assert.equal((await udpRaw(port, long)).readUInt16BE(2) & 0xf, 1);
    assert.deepEqual(answers(await udp(port, 'kubernetes.default.svc.cluster.local')), ['10.96.0.1']);
  });

  it('a UDP answer over 512 bytes is truncated (TC) for plain clients and whole over EDNS', async () => {
    data.services.upsert(service('big', { clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'big' } }));
    data.slices.upsert(slice('big-1', 'big', Array.from({ length: 60 }, (_, i) => ({ ip: `10.245.0.${i + 1}` }))));
    const plain = await udp(port, 'big.default.svc.cluster.local');
    assert.equal(plain.flag_tc, true);
    assert.equal(plain.answers.length, 0);
    const edns = await udp(port, 'big.default.svc.cluster.local', 'A', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096 }] });
    assert.equal(edns.flag_tc, false);
    assert.equal(edns.answers.length, 60);
    const [viaTcp] = await tcp(port, [{ name: 'big.default.svc.cluster.local', type: 'A' }]);
    assert.equal(viaTcp.answers.length, 60);
  });
});

describe('ExternalName answers follow the CNAME, as CoreDNS does (stub resolvers do not)', () => {
  const data = ClusterDnsData.empty();
  let upstream: dgram.Socket;
  let server: ClusterDnsServer;
  let port = 0;

  before(async () => {
    // a stand-in for the host's nameserver, on loopback: it knows one outside name
    upstream = dgram.createSocket('udp4');
    upstream.on('message', (m, r) => {
      const q = dnsPacket.decode(m);
      const name = q.questions![0].name;
      const answers = name === 'db.example.test' ? [{ type: 'A' as const, name, ttl: 30, class: 'IN' as const, data: '192.0.2.55' }] : [];
      upstream.send(dnsPacket.encode({ id: q.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED, questions: q.questions, answers }), r.port, r.address);
    });
    await new Promise<void>((resolve) => upstream.bind(0, '127.0.0.1', () => resolve()));
    server = new ClusterDnsServer(new ClusterResolver(data), { forwardTo: [`127.0.0.1:${upstream.address().port}`] });
    data.services.upsert(service('backend', { type: 'ClusterIP', clusterIP: '10.96.3.3', clusterIPs: ['10.96.3.3'] }));
    data.services.upsert(service('alias', { type: 'ExternalName', externalName: 'backend.default.svc.cluster.local' }));
    data.services.upsert(service('alias2', { type: 'ExternalName', externalName: 'alias.default.svc.cluster.local.' }));
    data.services.upsert(service('outside', { type: 'ExternalName', externalName: 'db.example.test' }));
    data.services.upsert(service('loop', { type: 'ExternalName', externalName: 'loop.default.svc.cluster.local' }));
    data.services.upsert(service('dangling', { type: 'ExternalName', externalName: 'nope.default.svc.cluster.local' }));
    port = await server.start();
  });
  after(async () => {
    await server.stop();
    upstream.close();
  });

  it('a target in the zone is answered in the same response', async () => {
    const r = await udp(port, 'alias.default.svc.cluster.local');
    assert.deepEqual(r.answers.map((a) => [a.type, a.name, a.data]), [
      ['CNAME', 'alias.default.svc.cluster.local', 'backend.default.svc.cluster.local'],
      ['A', 'backend.default.svc.cluster.local', '10.96.3.3'],
    ]);
    const two = await udp(port, 'alias2.default.svc.cluster.local');
    assert.deepEqual(two.answers.map((a) => a.type), ['CNAME', 'CNAME', 'A']);
    assert.deepEqual((await udp(port, 'alias.default.svc.cluster.local', 'CNAME')).answers.map((a) => a.type), ['CNAME']);
  });

  it('a target outside the zone is asked upstream and appended (UDP and TCP)', async () => {
    const r = await udp(port, 'outside.default.svc.cluster.local');
    assert.deepEqual(r.answers.map((a) => [a.type, a.data]), [['CNAME', 'db.example.test'], ['A', '192.0.2.55']]);
    const [t] = await tcp(port, [{ name: 'outside.default.svc.cluster.local', type: 'A' }]);
    assert.deepEqual(t.answers.map((a) => [a.type, a.data]), [['CNAME', 'db.example.test'], ['A', '192.0.2.55']]);
  });

  it('a loop of ExternalNames ends, and a missing target is NXDOMAIN after the CNAME', async () => {
    const [loop] = await tcp(port, [{ name: 'loop.default.svc.cluster.local', type: 'A' }]);
    assert.equal(loop.answers.filter((a) => a.type === 'CNAME').length, 9);
    const dangling = await udp(port, 'dangling.default.svc.cluster.local');
    assert.equal(dangling.rcode, 'NXDOMAIN');
    assert.deepEqual(dangling.answers.map((a) => a.type), ['CNAME']);
  });
});

