// The atomic writer against kubernetes pkg/volume/util/atomic_writer.go (and atomic_writer_test.go's cases): the
// `..data` layout, updates through `..data_tmp`, stale links and directories removed, modes, nested paths.
import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readFile, readlink, readdir, rm, stat, symlink, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { AtomicWriter, validatePayloadPath, type Payload } from '../../../../src/nodeagent/kubelet/atomic-writer.js';

let root: string;
before(async () => { root = await mkdtemp(path.join(os.tmpdir(), 'berth-aw-')); });
after(async () => { await rm(root, { recursive: true, force: true }); });

let n = 0;
async function volume(): Promise<string> {
  const dir = path.join(root, `v${n++}`);
  await mkdir(dir);
  return dir;
}

const p = (entries: Record<string, string | [string, number]>): Payload =>
  new Map(Object.entries(entries).map(([k, v]) => [k, typeof v === 'string' ? { data: v, mode: 0o644 } : { data: v[0], mode: v[1] }]));

const TS_DIR = /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$/;

test('first write: a timestamped directory, ..data linking to it, one link per top-level name, exact modes', async () => {
  const dir = await volume();
  const w = new AtomicWriter(dir, { now: () => new Date(Date.UTC(2016, 1, 1, 15, 4, 5)) });
  assert.equal(await w.write(p({ podName: 'web-0', 'user/labels': ['app="web"', 0o400], 'k8s/annotations/x': 'y' })), true);
  const names = (await readdir(dir)).sort();
  const ts = names.find((x) => TS_DIR.test(x))!;
  assert.match(ts, /^\.\.2016_02_01_15_04_05\.\d+$/);
  assert.deepEqual(names, [ts, '..data', 'k8s', 'podName', 'user'].sort());
  assert.equal(await readlink(path.join(dir, '..data')), ts);
  assert.equal(await readlink(path.join(dir, 'podName')), '..data/podName');
  assert.equal(await readlink(path.join(dir, 'user')), '..data/user');
  assert.equal(await readFile(path.join(dir, 'user/labels'), 'utf8'), 'app="web"');
  assert.equal(await readFile(path.join(dir, 'k8s/annotations/x'), 'utf8'), 'y');
  assert.equal((await stat(path.join(dir, ts))).mode & 0o777, 0o755);
  assert.equal((await stat(path.join(dir, 'user/labels'))).mode & 0o777, 0o400);
  assert.equal((await stat(path.join(dir, 'podName'))).mode & 0o777, 0o644);
});

test('update: new data directory swapped in, removed keys lose their links, old directory deleted', async () => {
  const dir = await volume();
  const w = new AtomicWriter(dir);
  await w.write(p({ a: '1', 'b/c': '2', keep: 'k' }));
  const first = await readlink(path.join(dir, '..data'));
  await w.write(p({ a: '1-new', keep: 'k', 'd/e/f': '3' }));
  const second = await readlink(path.join(dir, '..data'));
  assert.notEqual(first, second);
  assert.deepEqual((await readdir(dir)).sort(), [second, '..data', 'a', 'd', 'keep'].sort());
  assert.equal(await readFile(path.join(dir, 'a'), 'utf8'), '1-new');
  assert.equal(await readFile(path.join(dir, 'd/e/f'), 'utf8'), '3');
  await assert.rejects(lstat(path.join(dir, first)), { code: 'ENOENT' });
  // as upstream, a path that was a directory cannot become a file (reading it for comparison fails)
  await assert.rejects(w.write(p({ a: '1-new', keep: 'k', 'd/e': 'now a file' })), { code: 'EISDIR' });
  assert.equal(await readlink(path.join(dir, '..data')), second, 'the volume is unchanged');
});

test('same data: nothing is rewritten, a missing link is put back', async () => {
  const dir = await volume();
  const w = new AtomicWriter(dir);
  await w.write(p({ a: '1', b: '2' }));
  const ts = await readlink(path.join(dir, '..data'));
  await unlink(path.join(dir, 'b'));
  assert.equal(await w.write(p({ a: '1', b: '2' })), false);
  assert.equal(await readlink(path.join(dir, '..data')), ts);
  assert.equal(await readFile(path.join(dir, 'b'), 'utf8'), '2');
  // a mode change alone does not rewrite, as upstream
  assert.equal(await w.write(p({ a: ['1', 0o600], b: '2' })), false);
});

test('setPerms runs on the new directory before it is published; a stale ..data_tmp does not block', async () => {
  const dir = await volume();
  const w = new AtomicWriter(dir);
  await w.write(p({ a: 'old' }));
  await symlink('..nowhere', path.join(dir, '..data_tmp'));
  let seen = '';
  await w.write(p({ a: 'new' }), async (tsDirName) => {
    seen = tsDirName;
    assert.match(tsDirName, TS_DIR);
    assert.equal(await readFile(path.join(dir, tsDirName, 'a'), 'utf8'), 'new');
    assert.equal(await readFile(path.join(dir, 'a'), 'utf8'), 'old', 'not visible yet');
  });
  assert.equal(await readlink(path.join(dir, '..data')), seen);
  assert.equal(await readFile(path.join(dir, 'a'), 'utf8'), 'new');
  await assert.rejects(lstat(path.join(dir, '..data_tmp')), { code: 'ENOENT' });
});

test('payload paths are validated with upstream texts (TestValidatePath)', async () => {
  for (const ok of ['i/am/well/behaved.txt', 'keys', 'a/x/c', 'a..b', 'dot/..dotted', `${'a'.repeat(255)}`]) {
    validatePayloadPath(ok);
  }
  const bad: [string, string][] = [
    ['', 'invalid path: must not be empty: ""'],
    ['..', "invalid path: must not contain '..': .."],
    ['/absolute', 'invalid path: must be relative path: /absolute'],
    ['a/../b', "invalid path: must not contain '..': a/../b"],
    ['..dot', "invalid path: must not start with '..': ..dot"],
    ['..data', "invalid path: must not start with '..': ..data"],
    ['a'.repeat(256), 'invalid path: filenames must be less than or equal to 255 characters'],
    ['a/'.repeat(2049), 'invalid path: must be less than or equal to 4096 characters'],
  ];
  for (const [path_, message] of bad) assert.throws(() => validatePayloadPath(path_), { message }, path_);
  const dir = await volume();
  await assert.rejects(new AtomicWriter(dir).write(p({ 'ok': '1', '../escape': 'x' })), { message: "invalid path: must not contain '..': ../escape" });
  assert.deepEqual(await readdir(dir), [], 'nothing written');
});
