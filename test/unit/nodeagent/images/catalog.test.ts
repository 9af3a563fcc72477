// The catalog on a fake host: which entry answers each reference of the seeds, tag patterns and mirrors, the
// image configs, ErrImagePull texts for missing programs and unknown images, image IDs, user entries from
// images.yaml, and layers written once where the host's symlinks lead.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { ImageCatalog } from '../../../../src/nodeagent/images/catalog.js';
import { CatalogFileError } from '../../../../src/nodeagent/images/user-catalog.js';
import { FakeHost } from './fake-host.js';

let host: FakeHost;
beforeEach(() => {
  host = new FakeHost();
});
afterEach(() => host.close());

const catalog = (opts: { builtins?: boolean } = {}) => new ImageCatalog({ dataDir: host.dataDir, host: host.facts(), ...opts });

test('every image of the seeds, and the common bases, resolves to its entry', () => {
  host.installEverything();
  const c = catalog();
  const cases: [string, string, string][] = [
    ['redis:7.0', 'redis', 'docker.io/library/redis:7.0'],
    ['docker.io/library/redis', 'redis', 'docker.io/library/redis:latest'],
    [`redis@sha256:${'0'.repeat(64)}`, 'redis', `docker.io/library/redis@sha256:${'0'.repeat(64)}`],
    ['nginx', 'nginx', 'docker.io/library/nginx:latest'],
    ['registry.cn-beijing.aliyuncs.com/wangxiaochun/nginx:1.20.0', 'nginx', 'registry.cn-beijing.aliyuncs.com/wangxiaochun/nginx:1.20.0'],
    ['registry.cn-beijing.aliyuncs.com/wangxiaochun/mysql:5.7', 'mysql', 'registry.cn-beijing.aliyuncs.com/wangxiaochun/mysql:5.7'],
    ['mysql:5.7.44', 'mysql', 'docker.io/library/mysql:5.7.44'],
    ['registry.cn-beijing.aliyuncs.com/wangxiaochun/xtrabackup:1.0', 'xtrabackup', 'registry.cn-beijing.aliyuncs.com/wangxiaochun/xtrabackup:1.0'],
    ['gcr.io/google-samples/xtrabackup:1.0', 'xtrabackup', 'gcr.io/google-samples/xtrabackup:1.0'],
    ['registry.cn-beijing.aliyuncs.com/wangxiaochun/pod-test:v0.2', 'pod-test', 'registry.cn-beijing.aliyuncs.com/wangxiaochun/pod-test:v0.2'],
    ['ikubernetes/demoapp:v1.0', 'demoapp', 'docker.io/ikubernetes/demoapp:v1.0'],
    ['ikubernetes/myapp:v3', 'myapp', 'docker.io/ikubernetes/myapp:v3'],
    ['quay.io/coreos/etcd:v3.2.16', 'etcd', 'quay.io/coreos/etcd:v3.2.16'],
    ['registry.k8s.io/etcd:3.5.12-0', 'etcd', 'registry.k8s.io/etcd:3.5.12-0'],
    ['quay.io/coreos/etcd-operator:v0.9.4', 'etcd-operator', 'quay.io/coreos/etcd-operator:v0.9.4'],
    ['busybox', 'busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.28.0-glibc', 'busybox', 'docker.io/library/busybox:1.28.0-glibc'],
    ['alpine:3.19', 'alpine', 'docker.io/library/alpine:3.19'],
    ['debian:bookworm-slim', 'debian', 'docker.io/library/debian:bookworm-slim'],
    ['ubuntu:22.04', 'ubuntu', 'docker.io/library/ubuntu:22.04'],
    ['python:3.12-slim', 'python', 'docker.io/library/python:3.12-slim'],
    ['node:20', 'node', 'docker.io/library/node:20'],
    ['ghcr.io/berth-dev/berth:0.1.0', 'berth', 'ghcr.io/berth-dev/berth:0.1.0'],
  ];
  for (const [ref, entry, image] of cases) {
    const r = c.resolve(ref);
    assert.equal(r.kind, 'found', ref);
    if (r.kind !== 'found') continue;
    assert.equal(r.entry.name, entry, ref);
    assert.equal(r.image, image, ref);
    assert.deepEqual(r.missing, [], ref);
  }
  const viaMirror = c.resolve('registry.cn-beijing.aliyuncs.com/wangxiaochun/nginx:1.20.0');
  assert.ok(viaMirror.kind === 'found' && viaMirror.mirror?.upstream === 'docker.io/library');
  const etcd = c.resolve('quay.io/coreos/etcd:v3.2.16');
  assert.ok(etcd.kind === 'found');
  assert.ok(etcd.notes.includes('runs etcd-server 3.4.23-4+b4'), etcd.notes.join('; '));
  assert.ok(etcd.notes.some((n) => /v3\.2 .* runs as 3\.4/.test(n)));
});

