// The instance registry under /run/berth/instances: two Berths starting at the same moment with overlapping ranges
// never both run (each looks again after writing its record). Root only: the registry is the machine's.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const INSTANCE = fileURLToPath(new URL('../../../src/networking/instance.js', import.meta.url));

/** A child that claims at `startAt` (ms since the epoch), says whether it got the claim, then holds it until told. */
function claimer(dataDir: string, clusterCidr: string, serviceCidr: string, startAt: number) {
  const script = `
    const { claimInstance, instanceNames, releaseInstance } = await import(${JSON.stringify(INSTANCE)});
    const names = instanceNames(${JSON.stringify(dataDir)});
    while (Date.now() < ${startAt}) {}
    let ok = false;
    try { claimInstance(names, ${JSON.stringify(dataDir)}, ${JSON.stringify(clusterCidr)}, ${JSON.stringify(serviceCidr)}); ok = true; } catch (e) { if (!/overlaps/.test(e.message)) throw e; }
    process.stdout.write(ok ? 'claimed\\n' : 'refused\\n');
    process.stdin.once('data', () => { if (ok) releaseInstance(names); process.exit(0); });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const answer = new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`claimer exited with ${code}`)));
  });
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { answer, release: async () => { child.stdin.end('x'); await done; } };
}

test('two Berths claiming overlapping ranges at once: never both', { skip: process.getuid?.() !== 0 && 'the instance registry under /run/berth needs root' }, async () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'berth-claim-a-')), mkdtempSync(join(tmpdir(), 'berth-claim-b-'))];
  try {
    let bothRefused = 0;
    for (let round = 0; round < 15; round++) {
      const startAt = Date.now() + 400;
      // 10.254.0.0/16 is this test's: no other test or default uses it.
      const a = claimer(dirs[0]!, '10.254.0.0/17', '10.254.128.0/17', startAt);
      const b = claimer(dirs[1]!, '10.254.64.0/18', '10.254.192.0/18', startAt);
      const answers = await Promise.all([a.answer, b.answer]);
      await Promise.all([a.release(), b.release()]);
      assert.ok(answers.filter((x) => x === 'claimed').length <= 1, `round ${round}: both claimed overlapping ranges`);
      if (!answers.includes('claimed')) bothRefused++;
    }
    assert.ok(bothRefused < 15, 'claims do get through');
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
