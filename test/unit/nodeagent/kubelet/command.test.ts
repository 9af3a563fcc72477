// Command, args, environment and working directory against kubernetes ExpandContainerCommandAndArgs and containerd's
// WithProcessArgs / oci.WithEnv (the Docker rules of define-command-argument-container.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  containerProcess, expandCommandOnlyStatic, processArgs, replaceOrAppendEnv, stopSignal, type ImageProcessConfig,
} from '../../../../src/nodeagent/kubelet/command.js';

const redis: ImageProcessConfig = { entrypoint: ['docker-entrypoint.sh'], cmd: ['redis-server'], env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'REDIS_VERSION=7.0.15'], workingDir: '/data' };
const busybox: ImageProcessConfig = { cmd: ['sh'] };
const nginx: ImageProcessConfig = { entrypoint: ['/docker-entrypoint.sh'], cmd: ['nginx', '-g', 'daemon off;'], stopSignal: 'SIGQUIT' };

test('command replaces ENTRYPOINT and drops CMD; args alone follow ENTRYPOINT; neither gives ENTRYPOINT + CMD', () => {
  assert.deepEqual(processArgs(['redis-server', '--appendonly', 'yes'], [], redis), ['redis-server', '--appendonly', 'yes']);
  assert.deepEqual(processArgs(['redis-server'], ['--port', '7000'], redis), ['redis-server', '--port', '7000']);
  assert.deepEqual(processArgs([], ['--appendonly', 'yes'], redis), ['docker-entrypoint.sh', '--appendonly', 'yes']);
  assert.deepEqual(processArgs([], [], redis), ['docker-entrypoint.sh', 'redis-server']);
  assert.deepEqual(processArgs([], ['nslookup', 'nginx'], busybox), ['nslookup', 'nginx'], 'kubectl run busybox -- nslookup');
  assert.deepEqual(processArgs([], [], busybox), ['sh']);
  assert.deepEqual(processArgs([], [], { entrypoint: [''], cmd: ['x'] }), ['x'], 'ENTRYPOINT [""] is no entrypoint');
  assert.throws(() => processArgs([], [], {}), { message: 'no command specified' });
});

test('$(VAR) in command and args expands from the container environment; $$ escapes; unknown stays', () => {
  const p = containerProcess(
    { name: 'etcd', command: ['/bin/sh', '-ec'], args: ['exec etcd --name $(POD_NAME) --cost $$(x) --x $(NOPE)'] },
    busybox, [{ name: 'POD_NAME', value: 'etcd-0' }], 'etcd-0');
  assert.deepEqual(p.argv, ['/bin/sh', '-ec', 'exec etcd --name etcd-0 --cost $(x) --x $(NOPE)']);
});

test('environment: default PATH, HOSTNAME, image env, then container env overriding in place', () => {
  const p = containerProcess({ name: 'r', command: ['redis-server'] }, redis,
    [{ name: 'REDIS_VERSION', value: 'mine' }, { name: 'EXTRA', value: '1' }], 'redis-0');
  assert.deepEqual(p.env, ['PATH=/usr/local/bin:/usr/bin:/bin', 'HOSTNAME=redis-0', 'REDIS_VERSION=mine', 'EXTRA=1']);
  const plain = containerProcess({ name: 'b', args: ['sleep', '3600'] }, busybox, [], 'b');
  assert.deepEqual(plain.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=b']);
  assert.deepEqual(replaceOrAppendEnv(['A=1', 'B=2'], ['B', 'C=3', 'A=9']), ['A=9', 'C=3'], 'a bare key unsets');
});

test('working directory: the container, else the image WORKDIR, else /', () => {
  assert.equal(containerProcess({ name: 'r', command: ['x'] }, redis, [], 'h').cwd, '/data');
  assert.equal(containerProcess({ name: 'r', command: ['x'], workingDir: '/srv' }, redis, [], 'h').cwd, '/srv');
  assert.equal(containerProcess({ name: 'b', command: ['x'] }, busybox, [], 'h').cwd, '/');
});

test('exec probes and hooks expand only literal env values', () => {
  assert.deepEqual(expandCommandOnlyStatic(['sh', '-c', 'echo $(A) $(B) $(C)'], [
    { name: 'A', value: 'a' }, { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  ]), ['sh', '-c', 'echo a  $(C)']);
});

test('stop signal: image STOPSIGNAL, else SIGTERM', () => {
  assert.equal(stopSignal(nginx), 'SIGQUIT');
  assert.equal(stopSignal({ stopSignal: 'quit' }), 'SIGQUIT');
  assert.equal(stopSignal(redis), 'SIGTERM');
});