test('each entry carries its image config', () => {
  host.installEverything();
  const c = catalog();
  const config = (ref: string) => {
    const r = c.resolve(ref);
    assert.equal(r.kind, 'found', ref);
    return r.kind === 'found' ? r.config : {};
  };
  const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  assert.deepEqual(config('redis:7.0'), {
    entrypoint: ['docker-entrypoint.sh'], cmd: ['redis-server'], env: [PATH], workingDir: '/data',
    exposedPorts: ['6379/tcp'], volumes: ['/data'],
  });
  assert.deepEqual(config('nginx:1.20.0'), {
    entrypoint: ['/docker-entrypoint.sh'], cmd: ['nginx', '-g', 'daemon off;'], env: [PATH], stopSignal: 'SIGQUIT', exposedPorts: ['80/tcp'],
  });
  assert.deepEqual(config('mysql:5.7'), {
    entrypoint: ['docker-entrypoint.sh'], cmd: ['mysqld'], env: [PATH, 'MYSQL_MAJOR=5.7'],
    exposedPorts: ['3306/tcp', '33060/tcp'], volumes: ['/var/lib/mysql'],
  });
  assert.deepEqual(config('quay.io/coreos/etcd:v3.2.16'), { cmd: ['/usr/local/bin/etcd'], env: [PATH], exposedPorts: ['2379/tcp', '2380/tcp'] });
  assert.deepEqual(config('busybox').cmd, ['sh']);
  assert.deepEqual(config('registry.cn-beijing.aliyuncs.com/wangxiaochun/pod-test:v0.1').cmd, ['/bin/sh', '-c', 'python3 /usr/local/bin/demo.py']);
  assert.deepEqual(config('ghcr.io/berth-dev/berth:0.1.0').cmd, ['berth', '--help']);
  assert.deepEqual(config('node:20'), { entrypoint: ['docker-entrypoint.sh'], cmd: ['node'], env: [PATH] });
});

test('a missing program is ErrImagePull naming the package to install', () => {
  host.installEverything();
  host.remove('/usr/bin/redis-cli');
  const c = catalog();
  const pulled = c.pull('redis:7.0');
  assert.deepEqual(pulled, {
    ok: false, reason: 'ErrImagePull',
    message: 'failed to pull and unpack image "docker.io/library/redis:7.0": Berth\'s image catalog runs redis:7.0 as '
      + 'Debian\'s Redis 7.0 (redis-server, redis-cli) with the upstream image\'s entrypoint and defaults, and this host lacks '
      + '/usr/bin/redis-cli: install it with `apt-get install redis-tools`',
  });
  host.remove('/usr/sbin/mariadbd');
  host.remove('/usr/bin/mariadb-admin');
  const mysql = c.pull('mysql:5.7');
  assert.ok(!mysql.ok && mysql.message.endsWith('this host lacks /usr/sbin/mariadbd, /usr/bin/mariadb-admin: install them with `apt-get install mariadb-server mariadb-client`'), mysql.ok ? '' : mysql.message);
  assert.equal(c.isPresent('mysql:5.7'), false);
  assert.equal(c.isPresent('redis:7.0'), false);
  assert.equal(c.isPresent('nginx'), true);
});

test('an unknown image, or a tag the catalog does not have, says how to add an entry', () => {
  host.installEverything();
  const c = catalog();
  const file = join(host.dataDir, 'images.yaml');
  assert.deepEqual(c.pull('example.com/team/api:2'), {
    ok: false, reason: 'ErrImagePull',
    message: 'failed to pull and unpack image "example.com/team/api:2": failed to resolve reference "example.com/team/api:2": '
      + 'example.com/team/api:2: not found in Berth\'s image catalog (the host is the image: no registry is contacted); '
      + `add an entry for example.com/team/api to ${file} (see \`berth images\` and src/nodeagent/images/README.md)`,
  });
  const mysql8 = c.pull('mysql:8.0');
  assert.ok(!mysql8.ok && mysql8.message.includes('docker.io/library/mysql:8.0: not found in Berth\'s image catalog: mysql is there for tags 5.7, 5.7.* only;'), mysql8.ok ? '' : mysql8.message);
  const myapp = c.pull('ikubernetes/myapp:v4');
  assert.ok(!myapp.ok && myapp.message.includes('ikubernetes/myapp is there for tags v1, v2, v3 only'));
  assert.deepEqual(c.pull('Redis:7'), {
    ok: false, reason: 'InvalidImageName',
    message: 'couldn\'t parse image name "Redis:7": invalid reference format: repository name (library/Redis) must be lowercase',
  });
});

