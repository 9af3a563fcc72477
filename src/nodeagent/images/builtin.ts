// The built-in catalog: every image the course notes use (seeds 000–004) and common bases, each mapped onto
// Debian packages of the host plus a small layer reproducing what the upstream image adds (entrypoint scripts,
// configs, pages). Where the host's program differs from the upstream image's, the entry's notes say so.
import { readAsset } from './host.js';
import type { HostFacts, ImageEntry, LayerItem, Mirror, Requirement } from './types.js';

const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Registries that hold copies of Docker Hub's official images. */
export const BUILTIN_MIRRORS: Mirror[] = [
  // The course notes pull Docker Hub's images (nginx, mysql) from this mirror.
  { registry: 'registry.cn-beijing.aliyuncs.com/wangxiaochun', upstream: 'docker.io/library' },
];

const file = (path: string, content: string, mode = 0o644): LayerItem => ({ type: 'file', path, content, mode });
const script = (path: string, asset: string): LayerItem => file(path, readAsset(asset), 0o755);
const symlink = (path: string, target: string): LayerItem => ({ type: 'symlink', path, target });
const dir = (path: string, owner?: string, mode = 0o755): LayerItem => ({ type: 'dir', path, mode, owner });

/** busybox's applets as symlinks to it, each where the host keeps that directory (/bin → /usr/bin on Debian 12). */
function busyboxLayer(host: HostFacts): LayerItem[] {
  return host.busyboxApplets()
    .filter((p) => !p.endsWith('/busybox'))
    .map((p) => symlink(p, '/bin/busybox'));
}

/**
 * Upstream busybox up to 1.28 built nslookup on the C library's resolver: resolv.conf's search list applies and the
 * output is 1.28's (etcd-operator's member pods, busybox:1.28.0-glibc, wait on `nslookup <member>.<cluster>.<ns>.svc`,
 * which Debian's 1.35 applet sends as typed and never resolves). From 1.29 nslookup has its own resolver and format,
 * as Debian's applet.
 */
const LIBC_NSLOOKUP_TAG = /^1\.(?:[0-9]|1[0-9]|2[0-8])(?:[.-]|$)/;

function busyboxImageLayer(host: HostFacts, tag: string | undefined): LayerItem[] {
  const applets = busyboxLayer(host);
  if (!tag || !LIBC_NSLOOKUP_TAG.test(tag)) return applets;
  return applets.map((item) => (item.path.endsWith('/nslookup') ? script(item.path, 'busybox/nslookup') : item));
}

/** The upstream nginx image's files: config, default site, pages, log symlinks, entrypoint. */
function nginxBase(site: string): LayerItem[] {
  return [
    file('/etc/nginx/nginx.conf', readAsset('nginx/nginx.conf')),
    file('/etc/nginx/conf.d/default.conf', site),
    file('/usr/share/nginx/html/50x.html', readAsset('nginx/50x.html')),
    // Logs go to the container's stdout and stderr, hence to `kubectl logs`.
    symlink('/var/log/nginx/access.log', '/dev/stdout'),
    symlink('/var/log/nginx/error.log', '/dev/stderr'),
  ];
}

const NGINX: Requirement = { path: '/usr/sbin/nginx', package: 'nginx' };
const SETPRIV: Requirement = { path: '/usr/bin/setpriv', package: 'util-linux' };
const BASH: Requirement = { path: '/bin/bash', package: 'bash' };
const PYTHON: Requirement = { path: '/usr/bin/python3', package: 'python3' };
const DEMOAPP_TOOLS: Requirement[] = [
  PYTHON, BASH,
  { path: '/usr/bin/curl', package: 'curl' },
  { path: '/usr/bin/host', package: 'bind9-host' },
  { path: '/usr/bin/nslookup', package: 'bind9-dnsutils' },
];
const MARIADB_CLIENT: Requirement = { path: '/usr/bin/mariadb', package: 'mariadb-client-core' };

/**
 * The course's demo web app (ikubernetes/demoapp, and wangxiaochun/pod-test which rebrands it): demo.py on the
 * host's Python, its banner naming the tag. The images also carry sh, curl, host and nslookup (seed 000 uses them).
 */
function demoappEntry(name: string, repository: string, tags: string[], banner: (tag: string) => string): Omit<ImageEntry, 'source'> {
  return {
    name,
    match: [{ repository, tags }],
    description: `the course's ${name} web app (demo.py on the host's Python 3): client, server name and address on :80`,
    notes: ['the upstream app is Flask; this one is a standard-library rewrite answering the same routes with the same text'],
    config: { cmd: ['/bin/sh', '-c', 'python3 /usr/local/bin/demo.py'], env: [PATH, 'LANG=C.UTF-8'], exposedPorts: ['80/tcp'] },
    requires: DEMOAPP_TOOLS,
    versionPackages: ['python3'],
    layer: ({ tag }) => [file('/usr/local/bin/demo.py', readAsset('demoapp/demo.py').replace('@BANNER@', banner(tag ?? tags[0])), 0o755)],
  };
}

