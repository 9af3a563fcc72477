// Image references as distribution/reference reads them: normalisation of every form the seeds use, familiar
// names, and upstream's error texts for references the kubelet rejects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canonicalString, familiarName, imageID, imageNameError, normalizeImage, parseImageReference, repositoryOf,
} from '../../../../src/nodeagent/images/reference.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

test('every reference form normalises as containerd reports it', () => {
  const cases: [string, string, string][] = [
    ['redis:7.0', 'docker.io/library/redis:7.0', 'redis'],
    ['redis', 'docker.io/library/redis:latest', 'redis'],
    ['docker.io/library/redis', 'docker.io/library/redis:latest', 'redis'],
    ['index.docker.io/library/redis:7.0', 'docker.io/library/redis:7.0', 'redis'],
    [`redis@${DIGEST}`, `docker.io/library/redis@${DIGEST}`, 'redis'],
    [`redis:7.0@${DIGEST}`, `docker.io/library/redis:7.0@${DIGEST}`, 'redis'],
    ['ikubernetes/myapp:v1', 'docker.io/ikubernetes/myapp:v1', 'ikubernetes/myapp'],
    ['registry.cn-beijing.aliyuncs.com/wangxiaochun/nginx:1.20.0', 'registry.cn-beijing.aliyuncs.com/wangxiaochun/nginx:1.20.0', 'registry.cn-beijing.aliyuncs.com/wangxiaochun/nginx'],
    ['quay.io/coreos/etcd:v3.2.16', 'quay.io/coreos/etcd:v3.2.16', 'quay.io/coreos/etcd'],
    ['localhost/app', 'localhost/app:latest', 'localhost/app'],
    ['localhost:5000/team/app:1', 'localhost:5000/team/app:1', 'localhost:5000/team/app'],
    ['[::1]:5000/app:dev', '[::1]:5000/app:dev', '[::1]:5000/app'],
    ['busybox:1.28.0-glibc', 'docker.io/library/busybox:1.28.0-glibc', 'busybox'],
  ];
  for (const [input, canonical, familiar] of cases) {
    const ref = parseImageReference(input);
    assert.equal(canonicalString(ref), canonical, input);
    assert.equal(familiarName(ref), familiar, input);
    assert.equal(normalizeImage(input), canonical, input);
  }
  const r = parseImageReference(`quay.io/coreos/etcd:v3.2.16@${DIGEST}`);
  assert.deepEqual(r, { domain: 'quay.io', path: 'coreos/etcd', tag: 'v3.2.16', digest: DIGEST });
  assert.equal(repositoryOf(r), 'quay.io/coreos/etcd');
});

test('invalid references get the kubelet\'s words', () => {
  const cases: [string, string][] = [
    ['Redis:7', 'couldn\'t parse image name "Redis:7": invalid reference format: repository name (library/Redis) must be lowercase'],
    ['ACTOKEY', 'couldn\'t parse image name "ACTOKEY": invalid reference format: repository name (library/ACTOKEY) must be lowercase'],
    ['ko://github.com/x/y', 'couldn\'t parse image name "ko://github.com/x/y": invalid reference format'],
    ['redis:', 'couldn\'t parse image name "redis:": invalid reference format'],
    ['Task2  nginx', 'couldn\'t parse image name "Task2  nginx": invalid reference format: repository name (library/Task2  nginx) must be lowercase'],
    ['redis@sha256:abc', 'couldn\'t parse image name "redis@sha256:abc": invalid reference format'],
    [`redis@sha256:${'a'.repeat(63)}`, `couldn't parse image name "redis@sha256:${'a'.repeat(63)}": invalid checksum digest length`],
    [`redis@md5:${'a'.repeat(32)}`, `couldn't parse image name "redis@md5:${'a'.repeat(32)}": unsupported digest algorithm`],
    ['a'.repeat(64), `couldn't parse image name "${'a'.repeat(64)}": invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
    [`r/${'a'.repeat(260)}`, `couldn't parse image name "r/${'a'.repeat(260)}": repository name must not be more than 255 characters`],
  ];
  for (const [input, message] of cases) assert.equal(imageNameError(input), message, input);
  assert.equal(imageNameError('redis:7.0'), undefined);
  // The lenient normaliser (status.image) leaves what it cannot parse alone.
  assert.equal(normalizeImage('Redis:7'), 'Redis:7');
  assert.equal(normalizeImage(''), '');
});

test('imageID of an uncatalogued image is stable and content-free', () => {
  const a = imageID('docker.io/library/nginx:1.27');
  assert.match(a, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.equal(imageID('docker.io/library/nginx:1.27'), a);
  assert.notEqual(imageID('docker.io/library/nginx:1.28'), a);
  assert.equal(imageID(`docker.io/library/nginx@${DIGEST}`), `docker.io/library/nginx@${DIGEST}`);
});