test('imageID is stable for the same entry, layer and package versions; an upgrade changes it', () => {
  host.installEverything();
  const first = catalog().pull('redis:7.0');
  const again = catalog().pull('docker.io/library/redis:7.0');
  assert.ok(first.ok && again.ok);
  assert.match(first.image.imageID, /^docker\.io\/library\/redis@sha256:[0-9a-f]{64}$/);
  assert.equal(again.image.imageID, first.image.imageID);
  const mirror = catalog().pull('registry.cn-beijing.aliyuncs.com/wangxiaochun/redis:7.0');
  assert.ok(mirror.ok);
  assert.equal(mirror.image.imageID.split('@')[1], first.image.imageID.split('@')[1], 'same content, the mirror\'s repository');
  assert.ok(mirror.image.imageID.startsWith('registry.cn-beijing.aliyuncs.com/wangxiaochun/redis@sha256:'));
  host.install([], { 'redis-server': '5:7.0.15-1~deb12u11' });
  const upgraded = catalog().pull('redis:7.0');
  assert.ok(upgraded.ok);
  assert.notEqual(upgraded.image.imageID, first.image.imageID);
  const c = catalog();
  const r = c.resolve('redis:7.0');
  assert.ok(r.kind === 'found');
  assert.equal(c.imageID(r), upgraded.image.imageID, 'without writing the layer');
  const v1 = catalog().pull('ikubernetes/myapp:v1');
  const v2 = catalog().pull('ikubernetes/myapp:v2');
  assert.ok(v1.ok && v2.ok);
  assert.notEqual(v1.image.imageID, v2.image.imageID, 'different pages, different images');
});

test('layers are written once, where the host\'s symlinked directories lead, with the host\'s directory modes', () => {
  host.installEverything();
  const c = catalog();
  const a = c.pull('busybox');
  const b = c.pull('busybox:1.36');
  assert.ok(a.ok && b.ok);
  assert.equal(a.image.layerDir, b.image.layerDir);
  assert.ok(a.image.layerDir.startsWith(join(host.dataDir, 'images', 'layers')));
  assert.ok(existsSync(join(a.image.layerDir, '..', 'complete')));
  // /bin → usr/bin on the host: /bin/sh goes to usr/bin/sh (a real bin/ directory would hide the host's /bin).
  assert.equal(readlinkSync(join(a.image.layerDir, 'usr/bin/sh')), '/bin/busybox');
  assert.equal(readlinkSync(join(a.image.layerDir, 'usr/sbin/ifconfig')), '/bin/busybox');
  assert.equal(existsSync(join(a.image.layerDir, 'bin')), false);
  assert.equal(existsSync(join(a.image.layerDir, 'usr/bin/busybox')), false, 'busybox itself is the host\'s');

  const nginx = c.pull('nginx');
  assert.ok(nginx.ok);
  assert.equal(statSync(join(nginx.image.layerDir, 'var/log')).mode & 0o7777, 0o751, 'the host\'s mode, not 0755');
  assert.equal(lstatSync(join(nginx.image.layerDir, 'var/log/nginx/access.log')).isSymbolicLink(), true);
  assert.equal(nginx.image.sizeBytes > 0, true);

  const redis = c.pull('redis:7.0');
  assert.ok(redis.ok);
  const data = statSync(join(redis.image.layerDir, 'data'));
  if (process.getuid?.() === 0) assert.deepEqual([data.uid, data.gid], [104, 107], '/data belongs to redis');
  assert.equal(statSync(join(redis.image.layerDir, 'usr/local/bin/docker-entrypoint.sh')).mode & 0o777, 0o755);
});