function berthLauncher(host: HostFacts): LayerItem {
  const { node, main } = host.berthCommand();
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return file('/usr/local/bin/berth',
    `#!/bin/sh\n# Berth itself, as installed on the host.\nexec ${quote(node)} ${quote(main)} "$@"\n`, 0o755);
}

export function builtinEntries(host: HostFacts): ImageEntry[] {
  const { node: nodeBinary, root: berthRoot } = host.berthCommand();
  const entries: Omit<ImageEntry, 'source'>[] = [
    {
      name: 'redis',
      match: [{ repository: 'redis' }],
      description: "Debian's Redis 7.0 (redis-server, redis-cli) with the upstream image's entrypoint and defaults",
      notes: [
        'every tag runs the host\'s Redis 7.0',
        'protected-mode defaults to no, as in the upstream build',
      ],
      config: {
        entrypoint: ['docker-entrypoint.sh'], cmd: ['redis-server'], env: [PATH], workingDir: '/data',
        exposedPorts: ['6379/tcp'], volumes: ['/data'],
      },
      requires: [
        { path: '/usr/bin/redis-server', package: 'redis-server' },
        { path: '/usr/bin/redis-cli', package: 'redis-tools' },
        SETPRIV,
      ],
      versionPackages: ['redis-server'],
      layer: () => [
        dir('/data', 'redis'),
        script('/usr/local/bin/docker-entrypoint.sh', 'redis/docker-entrypoint.sh'),
        script('/usr/local/bin/redis-server', 'redis/redis-server'),
      ],
    },
    {
      name: 'nginx',
      match: [{ repository: 'nginx' }],
      description: "Debian's nginx with the upstream image's configuration (port 80, /usr/share/nginx/html, logs to stdout/stderr)",
      notes: ['every tag runs the host\'s nginx', 'worker processes run as www-data (the host has no nginx user)'],
      config: {
        entrypoint: ['/docker-entrypoint.sh'], cmd: ['nginx', '-g', 'daemon off;'], env: [PATH],
        stopSignal: 'SIGQUIT', exposedPorts: ['80/tcp'],
      },
      requires: [NGINX, { path: '/usr/bin/envsubst', package: 'gettext-base' }],
      versionPackages: ['nginx'],
      layer: () => [
        ...nginxBase(readAsset('nginx/default.conf')),
        file('/usr/share/nginx/html/index.html', readAsset('nginx/index.html')),
        script('/docker-entrypoint.sh', 'nginx/docker-entrypoint.sh'),
        script('/docker-entrypoint.d/20-envsubst-on-templates.sh', 'nginx/20-envsubst-on-templates.sh'),
      ],
    },
    {
      name: 'myapp',
      match: [{ repository: 'ikubernetes/myapp', tags: ['v1', 'v2', 'v3'] }],
      description: "the course's demo page served by Debian's nginx: the version at /, the pod's host name at /hostname.html",
      notes: ['the upstream image is nginx on Alpine; here the shell and tools are the host\'s'],
      config: { cmd: ['nginx', '-g', 'daemon off;'], env: [PATH], stopSignal: 'SIGTERM', exposedPorts: ['80/tcp'] },
      requires: [NGINX],
      versionPackages: ['nginx'],
      layer: ({ tag }) => [
        ...nginxBase(readAsset('myapp/default.conf')),
        file('/usr/share/nginx/html/index.html', `Hello MyApp | Version: ${tag} | <a href="hostname.html">Pod Name</a>\n`),
      ],
    },
    demoappEntry('pod-test', 'registry.cn-beijing.aliyuncs.com/wangxiaochun/pod-test', ['v0.1', 'v0.2', 'v0.3'], (tag) => `kubernetes pod-test ${tag}!!`),
    demoappEntry('demoapp', 'ikubernetes/demoapp', ['v1.*'], (tag) => `iKubernetes demoapp ${tag} !!`),
    {
      name: 'busybox',
      match: [{ repository: 'busybox' }],
      description: "Debian's busybox: its applets (sh, nslookup, wget, hostname…) in place of the host's commands",
      notes: [
        'every tag runs the host\'s busybox (a glibc build)',
        'commands busybox lacks still come from the host',
        'tags up to 1.28 (1.28.0-glibc is etcd-operator\'s) have busybox 1.28\'s nslookup: the C library resolves the name with resolv.conf\'s search list and ndots, output in 1.28\'s format (Server:, Name:, Address N:); with a server argument it is Debian\'s applet',
        'later tags\' nslookup is Debian\'s 1.35 applet, in the format of upstream\'s since 1.29: it asks for the name as typed (no search list)',
      ],
      config: { cmd: ['sh'], env: [PATH] },
      requires: [{ path: '/bin/busybox', package: 'busybox' }, { path: '/usr/bin/getent', package: 'libc-bin' }],
      layer: ({ host, tag }) => busyboxImageLayer(host, tag),
    },
    {
      name: 'alpine',
      match: [{ repository: 'alpine' }],
      description: "busybox applets over the host's Debian userland (Alpine's own userland is busybox too)",
      notes: ['there is no apk and no musl: packages come from the host (apt-get on the host)', '/etc/os-release says Debian'],
      config: { cmd: ['/bin/sh'], env: [PATH] },
      requires: [{ path: '/bin/busybox', package: 'busybox' }],
      layer: ({ host }) => busyboxLayer(host),
    },
    {
      name: 'debian',
      match: [{ repository: 'debian' }],
      description: "the host's own Debian userland",
      notes: ['every tag runs the host\'s Debian release (see /etc/os-release)'],
      config: { cmd: ['bash'], env: [PATH] },
      requires: [BASH],
      versionPackages: ['base-files'],
      layer: () => [],
    },
    {
      name: 'ubuntu',
      match: [{ repository: 'ubuntu' }],
      description: "the host's own Debian userland in place of Ubuntu's",
      notes: ['/etc/os-release says Debian; packages come from the host'],
      config: { cmd: ['/bin/bash'], env: [PATH] },
      requires: [BASH],
      versionPackages: ['base-files'],
      layer: () => [],
    },
    {
      name: 'python',
      match: [{ repository: 'python' }],
      description: "the host's Python 3 (python3) as python and python3",
      notes: ['every tag runs the host\'s Python 3', 'pip is not included'],
      config: { cmd: ['python3'], env: [PATH, 'LANG=C.UTF-8'] },
      requires: [PYTHON, BASH],
      versionPackages: ['python3'],
      layer: () => [symlink('/usr/local/bin/python', '/usr/bin/python3'), symlink('/usr/local/bin/python3', '/usr/bin/python3')],
    },
    {
      name: 'node',
      match: [{ repository: 'node' }],
      description: "the host's Node.js with the upstream image's entrypoint",
      notes: ['every tag runs the host\'s Node.js', 'npm is included only if the host has it'],
      config: { entrypoint: ['docker-entrypoint.sh'], cmd: ['node'], env: [PATH] },
      requires: [{ path: '/usr/bin/node', package: 'nodejs' }],
      layer: () => [script('/usr/local/bin/docker-entrypoint.sh', 'node/docker-entrypoint.sh')],
    },
    {
      name: 'etcd',
      match: [
        { repository: 'quay.io/coreos/etcd', tags: ['v3.*', 'latest'] },
        { repository: 'gcr.io/etcd-development/etcd', tags: ['v3.*', 'latest'] },
        { repository: 'registry.k8s.io/etcd', tags: ['3.*'] },
      ],
      description: "Debian's etcd 3.4 as /usr/local/bin/etcd and etcdctl",
      notes: [
        'every v3 tag runs the host\'s etcd 3.4 (a v3.2 or v3.5 cluster runs as 3.4)',
        'etcdctl speaks API v3 unless ETCDCTL_API=2 (3.2\'s etcdctl defaulted to v2)',
      ],
      config: { cmd: ['/usr/local/bin/etcd'], env: [PATH], exposedPorts: ['2379/tcp', '2380/tcp'] },
      requires: [
        { path: '/usr/bin/etcd', package: 'etcd-server' },
        { path: '/usr/bin/etcdctl', package: 'etcd-client' },
      ],
      versionPackages: ['etcd-server'],
      layer: () => [
        symlink('/usr/local/bin/etcd', '/usr/bin/etcd'),
        symlink('/usr/local/bin/etcdctl', '/usr/bin/etcdctl'),
        dir('/var/etcd'),
        dir('/var/lib/etcd'),
      ],
    },
    {
      name: 'mysql',
      match: [{ repository: 'mysql', tags: ['5.7', '5.7.*'] }],
      description: "MariaDB 10.11 in place of MySQL 5.7, with the upstream image's entrypoint (MYSQL_* variables, /docker-entrypoint-initdb.d) and config layout (/etc/mysql/conf.d)",
      notes: [
        'MySQL 5.7 runs as the host\'s MariaDB: the server calls itself MariaDB and has no super_read_only',
        'super-read-only in /etc/mysql/conf.d becomes read-only (root, with READ ONLY ADMIN, can still write)',
        'the server listens on 0.0.0.0; Debian\'s mariadb.conf.d (bind-address 127.0.0.1) is not read',
        'mysql and mysqladmin are MariaDB\'s clients under their MySQL names',
      ],
      config: {
        entrypoint: ['docker-entrypoint.sh'], cmd: ['mysqld'], env: [PATH, 'MYSQL_MAJOR=5.7'],
        exposedPorts: ['3306/tcp', '33060/tcp'], volumes: ['/var/lib/mysql'],
      },
      requires: [
        { path: '/usr/sbin/mariadbd', package: 'mariadb-server' },
        { path: '/usr/bin/mariadb-install-db', package: 'mariadb-server' },
        MARIADB_CLIENT,
        { path: '/usr/bin/mariadb-admin', package: 'mariadb-client' },
        { path: '/usr/bin/mariadb-tzinfo-to-sql', package: 'mariadb-client' },
        BASH, SETPRIV,
      ],
      versionPackages: ['mariadb-server'],
      layer: () => [
        file('/etc/mysql/my.cnf', readAsset('mysql/my.cnf')),
        dir('/docker-entrypoint-initdb.d'),
        dir('/var/lib/mysql', 'mysql'),
        script('/usr/local/bin/docker-entrypoint.sh', 'mysql/docker-entrypoint.sh'),
        script('/usr/local/bin/berth-mysqld-defaults', 'mysql/berth-mysqld-defaults'),
        script('/usr/sbin/mysqld', 'mysql/mysqld'),
      ],
    },
    {
      name: 'xtrabackup',
      match: [
        { repository: 'gcr.io/google-samples/xtrabackup', tags: ['1.0'] },
        { repository: 'registry.cn-beijing.aliyuncs.com/wangxiaochun/xtrabackup', tags: ['1.0'] },
      ],
      description: "the Kubernetes tutorial's backup tools: mariabackup as xtrabackup, mbstream as xbstream, ncat, the mysql client",
      notes: [
        'Percona XtraBackup 2.4 runs as the host\'s mariabackup, which copies MariaDB servers only (the catalog\'s mysql:5.7)',
        'xtrabackup_binlog_info is rewritten to two fields and xtrabackup_slave_info to one line, as XtraBackup writes them',
        'ncat as a container\'s PID 1 runs under a reaping wrapper: the host\'s ncat 7.93 miscounts reaped orphans as connections and quits (exit 2)',
      ],
      config: { cmd: ['bash'], env: [PATH] },
      requires: [
        { path: '/usr/bin/mariabackup', package: 'mariadb-backup' },
        { path: '/usr/bin/mbstream', package: 'mariadb-backup' },
        { path: '/usr/bin/ncat', package: 'ncat' },
        MARIADB_CLIENT, BASH,
      ],
      versionPackages: ['mariadb-backup'],
      layer: () => [
        file('/etc/mysql/my.cnf', readAsset('mysql/my.cnf')),
        script('/usr/local/bin/xtrabackup', 'xtrabackup/xtrabackup'),
        script('/usr/local/bin/xbstream', 'xtrabackup/xbstream'),
        script('/usr/local/bin/xtrabackup-info-compat', 'xtrabackup/xtrabackup-info-compat'),
        script('/usr/local/bin/ncat', 'xtrabackup/ncat'),
      ],
    },
    {
      name: 'berth',
      match: [{ repository: 'ghcr.io/berth-dev/berth' }],
      description: 'Berth itself, as installed on the host (`berth operator etcd --in-cluster` for the operator Deployment)',
      notes: ['every tag runs the Berth that runs the node'],
      config: { cmd: ['berth', '--help'], env: [PATH], hostPaths: [berthRoot] },
      requires: [{ path: nodeBinary, package: 'nodejs' }],
      layer: ({ host }) => [berthLauncher(host)],
    },
    {
      name: 'etcd-operator',
      match: [{ repository: 'quay.io/coreos/etcd-operator' }],
      description: "Berth's EtcdCluster operator under etcd-operator's name",
      notes: ['CoreOS\'s Go operator is not packaged; `etcd-operator` runs `berth operator etcd --in-cluster` (-cluster-wide honoured, other flags ignored)'],
      config: { cmd: ['etcd-operator'], env: [PATH], hostPaths: [berthRoot] },
      requires: [{ path: nodeBinary, package: 'nodejs' }],
      layer: ({ host }) => [berthLauncher(host), script('/usr/local/bin/etcd-operator', 'etcd-operator/etcd-operator')],
    },
  ];
  return entries.map((e) => ({ ...e, source: 'builtin' as const }));
}
