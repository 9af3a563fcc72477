// What the built-in layers contain and how their programs behave, without namespaces: the pages of myapp and
// nginx, the configs the seeds depend on, the pod-test/demoapp server on a 127.0.0.1 port, and the xtrabackup
// shims' rewriting of mariabackup's info files. Uses the host's own packages.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ImageCatalog, type PulledImage } from '../../../../src/nodeagent/images/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'berth-images-builtin-'));
const catalog = new ImageCatalog({ dataDir });
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** The pulled image, or the reason this host cannot run it (the test is then skipped with that reason). */
function layerOf(ref: string): PulledImage | string {
  const p = catalog.pull(ref);
  return p.ok ? p.image : `this host cannot run ${ref}: ${p.message}`;
}
const skipUnless = (ref: string) => (typeof layerOf(ref) === 'string' ? (layerOf(ref) as string) : false);
const layer = (ref: string) => layerOf(ref) as PulledImage;
const read = (img: PulledImage, path: string) => readFileSync(join(img.layerDir, path), 'utf8');

test('myapp v1, v2, v3 pages and /hostname.html', { skip: skipUnless('ikubernetes/myapp:v1') }, () => {
  for (const v of ['v1', 'v2', 'v3']) {
    assert.equal(read(layer(`ikubernetes/myapp:${v}`), 'usr/share/nginx/html/index.html'), `Hello MyApp | Version: ${v} | <a href="hostname.html">Pod Name</a>\n`);
  }
  assert.match(read(layer('ikubernetes/myapp:v1'), 'etc/nginx/conf.d/default.conf'), /location = \/hostname\.html \{\s+alias\s+\/etc\/hostname;/);
});

test('nginx: port 80, /usr/share/nginx/html, "Welcome to nginx!", logs to stdout and stderr', { skip: skipUnless('nginx') }, () => {
  const img = layer('registry.cn-beijing.aliyuncs.com/wangxiaochun/nginx:1.20.0');
  const site = read(img, 'etc/nginx/conf.d/default.conf');
  assert.match(site, /listen\s+80;/);
  assert.match(site, /root\s+\/usr\/share\/nginx\/html;/);
  assert.match(read(img, 'etc/nginx/nginx.conf'), /include \/etc\/nginx\/conf\.d\/\*\.conf;/);
  assert.match(read(img, 'usr/share/nginx/html/index.html'), /<h1>Welcome to nginx!<\/h1>/);
  assert.equal(readlinkSync(join(img.layerDir, 'var/log/nginx/access.log')), '/dev/stdout');
  assert.equal(readlinkSync(join(img.layerDir, 'var/log/nginx/error.log')), '/dev/stderr');
  // The catalog's config passes nginx's own check.
  const conf = join(dataDir, 'nginx-test.conf');
  writeFileSync(conf, read(img, 'etc/nginx/nginx.conf').replace('include /etc/nginx/conf.d/*.conf;', `include ${join(img.layerDir, 'etc/nginx/conf.d')}/*.conf;`)
    .replace(/^(error_log|pid)\s.*$/gm, '').replace(/access_log .*;/, 'access_log off;'));
  execFileSync('/usr/sbin/nginx', ['-t', '-q', '-c', conf, '-e', '/dev/null'], { stdio: 'pipe' });
});

test('mysql:5.7: my.cnf reads conf.d, listens on 0.0.0.0, skips Debian\'s mariadb.conf.d', { skip: skipUnless('mysql:5.7') }, () => {
  const cnf = read(layer('mysql:5.7'), 'etc/mysql/my.cnf');
  assert.match(cnf, /^!includedir \/etc\/mysql\/conf\.d\/$/m);
  assert.match(cnf, /^bind-address = 0\.0\.0\.0$/m);
  assert.match(cnf, /^socket = \/var\/run\/mysqld\/mysqld\.sock$/m);
  assert.doesNotMatch(cnf, /^!include.*mariadb\.conf\.d/m);
  assert.ok(existsSync(join(layer('mysql:5.7').layerDir, 'usr/sbin/mysqld')), 'mysqld is the mapping wrapper');
});

test('pod-test and demoapp answer with the notes\' text on a 127.0.0.1 port', { skip: skipUnless('registry.cn-beijing.aliyuncs.com/wangxiaochun/pod-test:v0.1') }, async (t) => {
  const serverIP = (await lookup(hostname(), { family: 4 })).address;
  for (const [ref, banner] of [
    ['registry.cn-beijing.aliyuncs.com/wangxiaochun/pod-test:v0.1', 'kubernetes pod-test v0.1!!'],
    ['registry.cn-beijing.aliyuncs.com/wangxiaochun/pod-test:v0.2', 'kubernetes pod-test v0.2!!'],
    ['ikubernetes/demoapp:v1.1', 'iKubernetes demoapp v1.1 !!'],
  ]) {
    const script = join(layer(ref).layerDir, 'usr/local/bin/demo.py');
    const proc = spawn('python3', [script, '-h', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    t.after(() => proc.kill());
    const port = await new Promise<number>((resolve, reject) => {
      let err = '';
      proc.stderr.on('data', (b: Buffer) => {
        err += b.toString();
        const m = / \* Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      proc.on('exit', () => reject(new Error(`demo.py exited: ${err}`)));
    });
    const get = async (path: string, init?: RequestInit) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, init);
      return `${res.status} ${await res.text()}`;
    };
    assert.equal(await get('/'), `200 ${banner} ClientIP: 127.0.0.1, ServerName: ${hostname()}, ServerIP: ${serverIP}!\n`);
    assert.equal(await get('/hostname'), `200 ServerName: ${hostname()}\n`);
    assert.equal(await get('/configs'), '200 DEPLOYENV: None\nRELEASE: None\n');
    assert.equal(await get('/user-agent', { headers: { 'User-Agent': 'probe/1' } }), '200 User-Agent: probe/1\n');
    assert.equal(await get('/readyz', { method: 'POST', body: new URLSearchParams({ readyz: 'down' }) }), '200 ');
    assert.equal(await get('/readyz', { method: 'POST', body: new URLSearchParams({ other: 'x' }) }).then((s) => s.slice(0, 3)), '400');
    assert.equal((await get('/missing')).slice(0, 3), '404');
    proc.kill();
  }
  // PORT and HOST in the environment, as the course's manifests set them.
  const script = join(layer('ikubernetes/demoapp:v1.0').layerDir, 'usr/local/bin/demo.py');
  const proc = spawn('python3', [script], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PORT: '0', HOST: '127.0.0.1' } });
  t.after(() => proc.kill());
  const port = await new Promise<number>((resolve) => {
    let err = '';
    proc.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      const m = / \* Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
  });
  assert.match(await (await fetch(`http://127.0.0.1:${port}/`)).text(), /^iKubernetes demoapp v1\.0 !! ClientIP: 127\.0\.0\.1, /);
});

const hasMbstream = existsSync('/usr/bin/mbstream') ? false : 'needs mbstream (apt-get install mariadb-backup)';

test('xtrabackup shims: xbstream -x rewrites mariabackup\'s three-field binlog info and two-line slave info', { skip: hasMbstream || skipUnless('gcr.io/google-samples/xtrabackup:1.0') }, () => {
  const img = layer('gcr.io/google-samples/xtrabackup:1.0');
  const bin = join(img.layerDir, 'usr/local/bin');
  const work = mkdtempSync(join(tmpdir(), 'berth-xb-'));
  try {
    const src = join(work, 'src');
    const dest = join(work, 'dest');
    execFileSync('mkdir', ['-p', src, dest]);
    writeFileSync(join(src, 'xtrabackup_binlog_info'), 'mysql-0-bin.000002\t1154\t0-100-6\n');
    writeFileSync(join(src, 'xtrabackup_slave_info'), "SET GLOBAL gtid_slave_pos = '0-100-7';\nCHANGE MASTER TO master_use_gtid = slave_pos;\n");
    const stream = execFileSync('mbstream', ['-c', 'xtrabackup_binlog_info', 'xtrabackup_slave_info'], { cwd: src });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    execFileSync(join(bin, 'xbstream'), ['-x', '-C', dest], { input: stream, env });
    const info = readFileSync(join(dest, 'xtrabackup_binlog_info'), 'utf8');
    assert.equal(info, 'mysql-0-bin.000002\t1154\n');
    // The seed's sidecar parses it with bash's regex: the file name and the position come out right.
    const parsed = execFileSync('bash', ['-c', '[[ `cat xtrabackup_binlog_info` =~ ^(.*?)[[:space:]]+(.*?)$ ]] && echo "${BASH_REMATCH[1]}|${BASH_REMATCH[2]}"'], { cwd: dest, encoding: 'utf8' });
    assert.equal(parsed, 'mysql-0-bin.000002|1154\n');
    assert.equal(readFileSync(join(dest, 'xtrabackup_slave_info'), 'utf8'), "SET GLOBAL gtid_slave_pos = '0-100-7'; CHANGE MASTER TO master_use_gtid = slave_pos;\n");
    // An info file already in XtraBackup's shape is left alone; so is an empty GTID field's file name.
    writeFileSync(join(dest, 'xtrabackup_binlog_info'), 'mysql-0-bin.000003\t99\t\n');
    execFileSync(join(bin, 'xtrabackup-info-compat'), [dest], { env });
    assert.equal(readFileSync(join(dest, 'xtrabackup_binlog_info'), 'utf8'), 'mysql-0-bin.000003\t99\n');
    const version = spawnSync(join(bin, 'xtrabackup'), ['--version'], { env, encoding: 'utf8' });
    assert.equal(version.status, 0);
    assert.match(version.stdout + version.stderr, /mariabackup based on MariaDB server/, 'the shim runs mariabackup');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('busybox: every applet but busybox itself links to /bin/busybox, placed where the host keeps that directory', { skip: skipUnless('busybox') }, () => {
  const img = layer('busybox');
  const applets = execFileSync('/bin/busybox', ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  let checked = 0;
  for (const a of applets) {
    // The host's /bin and /sbin may be symlinks into /usr.
    const path = execFileSync('readlink', ['-m', `/${a.split('/').slice(0, -1).join('/')}`], { encoding: 'utf8' }).trim() + `/${a.split('/').pop()}`;
    assert.equal(readlinkSync(join(img.layerDir, path)), '/bin/busybox', a);
    checked++;
  }
  assert.ok(checked > 200);
});

test('busybox up to 1.28: nslookup is busybox 1.28\'s (the C library\'s resolver), with its output format and failure', { skip: skipUnless('busybox:1.28.0-glibc') }, () => {
  for (const [tag, libc] of [['1.28', true], ['1.27.2-uclibc', true], ['1.29', false], ['1.36.1-glibc', false], ['latest', false]] as const) {
    const has = execFileSync('sh', ['-c', 'grep -l "getent ahosts" "$1"/*/bin/nslookup "$1"/bin/nslookup 2>/dev/null || true', '-', layer(`busybox:${tag}`).layerDir], { encoding: 'utf8' }).trim() !== '';
    assert.equal(has, libc, `busybox:${tag}`);
  }
  const img = layer('busybox:1.28.0-glibc');
  const nslookup = execFileSync('sh', ['-c', 'ls -d "$1"/*/bin/nslookup "$1"/bin/nslookup 2>/dev/null | head -1', '-', img.layerDir], { encoding: 'utf8' }).trim();
  assert.ok(nslookup, 'the layer has nslookup');
  assert.match(read(img, nslookup.slice(img.layerDir.length + 1)), /getent ahosts/, 'it resolves through the C library');
  // /etc/hosts answers localhost; the server line is resolv.conf's first nameserver. A network namespace of its own
  // keeps the lookups off the host's network (no interface is up: the DNS part fails at once).
  const ok = spawnSync('unshare', ['-rn', nslookup, 'localhost'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  const server = /^nameserver\s+(\S+)/m.exec(readFileSync('/etc/resolv.conf', 'utf8'))?.[1] ?? '127.0.0.1';
  const lines = ok.stdout.split('\n');
  assert.equal(lines[0], `Server:    ${server}`);
  assert.match(lines[1], new RegExp(`^Address 1: ${server.replace(/\./g, '\\.')}( \\S+)?$`));
  assert.equal(lines[2], '');
  assert.equal(lines[3], 'Name:      localhost');
  assert.match(lines[4], /^Address 1: (127\.0\.0\.1|::1) localhost/);
  const bad = spawnSync('unshare', ['-rn', nslookup, 'no-such-name.default.svc'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout.split('\n')[0], `Server:    ${server}`);
  assert.equal(bad.stderr, "nslookup: can't resolve 'no-such-name.default.svc'\n");
  // A server argument goes to Debian's applet (which asks that server itself).
  assert.match(read(img, nslookup.slice(img.layerDir.length + 1)), /exec \/bin\/busybox nslookup "\$@"/);
});

test('the Berth image launches this Berth', () => {
  const img = layer('ghcr.io/berth-dev/berth:0.1.0');
  const launcher = read(img, 'usr/local/bin/berth');
  assert.match(launcher, new RegExp(`^exec '${process.execPath}' '.*/dist/src/cli/main\\.js' "\\$@"$`, 'm'));
  const op = layer('quay.io/coreos/etcd-operator:v0.9.4');
  assert.match(read(op, 'usr/local/bin/etcd-operator'), /exec berth operator etcd --in-cluster \$scope/);
  // The installation is bound into the container: a checkout under /tmp is hidden by the container's private /tmp.
  const root = /'([^']*)\/dist\/src\/cli\/main\.js'/.exec(launcher)![1];
  assert.deepEqual(img.config.hostPaths, [root]);
  assert.deepEqual(op.config.hostPaths, [root]);
});