test('user entries in images.yaml add images, replace built-ins by name, bring mirrors, and are re-read when changed', () => {
  host.installEverything();
  host.install(['/opt/api/bin/api'], { 'api-server': '2.1-1' });
  const file = join(host.dataDir, 'images.yaml');
  writeFileSync(join(host.dataDir, 'config.json'), '{"debug": true}\n');
  writeFileSync(file, `
images:
  - name: api
    match:
      - repository: example.com/team/api
        tags: ["2.*", latest]
    description: the team's API from the host's api-server package
    config:
      cmd: [/opt/api/bin/api, --port, "8080"]
      env: [PATH=/usr/bin:/bin, MODE=prod]
      workingDir: /srv
      stopSignal: SIGINT
      exposedPorts: ["8080"]
    requires:
      - path: /opt/api/bin/api
        package: api-server
    layer:
      - path: /srv/config.json
        source: config.json
      - path: /srv/motd
        content: hello
        mode: "0600"
      - path: /usr/local/bin/api
        symlink: /opt/api/bin/api
      - path: /srv/cache
        directory: true
  - name: redis
    match: [{ repository: redis }]
    description: Redis from the host, no entrypoint
    config: { cmd: [redis-server, --port, "7000"] }
    requires: [{ path: /usr/bin/redis-server, package: redis-server }]
mirrors:
  - registry: mirror.local:5000/dockerhub
    upstream: docker.io/library
`);
  const c = catalog();
  const api = c.pull('example.com/team/api:2.1');
  assert.ok(api.ok, api.ok ? '' : api.message);
  assert.equal(api.image.entry.source, 'user');
  assert.deepEqual(api.image.config, {
    cmd: ['/opt/api/bin/api', '--port', '8080'], env: ['PATH=/usr/bin:/bin', 'MODE=prod'], workingDir: '/srv',
    stopSignal: 'SIGINT', exposedPorts: ['8080/tcp'],
  });
  assert.ok(api.image.notes.includes('runs api-server 2.1-1'));
  const layer = api.image.layerDir;
  assert.equal(readFileSync(join(layer, 'srv/config.json'), 'utf8'), '{"debug": true}\n');
  assert.equal(statSync(join(layer, 'srv/motd')).mode & 0o777, 0o600);
  assert.equal(readlinkSync(join(layer, 'usr/local/bin/api')), '/opt/api/bin/api');
  assert.ok(statSync(join(layer, 'srv/cache')).isDirectory());
  const redis = c.resolve('redis:7.0');
  assert.ok(redis.kind === 'found' && redis.entry.source === 'user' && redis.config.cmd?.[2] === '7000');
  assert.deepEqual(c.entries().filter((e) => e.name === 'redis').length, 1);
  const mirrored = c.resolve('mirror.local:5000/dockerhub/nginx:1.25');
  assert.ok(mirrored.kind === 'found' && mirrored.entry.name === 'nginx');

  // A broken edit: the running catalog keeps the last good entries and says why in its messages.
  writeFileSync(file, 'images:\n  - name: api\n    match: []\n');
  const stale = c.resolve('example.com/team/api:2.1');
  assert.equal(stale.kind, 'found');
  assert.match(c.userFileError ?? '', /images\[0\]\.match: Required value: at least one repository/);
  assert.match(c.pull('example.com/other:1').ok ? '' : (c.pull('example.com/other:1') as { message: string }).message, /note: .*images\.yaml: images\[0\]\.match: Required value/);
  // A fixed edit is picked up; a removed file takes the user entries away.
  writeFileSync(file, 'images: []\n');
  assert.equal(c.resolve('example.com/team/api:2.1').kind, 'unknown');
  assert.equal(c.userFileError, undefined);
  const fresh = catalog();
  assert.equal(fresh.resolve('redis:7.0').kind === 'found' && (fresh.resolve('redis:7.0') as { entry: { source: string } }).entry.source, 'builtin');
});

test('a broken images.yaml stops the catalog from loading, with every problem listed', () => {
  writeFileSync(join(host.dataDir, 'images.yaml'), 'images:\n  - name: Bad_Name\n    match: [{ repository: "redis:7" }]\n    color: blue\n');
  assert.throws(() => catalog(), (e: unknown) => {
    assert.ok(e instanceof CatalogFileError);
    assert.deepEqual(e.errors, [
      'images[0].color: Unsupported value: "color": unknown field; known fields: name, match, description, notes, config, requires, layer',
      'images[0].name: Invalid value: "Bad_Name": must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character',
      'images[0].match[0].repository: Invalid value: "redis:7": must be a repository name without tag or digest, e.g. redis or quay.io/coreos/etcd',
    ]);
    return true;
  });
});

test('tag patterns: an exact tag beats a pattern, a pattern beats any tag; user entries come first', () => {
  host.install(['/usr/bin/true']);
  writeFileSync(join(host.dataDir, 'images.yaml'), `
images:
  - { name: any, match: [{ repository: app }], requires: [{ path: /usr/bin/true, package: coreutils }] }
  - { name: twos, match: [{ repository: app, tags: ["2.*"] }] }
  - { name: exact, match: [{ repository: app, tags: ["2.1", "v?"] }] }
`);
  const c = catalog({ builtins: false });
  const entryOf = (ref: string) => {
    const r = c.resolve(ref);
    return r.kind === 'found' ? r.entry.name : r.kind;
  };
  assert.equal(entryOf('app:2.1'), 'exact');
  assert.equal(entryOf('app:2.2'), 'twos');
  assert.equal(entryOf('app:v7'), 'exact');
  assert.equal(entryOf('app:v10'), 'any');
  assert.equal(entryOf('app'), 'any');
  assert.equal(entryOf(`app@sha256:${'1'.repeat(64)}`), 'any');
  assert.equal(entryOf('other:1'), 'unknown');
});
