// The data dir's pid file: taken, refused while its process lives, taken over from a process that is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, lockDataDir } from '../../../src/host/data-dir-lock.js';

test('a live other process holding the dir is named; a dead one\'s file is taken over; release removes ours', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-lock-'));
  try {
    writeFileSync(join(dir, 'berth.pid'), `${process.ppid}\n`);
    assert.throws(() => lockDataDir(dir), (e: Error) => e instanceof DataDirInUseError && e.message === `data dir ${dir} is in use by berth (pid ${process.ppid})`);
    // A pid that has exited.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(dir, 'berth.pid'), `${gone}\n`);
    const lock = lockDataDir(dir);
    assert.equal(readFileSync(join(dir, 'berth.pid'), 'utf8').trim(), String(process.pid));
    lock.release();
    assert.equal(existsSync(join(dir, 'berth.pid')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
