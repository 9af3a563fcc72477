// One server per data dir, said plainly: `berth up` records its pid in <data-dir>/berth.pid, and a second one on
// the same dir stops with `data dir <dir> is in use by berth (pid N)` instead of SQLite's `database is locked`
// (the store's exclusive lock still guards the file itself). A file left by a process that is gone (kill -9) is
// taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface DataDirLock {
  release(): void;
}

export class DataDirInUseError extends Error {}

export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(dataDir, 'berth.pid');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      // The same process (an in-process restart) or a live other one.
      if (pid === process.pid) break;
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new DataDirInUseError(`data dir ${dataDir} is in use by berth (pid ${pid})`);
      rmSync(file, { force: true });
    }
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) rmSync(file, { force: true });
      } catch {
        // already gone
      }
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
