// A fake host root for catalog tests: Debian 12's merged /usr (/bin → usr/bin), /var/run → /run, users redis and
// mysql, a dpkg status file, and whichever programs a test installs.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { builtinEntries } from '../../../../src/nodeagent/images/builtin.js';
import type { HostFacts } from '../../../../src/nodeagent/images/types.js';

export class FakeHost {
  readonly root = mkdtempSync(join(tmpdir(), 'berth-fake-host-'));
  readonly dataDir = mkdtempSync(join(tmpdir(), 'berth-fake-data-'));
  private packages = new Map<string, string>();
  private statusWrites = 0;

  constructor() {
    for (const d of ['usr/bin', 'usr/sbin', 'usr/local/bin', 'etc', 'run', 'var/lib/dpkg', 'var/log']) mkdirSync(join(this.root, d), { recursive: true });
    chmodSync(join(this.root, 'var/log'), 0o751);
    symlinkSync('usr/bin', join(this.root, 'bin'));
    symlinkSync('usr/sbin', join(this.root, 'sbin'));
    symlinkSync('/run', join(this.root, 'var/run'));
    writeFileSync(join(this.root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nredis:x:104:107::/var/lib/redis:/usr/sbin/nologin\nmysql:x:102:105::/nonexistent:/bin/false\n');
    writeFileSync(join(this.root, 'etc/group'), 'root:x:0:\nredis:x:107:\nmysql:x:105:\n');
    this.writeStatus();
  }

  facts(): HostFacts {
    return {
      root: this.root,
      busyboxApplets: () => ['/bin/sh', '/bin/ls', '/sbin/ifconfig', '/usr/bin/wget', '/bin/busybox'],
      berthCommand: () => ({ node: '/usr/bin/node', main: '/opt/berth/dist/src/cli/main.js', root: '/opt/berth' }),
    };
  }

  /** Installs executables (`/usr/bin/redis-server`…) and records package versions in dpkg's status file. */
  install(paths: string[], packages: Record<string, string> = {}): void {
    for (const p of paths) {
      const file = join(this.root, p);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, '#!/bin/sh\n');
      chmodSync(file, 0o755);
    }
    for (const [k, v] of Object.entries(packages)) this.packages.set(k, v);
    this.writeStatus();
  }

  /** Every program every built-in entry needs. */
  installEverything(): void {
    const paths = new Set(builtinEntries(this.facts()).flatMap((e) => e.requires.map((r) => r.path)));
    this.install([...paths], { 'redis-server': '5:7.0.15-1~deb12u10', 'mariadb-server': '1:10.11.19-0+deb12u1', 'etcd-server': '3.4.23-4+b4' });
  }

  remove(path: string): void {
    rmSync(join(this.root, path), { force: true });
  }

  private writeStatus(): void {
    const stanzas = [...this.packages].map(([p, v]) => `Package: ${p}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${v}\n`);
    const file = join(this.root, 'var/lib/dpkg/status');
    writeFileSync(file, stanzas.join('\n'));
    // dpkg's status is cached by mtime: make every write visible.
    const t = new Date(Date.now() + ++this.statusWrites * 1000);
    utimesSync(file, t, t);
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
