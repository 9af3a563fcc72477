// The service proxy's table over a Berth's life: there while it runs (and the Service range routed to the bridge),
// gone after Ctrl-C; after kill -9 it stays until the next start on the same data dir replaces it. Without
// nftables, `berth up --runtime process` refuses to start and says which package to install.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findProgram } from '../../../src/networking/command.js';
import { applyYaml, eventually, hostLeftovers, instanceId, kubectlOk, needsRealPods, RealCluster, startRealCluster, waitReady } from '../process/harness.js';
import { backendPod } from './support.js';

const CLI = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));

const tableOf = (c: RealCluster) => `berth-${instanceId(c)}`;
function tableExists(c: RealCluster): boolean {
  try {
    execFileSync('nft', ['list', 'table', 'inet', tableOf(c)], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
/** The `nft monitor` and `nft -i` processes this Berth started (they die with it, through the parent-death signal). */
const nftHelpers = (pid: number) => execFileSync('ps', ['-eo', 'pid,ppid,args'], { encoding: 'utf8' }).split('\n')
  .filter((l) => /\/nft (monitor|-i)$/.test(l) && l.trim().split(/\s+/)[1] === String(pid)).map((l) => l.trim().split(/\s+/));
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

test('the table is there while Berth runs, gone after Ctrl-C; after kill -9 the next start replaces it and serves again', { timeout: 240_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  const c = await startRealCluster();
  try {
    assert.ok(tableExists(c), 'table while running');
    assert.match(execFileSync('ip', ['-4', 'route', 'show', c.serviceCidr], { encoding: 'utf8' }), new RegExp(`dev berth${instanceId(c)}`), 'the Service range goes to the bridge');
    await applyYaml(c, `${backendPod('web-0', { app: 'web' })}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`);
    await waitReady(c, 'default', 'web-0', 90_000);
    const clusterIP = (await kubectlOk(c, ['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const get = () => execFileSync('curl', ['-sS', '--max-time', '3', `http://${clusterIP}/`], { encoding: 'utf8' });
    /** The ClusterIP's answer once it comes; a failure says which step and what curl said last. */
    const served = async (step: string) => {
      let last = '';
      try {
        return await eventually(() => { try { return get(); } catch (e) { last = String((e as { stderr?: unknown }).stderr ?? e); return undefined; } }, 30_000, 100);
      } catch {
        throw new Error(`${step}: ${clusterIP} did not answer in 30 s; curl: ${last}; table:\n${tableExists(c) ? execFileSync('nft', ['list', 'table', 'inet', tableOf(c)], { encoding: 'utf8' }).slice(0, 3000) : '(none)'}`);
      }
    };
    assert.match(await served('before the crash'), /^web-0 /);
    const helpers = nftHelpers(c.proc.pid!);
    assert.deepEqual(helpers.map((h) => h.at(-1)).sort(), ['-i', 'monitor'], 'one nft monitor, one nft -i');

    await c.kill();
    assert.ok(tableExists(c), 'kill -9 cannot remove the table');
    await eventually(() => helpers.every((h) => !alive(Number(h[0]))), 5_000, 50);

    const again = await startRealCluster({ dataDir: c.dataDir, ranges: { clusterCidr: c.clusterCidr, serviceCidr: c.serviceCidr } });
    try {
      await waitReady(again, 'default', 'web-0', 90_000);
      assert.match(await served('after the restart'), /^web-0 /);
      const listed = execFileSync('nft', ['list', 'table', 'inet', tableOf(c)], { encoding: 'utf8' });
      assert.equal(listed.match(/chain nat-prerouting/g)?.length, 1, 'one table, rewritten whole');
    } finally {
      await again.stop();
    }
    assert.equal(tableExists(c), false, 'no table after Ctrl-C');
    assert.deepEqual(hostLeftovers(c), { processes: 0, mounts: [], links: [], cgroups: [], routes: [] });
    assert.equal(execFileSync('ip', ['-4', 'route', 'show', c.serviceCidr], { encoding: 'utf8' }).trim(), '', 'no route left for the Service range');
  } finally {
    await c.kill().catch(() => {});
    if (tableExists(c)) execFileSync('nft', ['delete', 'table', 'inet', tableOf(c)]);
    c.cleanup();
  }
});

test('without nftables `berth up --runtime process` refuses to start and names the package', { timeout: 60_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  const nft = findProgram('nft');
  if (!nft) return t.skip('nft is not installed here: nothing to hide');
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-e2e-nonft-'));
  try {
    // nft hidden in a mount namespace of this one command: a file that cannot be executed lies over it
    const script = `mount --bind /dev/null ${nft} && exec "$@"`;
    const proc = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', process.execPath, CLI, 'up', '--data-dir', dataDir, '--port', '0', '--runtime', 'process',
      '--cluster-cidr', '10.99.0.0/17', '--service-cidr', '10.99.128.0/17'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => { stderr += d; });
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    assert.notEqual(code, 0);
    assert.match(stderr, /--runtime process: process runtime needs nftables for Services \(apt-get install nftables\)/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
