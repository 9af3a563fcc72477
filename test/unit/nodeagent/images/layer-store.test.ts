// Where layer paths land on a host whose directories are symlinks (Debian 12's merged /usr, /var/run → /run), and
// the content address of a layer.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { layerDigest, materializeLayer, resolveOnHost } from '../../../../src/nodeagent/images/layer-store.js';
import { FakeHost } from './fake-host.js';

let host: FakeHost;
beforeEach(() => {
  host = new FakeHost();
});
afterEach(() => host.close());

test('container paths follow the host\'s symlinked parent directories, not the last component', () => {
  assert.equal(resolveOnHost(host.root, '/bin/sh'), '/usr/bin/sh');
  assert.equal(resolveOnHost(host.root, '/sbin/ifconfig'), '/usr/sbin/ifconfig');
  assert.equal(resolveOnHost(host.root, '/var/run/mysqld/mysqld.sock'), '/run/mysqld/mysqld.sock');
  assert.equal(resolveOnHost(host.root, '/var/run'), '/var/run', 'the link itself is replaced, not followed');
  assert.equal(resolveOnHost(host.root, '/etc/mysql/../nginx/nginx.conf'), '/etc/nginx/nginx.conf');
  assert.equal(resolveOnHost(host.root, '/new/dir/file'), '/new/dir/file');
});

test('the digest covers content, paths, modes and owners; equal layers share one directory', () => {
  const cacheDir = `${host.dataDir}/layers`;
  const a = [{ type: 'file' as const, path: '/etc/app.conf', content: 'x=1\n' }];
  const d1 = layerDigest(a, host.root);
  assert.equal(d1.sizeBytes, 4);
  assert.notEqual(layerDigest([{ ...a[0], content: 'x=2\n' }], host.root).digest, d1.digest);
  assert.notEqual(layerDigest([{ ...a[0], mode: 0o600 }], host.root).digest, d1.digest);
  assert.notEqual(layerDigest([{ ...a[0], owner: 'redis' }], host.root).digest, d1.digest);
  assert.notEqual(layerDigest([{ ...a[0], path: '/etc/other.conf' }], host.root).digest, d1.digest);
  const m1 = materializeLayer(a, { cacheDir, hostRoot: host.root });
  const m2 = materializeLayer([{ type: 'file', path: '/etc/app.conf', content: Buffer.from('x=1\n') }], { cacheDir, hostRoot: host.root });
  assert.equal(m1.dir, m2.dir);
  assert.equal(m1.digest, d1.digest);
  assert.throws(() => materializeLayer([{ type: 'file', path: '/x', content: '', owner: 'nobody-here' }], { cacheDir, hostRoot: host.root }),
    /user "nobody-here" is not in the host's \/etc\/passwd/);
  assert.throws(() => materializeLayer([{ type: 'file', path: '/a', content: '' }, { type: 'file', path: '/a/b', content: '' }], { cacheDir, hostRoot: host.root }),
    /layer path \/a is both a directory and a file/);
});
