// berth-run's relay killed right after it forked, before the machine ran the child: the child must not go on to run
// its program (a kubectl killed just as its exec started left `sleep 300` in the pod). PR_SET_PDEATHSIG fires only for
// a parent that dies after it is armed, so the child checks for a relay that is gone already. `forkstall` makes the
// late child deterministic. Needs only the helper binary (no root: no namespaces are joined).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { helperAvailable, launch } from '../../../../src/nodeagent/process/helper.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Host pids whose command line is exactly `argv`. */
function processesRunning(argv: string[]): number[] {
  const want = argv.join('\0');
  const found: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0$/, '') === want) found.push(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

test('a relay killed before its child ran leaves no program behind', { skip: !helperAvailable() && 'berth-run is not built (Linux only)' }, async () => {
  const marker = (300 + Math.random()).toFixed(6);
  const argv = ['sleep', marker];
  const launched = launch(['forkstall', '400', 'fork', 'exec', String(argv.length), ...argv], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  launched.exited.catch(() => {});
  launched.started.catch(() => {});
  await sleep(100); // forked; the child is still stalled before arming its parent-death signal
  launched.kill('SIGKILL');
  await launched.exited;
  await sleep(900); // the child wakes up (at 400 ms) and would exec now
  const left = processesRunning(argv);
  for (const pid of left) process.kill(pid, 'SIGKILL');
  assert.deepEqual(left, [], 'the orphaned child ran its program');
});

test('a relay that lives on still runs the program after the stall', { skip: !helperAvailable() && 'berth-run is not built (Linux only)' }, async () => {
  const launched = launch(['forkstall', '200', 'fork', 'exec', '3', 'sh', '-c', 'echo ran'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  let out = '';
  launched.stdout?.on('data', (d) => { out += d; });
  assert.equal((await launched.exited).exitCode, 0);
  assert.equal(out, 'ran\n');
});
