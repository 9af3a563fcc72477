// The catalog's web, cache and base images running as real processes in "pods" (network namespaces the test
// creates): pod-test and myapp answer with the exact text of the course notes, nginx serves a volume and stops on
// SIGQUIT, Redis keeps its AOF in its volume and is reachable from another pod, busybox's applets and etcd's
// StatefulSet script work. Needs root.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ImageCatalog, type PulledImage } from '../../src/nodeagent/images/index.js';
import { Container, ContainerSpec, isRoot, PodNetwork, waitFor } from '../support/image-sandbox.js';

const skip = isRoot() ? false : 'needs root (overlay mounts, namespaces); CI runs it as root';

let dataDir: string;
let catalog: ImageCatalog;
const running: Container[] = [];
const networks: PodNetwork[] = [];

before(() => {
  if (skip) return;
  dataDir = mkdtempSync(join(tmpdir(), 'berth-images-web-'));
  catalog = new ImageCatalog({ dataDir });
});

after(async () => {
  await Promise.all(running.map((c) => c.stop()));
  for (const n of networks) n.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function pull(reference: string): PulledImage {
  const p = catalog.pull(reference);
  assert.ok(p.ok, p.ok ? '' : p.message);
  return p.image;
}

function network(pods: string[]): PodNetwork {
  const n = new PodNetwork(pods);
  networks.push(n);
  return n;
}

function start(net: PodNetwork, podName: string, image: PulledImage, extra: Partial<ContainerSpec> = {}, subdomain = 'svc'): Container {
  const c = new Container({
    layerDir: image.layerDir, config: image.config, pod: net.pod(podName),
    ...extra,
    files: { '/etc/hosts': net.hostsFile(subdomain), '/etc/hostname': `${podName}\n`, ...(extra.files ?? {}) },
  });
  running.push(c);
  return c;
}

function volume(name: string): string {
  const d = join(dataDir, name);
  mkdirSync(d, { recursive: true });
  return d;
}

/** curl from a client container, retried until the server answers. */
async function curl(client: Container, args: string[], what: string): Promise<string> {
  return waitFor(what, async () => {
    const r = await client.exec(['curl', '-sS', '--max-time', '5', ...args]);
    return r.code === 0 ? r.out : undefined;
  }, 30_000, 200);
}

test('pod-test v0.1 answers as in seed 000, with demoapp\'s routes', { skip, timeout: 120_000 }, async () => {
  const net = network(['web-0', 'client']);
  const image = pull('registry.cn-beijing.aliyuncs.com/wangxiaochun/pod-test:v0.1');
  start(net, 'web-0', image, { env: { DEPLOYENV: 'Production', RELEASE: 'Stable' } }, 'nginx');
  const client = start(net, 'client', image, { command: ['sleep', '300'] }, 'nginx');
  const [web, me] = [net.pod('web-0'), net.pod('client')];
  assert.equal(await curl(client, [`http://${web.ip}/`], 'pod-test /'),
    `kubernetes pod-test v0.1!! ClientIP: ${me.ip}, ServerName: web-0, ServerIP: ${web.ip}!\n`);
  assert.equal(await curl(client, ['http://web-0.nginx/hostname'], '/hostname'), 'ServerName: web-0\n');
  assert.equal(await curl(client, [`http://${web.ip}/configs`], '/configs'), 'DEPLOYENV: Production\nRELEASE: Stable\n');
  assert.equal(await curl(client, ['-A', 'berth-test/1', `http://${web.ip}/user-agent`], '/user-agent'), 'User-Agent: berth-test/1\n');
  assert.equal(await curl(client, ['-d', 'livez=FAIL', `http://${web.ip}/livez`], 'POST /livez'), '');
  assert.equal(await curl(client, ['-w', ' %{http_code}', `http://${web.ip}/livez`], 'GET /livez'), 'FAIL 506');
  assert.equal(await curl(client, ['-w', '%{http_code}', '-o', '/dev/null', `http://${web.ip}/nope`], '404'), '404');

  // The course runs it on another port: python3 /usr/local/bin/demo.py -p 8080.
  const net2 = network(['pod-with-cmd-and-args', 'client2']);
  start(net2, 'pod-with-cmd-and-args', pull('registry.cn-beijing.aliyuncs.com/wangxiaochun/pod-test:v0.3'), {
    command: ['/bin/sh', '-c'], args: ['python3 /usr/local/bin/demo.py -p 8080'],
  });
  const client2 = start(net2, 'client2', image, { command: ['sleep', '300'] });
  const server = net2.pod('pod-with-cmd-and-args');
  assert.equal(await curl(client2, [`http://${server.ip}:8080`], 'pod-test :8080'),
    `kubernetes pod-test v0.3!! ClientIP: ${net2.pod('client2').ip}, ServerName: pod-with-cmd-and-args, ServerIP: ${server.ip}!\n`);
});

test('ikubernetes/myapp v1 serves its version page and the pod name at /hostname.html', { skip, timeout: 120_000 }, async () => {
  const net = network(['statefulset-demo-0', 'client']);
  start(net, 'statefulset-demo-0', pull('ikubernetes/myapp:v1'));
  const client = start(net, 'client', pull('busybox'), { command: ['sleep', '300'] });
  const ip = net.pod('statefulset-demo-0').ip;
  const r = await waitFor('myapp', async () => {
    const x = await client.exec(['wget', '-q', '-O', '-', `http://${ip}/`]);
    return x.code === 0 ? x.out : undefined;
  }, 30_000, 200);
  assert.equal(r, 'Hello MyApp | Version: v1 | <a href="hostname.html">Pod Name</a>\n');
  const host = await client.exec(['wget', '-q', '-O', '-', `http://${ip}/hostname.html`]);
  assert.equal(host.out, 'statefulset-demo-0\n');
});

test('nginx (wangxiaochun/nginx:1.20.0): the catalog config serves a volume, logs to stdout, stops on SIGQUIT', { skip, timeout: 120_000 }, async () => {
  const net = network(['myapp-0', 'plain', 'client']);
  const image = pull('registry.cn-beijing.aliyuncs.com/wangxiaochun/nginx:1.20.0');
  assert.equal(image.config.stopSignal, 'SIGQUIT');
  const html = volume('nginx-html');
  writeFileSync(join(html, 'index.html'), 'myapp-0\n');
  const served = start(net, 'myapp-0', image, { mounts: [{ hostPath: html, containerPath: '/usr/share/nginx/html' }] });
  start(net, 'plain', image);
  const client = start(net, 'client', pull('busybox'), { command: ['sleep', '300'] });
  const get = (ip: string) => waitFor(`nginx on ${ip}`, async () => {
    const x = await client.exec(['wget', '-q', '-O', '-', `http://${ip}/`]);
    return x.code === 0 ? x.out : undefined;
  }, 30_000, 200);
  assert.equal(await get(net.pod('myapp-0').ip), 'myapp-0\n');
  assert.match(await get(net.pod('plain').ip), /<title>Welcome to nginx!<\/title>/);
  await waitFor('the access log line on stdout', async () => (/"GET \/ HTTP\/1\.1" 200 /.test(served.output()) ? true : undefined), 10_000, 100);
  assert.match(served.output(), /docker-entrypoint\.sh: Configuration complete; ready for start up/);
  process.kill(served.pid1(), 'SIGQUIT');
  assert.equal(await served.exited, 0, served.output());
});

test('redis:7.0: seed 003\'s command writes its AOF to the volume; the entrypoint runs as redis, reachable from another pod', { skip, timeout: 120_000 }, async () => {
  const net = network(['redis-0', 'redis-1', 'client']);
  const image = pull('redis:7.0');
  const data0 = volume('redis-data-redis-0');
  const data1 = volume('redis-data-redis-1');
  start(net, 'redis-0', image, { command: ['redis-server', '--appendonly', 'yes'], mounts: [{ hostPath: data0, containerPath: '/data' }] }, 'redis');
  const r1 = start(net, 'redis-1', image, { mounts: [{ hostPath: data1, containerPath: '/data' }] }, 'redis');
  const client = start(net, 'client', image, { command: ['sleep', '300'] }, 'redis');
  const cli = (host: string, ...args: string[]) => waitFor(`redis-cli on ${host}`, async () => {
    const x = await client.exec(['redis-cli', '-h', host, ...args]);
    return x.code === 0 && !x.out.startsWith('Could not connect') ? x.out.trim() : undefined;
  }, 30_000, 200);
  assert.equal(await cli('redis-0.redis', 'set', 'foo', 'bar'), 'OK');
  assert.equal(await cli('redis-0.redis', 'get', 'foo'), 'bar');
  assert.ok(existsSync(join(data0, 'appendonlydir')), 'AOF directory in the claim');
  assert.ok(readdirSync(join(data0, 'appendonlydir')).some((f) => f.endsWith('.aof')));
  // No command: docker-entrypoint.sh → redis-server as user redis, protected-mode off (reachable over the pod IP).
  assert.equal(await cli(net.pod('redis-1').ip, 'ping'), 'PONG');
  assert.equal(await cli(net.pod('redis-1').ip, 'config', 'get', 'protected-mode'), 'protected-mode\nno');
  const ps = await r1.exec(['ps', '-o', 'user=,comm=', '-p', '1']);
  assert.match(ps.out, /^redis\s+redis-server/m);
});

test('busybox: applets replace the host\'s commands; hostname -i gives the pod IP', { skip, timeout: 60_000 }, async () => {
  const net = network(['test-pod']);
  const c = start(net, 'test-pod', pull('busybox:1.28.0-glibc'), { command: ['sh', '-c', 'readlink /bin/sh; hostname; hostname -i; ls --help 2>&1 | head -n 1'] });
  assert.equal(await c.exited, 0, c.output());
  const [sh, name, ip, ls] = c.output().split('\n');
  assert.equal(sh, '/bin/busybox');
  assert.equal(name, 'test-pod');
  assert.equal(ip.trim(), net.pod('test-pod').ip);
  assert.match(ls, /BusyBox/);
});

test('quay.io/coreos/etcd:v3.2.16: seed 002\'s StatefulSet script forms a 3-member cluster', { skip, timeout: 180_000 }, async () => {
  const names = ['etcd-0', 'etcd-1', 'etcd-2'];
  const net = network(names);
  const image = pull('quay.io/coreos/etcd:v3.2.16');
  const script = [
    'IP=$(hostname -i)',
    'PEERS=""',
    'for i in $(seq 0 $((${CLUSTER_SIZE} - 1))); do',
    '    PEERS="${PEERS}${PEERS:+,}${SET_NAME}-${i}=http://${SET_NAME}-${i}.${SET_NAME}:2380"',
    'done',
    'exec etcd --name ${HOSTNAME} \\',
    '  --listen-peer-urls http://${IP}:2380 \\',
    '  --listen-client-urls http://${IP}:2379,http://127.0.0.1:2379 \\',
    '  --advertise-client-urls http://${HOSTNAME}.${SET_NAME}:2379 \\',
    '  --initial-advertise-peer-urls http://${HOSTNAME}.${SET_NAME}:2380 \\',
    '  --initial-cluster-token etcd-cluster-1 \\',
    '  --initial-cluster ${PEERS} \\',
    '  --initial-cluster-state new \\',
    '  --data-dir /var/run/etcd/default.etcd',
  ].join('\n');
  const members = names.map((n) => start(net, n, image, {
    command: ['/bin/sh', '-ecx', script], env: { CLUSTER_SIZE: '3', SET_NAME: 'etcd' },
    mounts: [{ hostPath: volume(`etcd-data-${n}`), containerPath: '/var/run/etcd' }],
  }, 'etcd'));
  const list = await waitFor('three started members', async () => {
    const x = await members[0].exec(['etcdctl', '--endpoints', 'etcd-0.etcd:2379', 'member', 'list']);
    // A member is listed as started a moment before its client URLs are published: wait for all three.
    return x.code === 0 && names.every((n) => new RegExp(`, started, ${n}, http://${n}\\.etcd:2380, http://${n}\\.etcd:2379`).test(x.out)) ? x.out : undefined;
  }, 90_000, 500);
  for (const n of names) assert.match(list, new RegExp(`, started, ${n}, http://${n}\\.etcd:2380, http://${n}\\.etcd:2379`));
  assert.equal((await members[1].exec(['etcdctl', '--endpoints', 'etcd-1.etcd:2379', 'put', 'greeting', 'hello'])).out.trim(), 'OK');
  assert.equal((await members[2].exec(['etcdctl', '--endpoints', 'etcd-2.etcd:2379', 'get', 'greeting', '--print-value-only'])).out.trim(), 'hello');
  assert.ok(existsSync(join(dataDir, 'etcd-data-etcd-0', 'default.etcd', 'member')), 'data in the claim');
});

test('ghcr.io/berth-dev/berth runs this Berth (the etcd operator Deployment\'s image)', { skip, timeout: 60_000 }, async () => {
  const net = network(['etcd-operator-0']);
  const c = start(net, 'etcd-operator-0', pull('ghcr.io/berth-dev/berth:0.1.0'), { command: ['berth', 'operator', 'etcd', '--help'] });
  assert.equal(await c.exited, 0, c.output());
  assert.match(c.output(), /^Usage: berth operator etcd \[options\]/m);
  assert.match(c.output(), /--in-cluster/);
});
