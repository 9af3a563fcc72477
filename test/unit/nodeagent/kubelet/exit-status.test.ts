// Exit codes, reasons and termination messages against containerd (Completed/Error/OOMKilled, 128+signal) and
// kubernetes kuberuntime_container.go (getTerminationMessage, readLastStringFromContainerLogs) with
// pkg/kubelet/container's limits and status_manager normalizeStatus' per-pod trimming.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  enrichMessage, exitCodeOf, exitReason, readTerminationMessageFile, terminatedState, terminationMessage,
  terminationMessageFromLogs, trimTerminationMessages,
} from '../../../../src/nodeagent/kubelet/exit-status.js';
import type { ContainerStatus, Pod } from '../../../../src/api/core.js';

let dir: string;
before(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'berth-exit-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('exit codes: the code, or 128 + signal for a signalled process (a real one killed with SIGKILL is 137)', async () => {
  assert.equal(exitCodeOf(0, null), 0);
  assert.equal(exitCodeOf(3, null), 3);
  assert.equal(exitCodeOf(null, 'SIGTERM'), 143);
  assert.equal(exitCodeOf(null, 'SIGQUIT'), 131);
  assert.equal(exitCodeOf(null, 'SIGSEGV'), 139);
  const child = spawn('sleep', ['30']);
  const ended = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(exitCodeOf(code, signal))));
  child.kill('SIGKILL');
  assert.equal(await ended, 137);
});

test('reasons: Completed for 0, Error otherwise, OOMKilled when the kernel killed it', () => {
  assert.equal(exitReason(0), 'Completed');
  assert.equal(exitReason(1), 'Error');
  assert.equal(exitReason(137), 'Error');
  assert.equal(exitReason(137, true), 'OOMKilled');
  assert.deepEqual(terminatedState({ exitCode: 137, oomKilled: true, startedAt: 'a', finishedAt: 'b', containerID: 'berth://x' }),
    { exitCode: 137, reason: 'OOMKilled', startedAt: 'a', finishedAt: 'b', containerID: 'berth://x' });
  assert.deepEqual(terminatedState({ exitCode: 128, reason: 'StartError', message: 'exec: "foo": executable file not found in $PATH' }),
    { exitCode: 128, reason: 'StartError', message: 'exec: "foo": executable file not found in $PATH' });
});

test('the termination message file: missing, small, longer than 4 KiB (its end is kept), unreadable', async () => {
  assert.deepEqual(await readTerminationMessageFile(path.join(dir, 'none')), {});
  await writeFile(path.join(dir, 'small'), 'bye\n');
  assert.deepEqual(await readTerminationMessageFile(path.join(dir, 'small')), { text: 'bye\n' });
  await writeFile(path.join(dir, 'big'), 'a'.repeat(1000) + 'b'.repeat(4096));
  assert.deepEqual(await readTerminationMessageFile(path.join(dir, 'big')), { text: 'b'.repeat(4096) });
  const r = await readTerminationMessageFile(dir);
  assert.match(r.error ?? '', new RegExp(`^Error on reading termination log ${dir}: `));
});

test('policy: File reads the file only; FallbackToLogsOnError uses the log tail for failures without a message', () => {
  const logs = () => ['starting', 'boom: cannot connect'];
  assert.equal(terminationMessage({ exitCode: 1, reason: 'Error', file: { text: 'written' }, logLines: logs }), 'written');
  assert.equal(terminationMessage({ exitCode: 1, reason: 'Error', file: {}, logLines: logs }), '', 'File policy never reads logs');
  const fb = 'FallbackToLogsOnError';
  assert.equal(terminationMessage({ exitCode: 1, reason: 'Error', terminationMessagePolicy: fb, file: {}, logLines: logs }), 'starting\nboom: cannot connect\n');
  assert.equal(terminationMessage({ exitCode: 1, reason: 'Error', terminationMessagePolicy: fb, file: { text: '' }, logLines: logs }), 'starting\nboom: cannot connect\n');
  assert.equal(terminationMessage({ exitCode: 1, reason: 'Error', terminationMessagePolicy: fb, file: { text: 'mine' }, logLines: logs }), 'mine');
  assert.equal(terminationMessage({ exitCode: 0, reason: 'Completed', terminationMessagePolicy: fb, file: {}, logLines: logs }), '', 'success never reads logs');
  assert.equal(terminationMessage({ exitCode: 128, reason: 'ContainerCannotRun', terminationMessagePolicy: fb, file: {}, logLines: logs }), '');
  assert.equal(terminationMessage({ exitCode: 1, reason: 'Error', terminationMessagePolicy: fb, file: { error: 'Error on reading termination log x: EACCES' }, logLines: logs }), 'Error on reading termination log x: EACCES');
  assert.equal(enrichMessage('', 'msg'), 'msg');
  assert.equal(enrichMessage('runtime said', 'msg'), 'runtime said: msg');
  assert.equal(enrichMessage('runtime said', ''), 'runtime said');
});

test('the log tail: the last 80 lines, at most the last 2 KiB', () => {
  const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
  const tail = terminationMessageFromLogs(lines);
  assert.equal(tail.split('\n')[0], 'line 20');
  assert.equal(tail.split('\n').length, 81);
  const long = terminationMessageFromLogs(Array.from({ length: 10 }, (_, i) => `${i}`.repeat(500)));
  assert.equal(Buffer.byteLength(long), 2048);
  assert.ok(long.endsWith('9'.repeat(500) + '\n'));
});

test('per-pod trimming: 12 KiB split over the containers, for state and lastState', () => {
  const pod: Pod = { metadata: {}, spec: { initContainers: [{ name: 'i' }], containers: [{ name: 'a' }, { name: 'b' }] } };
  const status = (name: string, msg: string): ContainerStatus => ({
    name, ready: false, restartCount: 1, image: '', imageID: '',
    state: { terminated: { exitCode: 1, message: msg } }, lastState: { terminated: { exitCode: 1, message: msg } },
  });
  const out = trimTerminationMessages(pod, { containerStatuses: [status('a', 'x'.repeat(5000)), status('b', 'short')], initContainerStatuses: [status('i', 'y'.repeat(4096))] });
  assert.equal(out.containerStatuses![0].state!.terminated!.message!.length, 4096);
  assert.equal(out.containerStatuses![0].lastState!.terminated!.message!.length, 4096);
  assert.equal(out.containerStatuses![1].state!.terminated!.message, 'short');
  assert.equal(out.initContainerStatuses![0].state!.terminated!.message!.length, 4096);
});
