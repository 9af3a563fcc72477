// The labs' OrderedReady check reads a pod watch: each pod must have been created while the pod before it existed
// and was Ready, as the API server ordered the events. kubectl here is a script replaying a watch stream the test
// writes; the flap case is what CI hit with timestamps (mysql-0's probe failed after mysql-1 was created, so its
// Ready condition's time moved past mysql-1's creation).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createdInOrder, PodWatch } from '../../../examples/lib/checks.js';
import { Lab, LabError } from '../../../examples/lib/lab.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-lab-order-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const kubectl = join(dir, 'kubectl');
writeFileSync(kubectl, `#!/bin/sh
case "$*" in
  *limit=1*) echo '{"kind":"PodList","metadata":{"resourceVersion":"7"},"items":[]}' ;;
  *watch=1*resourceVersion=7*) cat "${dir}/watch.jsonl"; sleep 600 ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
`);
chmodSync(kubectl, 0o755);

type Step = [type: 'ADDED' | 'MODIFIED' | 'DELETED', name: string, ready: boolean, readySince?: string];
const event = ([type, name, ready, readySince]: Step) => JSON.stringify({
  type, object: { metadata: { name, uid: `${name}-uid` }, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: readySince }] } },
});

async function check(steps: Step[], pods: string[]): Promise<void> {
  writeFileSync(join(dir, 'watch.jsonl'), `${steps.map(event).join('\n')}\n`);
  const lab = new Lab({ name: 'redis', title: 'unit', run: async () => {} }, { kubeconfig: join(dir, 'kubeconfig'), home: dir, path: [dir] });
  const watch = await PodWatch.start(lab);
  try {
    await createdInOrder(lab, watch, pods);
  } finally {
    watch.stop();
  }
}

const PODS = ['web-0', 'web-1', 'web-2'];

test('each pod created once the one before it was Ready passes', async () => {
  await check([
    ['ADDED', 'web-0', false], ['MODIFIED', 'web-0', true], ['ADDED', 'web-1', false], ['MODIFIED', 'web-1', true],
    ['ADDED', 'web-2', false], ['MODIFIED', 'web-2', true],
  ], PODS);
});

test('a pod whose readiness flapped after the next one was created still passes', async () => {
  await check([
    ['ADDED', 'web-0', false], ['MODIFIED', 'web-0', true], ['ADDED', 'web-1', false], ['MODIFIED', 'web-0', false],
    ['MODIFIED', 'web-0', true], ['MODIFIED', 'web-1', true], ['ADDED', 'web-2', false], ['MODIFIED', 'web-2', true],
  ], PODS);
});

test('a pod created before the one before it was Ready fails, naming both', async () => {
  await assert.rejects(check([
    ['ADDED', 'web-0', false], ['ADDED', 'web-1', false], ['MODIFIED', 'web-0', true], ['MODIFIED', 'web-1', true],
    ['ADDED', 'web-2', false], ['MODIFIED', 'web-2', true],
  ], PODS), (e) => e instanceof LabError && /web-1 was created while web-0 was not Ready/.test(e.message));
});

test('a pod created while the one before it was gone fails', async () => {
  await assert.rejects(check([
    ['ADDED', 'web-0', false], ['MODIFIED', 'web-0', true], ['ADDED', 'web-1', false], ['MODIFIED', 'web-1', true],
    ['DELETED', 'web-1', true], ['ADDED', 'web-2', false], ['ADDED', 'web-1', false], ['MODIFIED', 'web-1', true],
  ], PODS), (e) => e instanceof LabError && /web-2 was created while web-1 was absent/.test(e.message));
});

test('the last creation counts: a pod re-created after a scale-down is checked against its predecessor then', async () => {
  await check([
    ['ADDED', 'web-0', false], ['MODIFIED', 'web-0', true], ['ADDED', 'web-1', false], ['MODIFIED', 'web-1', true],
    ['DELETED', 'web-1', true], ['ADDED', 'web-1', false], ['MODIFIED', 'web-1', true], ['ADDED', 'web-2', false],
  ], PODS);
  await assert.rejects(check([
    ['ADDED', 'web-0', false], ['MODIFIED', 'web-0', true], ['ADDED', 'web-1', false], ['MODIFIED', 'web-1', true],
    ['ADDED', 'web-2', false], ['DELETED', 'web-2', true], ['MODIFIED', 'web-1', false], ['ADDED', 'web-2', false],
  ], PODS), (e) => e instanceof LabError && /web-2 was created while web-1 was not Ready/.test(e.message));
});

test('a Ready condition whose lastTransitionTime moves while it stays True fails (the kubelet keeps it)', async () => {
  await assert.rejects(check([
    ['ADDED', 'web-0', false, 'T0'], ['MODIFIED', 'web-0', true, 'T1'], ['ADDED', 'web-1', false, 'T2'], ['MODIFIED', 'web-0', true, 'T3'],
    ['MODIFIED', 'web-1', true, 'T4'], ['ADDED', 'web-2', false, 'T5'],
  ], PODS), (e) => e instanceof LabError && /web-0's Ready condition moved its lastTransitionTime from T1 to T3 while it stayed True/.test(e.message));
});
