// The lab runner's guard that nothing in a lab is simulated: a node of another runtime or a pod whose container is
// not a process (Berth's simulated runtime gives IDs berth-sim://) fails the lab, before its steps, at its end and
// after every Berth restart. kubectl here is a script answering from a file the test writes.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LabDefinition, LabError, runLab } from '../../../examples/lib/lab.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-lab-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const kubectl = join(dir, 'kubectl');
writeFileSync(kubectl, `#!/bin/sh
case "$*" in
  "get nodes -o json") cat "${dir}/nodes.json" ;;
  "get pods --all-namespaces -o json") cat "${dir}/pods.json" ;;
  "get --raw /readyz") echo ok ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
`);
chmodSync(kubectl, 0o755);

function cluster(runtime: string, containerIDs: string[]): void {
  writeFileSync(join(dir, 'nodes.json'), JSON.stringify({ items: [{ metadata: { name: 'node-1' }, status: { nodeInfo: { containerRuntimeVersion: `${runtime}://0.1.0` } } }] }));
  writeFileSync(join(dir, 'pods.json'), JSON.stringify({
    items: containerIDs.map((id, i) => ({ metadata: { namespace: 'default', name: `pod-${i}` }, status: { containerStatuses: [{ containerID: id }] } })),
  }));
}

const options = (restart?: () => Promise<void>) => ({ kubeconfig: join(dir, 'kubeconfig'), home: dir, path: [dir], restart });
const steps = (run: LabDefinition['run']): LabDefinition => ({ name: 'redis', title: 'unit', run });

test('a lab on real pods runs; a restart that keeps them real passes', async () => {
  cluster('berth', ['berth://1', 'berth://2']);
  let restarted = 0;
  const lab = await runLab(steps(async (l) => { await l.restartBerth(); }), options(async () => { restarted++; }));
  assert.equal(restarted, 1);
  assert.equal(lab.skipped.size, 0);
});

test('a pod under the simulated runtime fails the lab, naming the pod', async () => {
  cluster('berth', ['berth://1', 'berth-sim://2']);
  await assert.rejects(runLab(steps(async () => {}), options()), (e: unknown) => e instanceof LabError && /pod default\/pod-1 has a simulated container \(berth-sim:\/\/2\)/.test(e.message));
});

test('a node of the simulated runtime fails the lab before its steps run', async () => {
  cluster('berth-sim', []);
  let ran = false;
  await assert.rejects(runLab(steps(async () => { ran = true; }), options()), (e: unknown) => e instanceof LabError && /node node-1 runs berth-sim:\/\/0\.1\.0/.test(e.message));
  assert.equal(ran, false);
});

test('a pod that turns simulated across a Berth restart fails the lab at the restart', async () => {
  cluster('berth', ['berth://1']);
  let after = false;
  const lab = steps(async (l) => {
    await l.restartBerth();
    after = true;
  });
  await assert.rejects(runLab(lab, options(async () => cluster('berth', ['berth-sim://1']))), /simulated container/);
  assert.equal(after, false);
});
