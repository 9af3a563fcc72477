// The kubelet's image manager over the catalog (pkg/kubelet/images/image_manager.go): pull policies, the events
// and their texts, ErrImagePull then ImagePullBackOff with a back-off of 10 s doubling, and recovery once the
// missing package is installed.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { ImageCatalog } from '../../../../src/nodeagent/images/catalog.js';
import { defaultPullPolicy, ImageManager } from '../../../../src/nodeagent/images/image-manager.js';
import { FakeHost } from './fake-host.js';

let host: FakeHost;
let now: number;
let manager: ImageManager;
beforeEach(() => {
  host = new FakeHost();
  host.installEverything();
  now = 1_000_000;
  manager = new ImageManager(new ImageCatalog({ dataDir: host.dataDir, host: host.facts() }), { now: () => now });
});
afterEach(() => host.close());

test('IfNotPresent with the programs installed: "already present on machine"', () => {
  const r = manager.ensureImageExists('pod-a', 'redis:7.0', 'IfNotPresent');
  assert.ok(r.ok);
  assert.deepEqual(r.events, [{ type: 'Normal', reason: 'Pulled', message: 'Container image "redis:7.0" already present on machine' }]);
  assert.equal(r.image.image, 'docker.io/library/redis:7.0');
  assert.match(r.image.imageID, /^docker\.io\/library\/redis@sha256:/);
});

test('Always: Pulling, then Pulled with the time and the layer size', () => {
  const r = manager.ensureImageExists('pod-a', 'nginx', undefined);
  assert.ok(r.ok);
  assert.deepEqual(r.events.map((e) => e.reason), ['Pulling', 'Pulled']);
  assert.equal(r.events[0].message, 'Pulling image "nginx"');
  assert.equal(r.events[1].message, `Successfully pulled image "nginx" in 0s (0s including waiting). Image size: ${r.image.sizeBytes} bytes.`);
});

test('Never without the programs: ErrImageNeverPull', () => {
  host.remove('/usr/bin/redis-cli');
  const r = manager.ensureImageExists('pod-a', 'redis:7.0', 'Never');
  assert.deepEqual(r, {
    ok: false, reason: 'ErrImageNeverPull', message: 'Container image "redis:7.0" is not present with pull policy of Never',
    events: [
      { type: 'Warning', reason: 'ErrImageNeverPull', message: 'Container image "redis:7.0" is not present with pull policy of Never' },
      { type: 'Warning', reason: 'Failed', message: 'Error: ErrImageNeverPull' },
    ],
  });
});

test('an invalid name: InspectFailed and InvalidImageName', () => {
  const r = manager.ensureImageExists('pod-a', 'Redis:7');
  const message = 'Failed to apply default image tag "Redis:7": couldn\'t parse image name "Redis:7": invalid reference format: repository name (library/Redis) must be lowercase';
  assert.deepEqual(r, {
    ok: false, reason: 'InvalidImageName', message,
    events: [{ type: 'Warning', reason: 'InspectFailed', message }, { type: 'Warning', reason: 'Failed', message: 'Error: InvalidImageName' }],
  });
});

test('a failed pull backs off 10 s, then 20 s; once the package is installed the image is present', () => {
  host.remove('/usr/bin/redis-server');
  const first = manager.ensureImageExists('pod-a', 'redis:7.0', 'IfNotPresent');
  assert.ok(!first.ok);
  assert.equal(first.reason, 'ErrImagePull');
  assert.match(first.message, /this host lacks \/usr\/bin\/redis-server: install it with `apt-get install redis-server`$/);
  assert.deepEqual(first.events, [
    { type: 'Normal', reason: 'Pulling', message: 'Pulling image "redis:7.0"' },
    { type: 'Warning', reason: 'Failed', message: `Failed to pull image "redis:7.0": ${first.message}` },
    { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' },
  ]);
  const backOff = manager.ensureImageExists('pod-a', 'redis:7.0', 'IfNotPresent');
  assert.deepEqual(backOff, {
    ok: false, reason: 'ImagePullBackOff', message: 'Back-off pulling image "redis:7.0"',
    events: [
      { type: 'Normal', reason: 'BackOff', message: 'Back-off pulling image "redis:7.0"' },
      { type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff' },
    ],
  });
  // Another pod has its own back-off.
  assert.equal((manager.ensureImageExists('pod-b', 'redis:7.0', 'IfNotPresent') as { reason: string }).reason, 'ErrImagePull');
  now += 10_000;
  assert.equal((manager.ensureImageExists('pod-a', 'redis:7.0', 'IfNotPresent') as { reason: string }).reason, 'ErrImagePull');
  now += 10_000;
  assert.equal((manager.ensureImageExists('pod-a', 'redis:7.0', 'IfNotPresent') as { reason: string }).reason, 'ImagePullBackOff', 'now 20 s');
  // Always pulls, so it waits out the back-off; IfNotPresent finds the image present as soon as it is installed.
  host.install(['/usr/bin/redis-server']);
  assert.equal((manager.ensureImageExists('pod-a', 'redis:7.0', 'Always') as { reason: string }).reason, 'ImagePullBackOff');
  const present = manager.ensureImageExists('pod-a', 'redis:7.0', 'IfNotPresent');
  assert.ok(present.ok);
  assert.deepEqual(present.events.map((e) => e.reason), ['Pulled']);
  now += 10_000;
  const pulled = manager.ensureImageExists('pod-a', 'redis:7.0', 'Always');
  assert.ok(pulled.ok);
  assert.deepEqual(pulled.events.map((e) => e.reason), ['Pulling', 'Pulled']);
  manager.forgetPod('pod-b');
});

test('an unknown image fails the pull with the catalog\'s explanation', () => {
  const r = manager.ensureImageExists('pod-a', 'example.com/x:1', 'IfNotPresent');
  assert.ok(!r.ok);
  assert.equal(r.reason, 'ErrImagePull');
  assert.match(r.message, /not found in Berth's image catalog .*add an entry for example\.com\/x to .*images\.yaml/);
});

test('the API server\'s default pull policy', () => {
  assert.equal(defaultPullPolicy('redis'), 'Always');
  assert.equal(defaultPullPolicy('redis:latest'), 'Always');
  assert.equal(defaultPullPolicy('redis:7.0'), 'IfNotPresent');
  assert.equal(defaultPullPolicy(`redis@sha256:${'a'.repeat(64)}`), 'IfNotPresent');
});
