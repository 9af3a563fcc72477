// `berth images` as a user runs it: the catalog table with what is present and what to install, a user entry
// from images.yaml, one reference explained, and an unknown one failing with the catalog's message.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { repoPath } from '../../repo-path.js';

const dataDir = mkdtempSync(join(tmpdir(), 'berth-cli-images-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

function berth(...args: string[]) {
  const r = spawnSync(process.execPath, [repoPath('dist/src/cli/main.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

writeFileSync(join(dataDir, 'images.yaml'), `
images:
  - name: legacy-tool
    match: [{ repository: example.com/legacy/tool, tags: ["1.0", "1.1"] }]
    description: a tool this host does not have
    config: { cmd: [legacy-tool] }
    requires: [{ path: /opt/legacy/bin/legacy-tool, package: legacy-tool }]
`);

test('berth images lists every entry with what it runs and whether this host has it', () => {
  const { code, out } = berth('images', '--data-dir', dataDir);
  assert.equal(code, 0);
  const lines = out.split('\n');
  assert.match(lines[0], /^NAME\s+SOURCE\s+IMAGES\s+RUNS\s+PRESENT$/);
  assert.match(out, /^legacy-tool\s+user\s+example\.com\/legacy\/tool:\{1\.0,1\.1\}\s+legacy-tool\s+no: apt-get install legacy-tool$/m);
  for (const name of ['redis', 'nginx', 'myapp', 'pod-test', 'demoapp', 'busybox', 'alpine', 'debian', 'ubuntu', 'python', 'node', 'etcd', 'mysql', 'xtrabackup', 'berth', 'etcd-operator']) {
    assert.match(out, new RegExp(`^${name}\\s+built-in\\s`, 'm'), name);
  }
  assert.match(out, /^mysql\s+built-in\s+mysql:\{5\.7,5\.7\.\*\}\s+/m);
  assert.match(out, /registry\.cn-beijing\.aliyuncs\.com\/wangxiaochun\/… = docker\.io\/library\/…/);
  assert.match(out, new RegExp(`User entries: ${join(dataDir, 'images.yaml').replace(/[.]/g, '\\.')}`));
});

test('berth images <reference> explains one image; an unknown one fails with the catalog\'s message', () => {
  const known = berth('images', '--data-dir', dataDir, 'quay.io/coreos/etcd:v3.2.16');
  assert.equal(known.code, 0);
  assert.match(known.out, /^Entry:\s+etcd \(built-in\)$/m);
  assert.match(known.out, /^Cmd:\s+\["\/usr\/local\/bin\/etcd"\]$/m);
  assert.match(known.out, /^Ports:\s+2379\/tcp, 2380\/tcp$/m);
  assert.match(known.out, /^Image ID:\s+quay\.io\/coreos\/etcd@sha256:[0-9a-f]{64}$/m);
  assert.match(known.out, /^ {2}- every v3 tag runs the host's etcd 3\.4/m);
  const missing = berth('images', '--data-dir', dataDir, 'example.com/legacy/tool:1.1');
  assert.match(missing.out, /^Present:\s+no: apt-get install legacy-tool$/m);
  const unknown = berth('images', '--data-dir', dataDir, 'example.com/nothing:1');
  assert.equal(unknown.code, 1);
  assert.match(unknown.out, /not found in Berth's image catalog .*add an entry for example\.com\/nothing to /);
});

test('a broken images.yaml is reported, not a crash', () => {
  const bad = mkdtempSync(join(tmpdir(), 'berth-cli-images-bad-'));
  try {
    writeFileSync(join(bad, 'images.yaml'), 'images:\n  - name: x\n');
    const r = berth('images', '--data-dir', bad);
    assert.equal(r.code, 1);
    assert.equal(r.err, `berth: ${join(bad, 'images.yaml')}: images[0].match: Required value\n`);
  } finally {
    rmSync(bad, { recursive: true, force: true });
  }
});
