// kubectl logs through Berth's API server with the real kubectl 1.27, 1.33 and 1.35: every option against pods whose
// containers really write (the test-only HostRuntime writes their output as CRI logs), upstream's errors, and the
// simulated runtime: its containers' lifecycle lines with the same options, and the Status that refuses exec,
// attach and port-forward on simulated pods.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { kubectlBinary } from '../support/real-clients.js';
import { startStreamingCluster, StreamingCluster } from '../support/streaming-cluster.js';
import { eventually, kubectl, kubectlOk } from './harness.js';

const VERSIONS = [27, 33, 35] as const;
let host: StreamingCluster;
let sim: StreamingCluster;

const k = (c: StreamingCluster, v: number, args: string[], opts: Parameters<typeof kubectl>[2] = {}) => kubectl(c, args, { bin: kubectlBinary(v), ...opts });
const kOk = (c: StreamingCluster, v: number, args: string[], opts: Parameters<typeof kubectl>[2] = {}) => kubectlOk(c, args, { bin: kubectlBinary(v), ...opts });

function pod(name: string, containers: { name: string; command: string[] }[], extra: Record<string, unknown> = {}, annotations?: Record<string, string>) {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name }, annotations },
    spec: { containers: containers.map((x) => ({ image: 'busybox', ...x })), ...extra },
  });
}

const jsonpath = (c: StreamingCluster, name: string, path: string) => kOk(c, 33, ['get', 'pod', name, '-o', `jsonpath=${path}`]);

before(async () => {
  for (const v of VERSIONS) kubectlBinary(v);
  [host, sim] = await Promise.all([startStreamingCluster({ runtime: 'host' }), startStreamingCluster({ runtime: 'sim', simStartDelayMs: 50 })]);
  const lines = 'for i in 1 2 3 4 5; do echo "out $i"; echo "err $i" >&2; done; exec sleep 3600';
  await kOk(host, 33, ['apply', '-f', '-'], { input: pod('chatty', [{ name: 'main', command: ['sh', '-c', lines] }, { name: 'side', command: ['sh', '-c', 'echo from side; exec sleep 3600'] }]) });
  // Fails once (the marker file lives in the runtime's working directory), then runs.
  const onceThenRun = 'if [ -f crashy.marker ]; then echo "second run"; exec sleep 3600; fi; touch crashy.marker; echo "first run"; exit 1';
  await kOk(host, 33, ['apply', '-f', '-'], { input: pod('crashy', [{ name: 'c', command: ['sh', '-c', onceThenRun] }]) });
  await kOk(host, 33, ['apply', '-f', '-'], {
    input: pod('slowstart', [{ name: 'app', command: ['sleep', '3600'] }], { initContainers: [{ name: 'setup', image: 'busybox', command: ['sleep', '3600'] }] }),
  });
  await eventually(async () => (await jsonpath(host, 'chatty', '{.status.phase}')) === 'Running', 20_000, 100);
  await eventually(async () => (await kOk(host, 33, ['logs', 'crashy'])) === 'second run\n', 20_000, 100);
  // Everything the shell loop wrote is on disk once `main` has moved on to its sleep.
  await eventually(async () => (await kOk(host, 33, ['logs', 'chatty', '-c', 'main'])).includes('err 5'), 20_000, 100);
});

after(async () => {
  await Promise.all([host?.stop(), sim?.stop()]);
});

for (const v of VERSIONS) {
  describe(`kubectl 1.${v}`, () => {
    test('logs: both streams in order, -c, and --tail', async () => {
      const all = await kOk(host, v, ['logs', 'chatty', '-c', 'main']);
      assert.deepEqual(all.trim().split('\n').sort(), ['err 1', 'err 2', 'err 3', 'err 4', 'err 5', 'out 1', 'out 2', 'out 3', 'out 4', 'out 5']);
      assert.equal(await kOk(host, v, ['logs', 'chatty', '-c', 'side']), 'from side\n');
      assert.equal((await kOk(host, v, ['logs', 'chatty', '-c', 'main', '--tail=2'])).trim().split('\n').length, 2);
    });

    test('logs -f streams a running container and ends when it exits', async () => {
      const name = `ticker-${v}`;
      // Long enough (6 s) to be seen Running by a poll through kubectl on a loaded machine.
      await kOk(host, v, ['apply', '-f', '-'], { input: pod(name, [{ name: 't', command: ['sh', '-c', 'for i in $(seq 15); do echo "tick $i"; sleep 0.4; done'] }], { restartPolicy: 'Never' }) });
      await eventually(async () => (await jsonpath(host, name, '{.status.phase}')) === 'Running', 20_000, 50);
      const out = await kOk(host, v, ['logs', '-f', name], { timeoutMs: 40_000 });
      assert.equal(out, Array.from({ length: 15 }, (_, i) => `tick ${i + 1}\n`).join(''));
      assert.equal(await jsonpath(host, name, '{.status.phase}'), 'Succeeded');
    });

    test('logs --previous shows the instance before the restart', async () => {
      assert.equal(await kOk(host, v, ['logs', 'crashy', '--previous']), 'first run\n');
      assert.equal(await kOk(host, v, ['logs', 'crashy']), 'second run\n');
      assert.equal(await jsonpath(host, 'crashy', '{.status.containerStatuses[0].restartCount}'), '1');
    });
  });
}

test('kubectl 1.33: --timestamps, --since, --since-time, --limit-bytes, --all-containers, -l, --prefix', async () => {
  const ts = await kOk(host, 33, ['logs', 'chatty', '-c', 'side', '--timestamps']);
  assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z from side\n$/);
  assert.equal(await kOk(host, 33, ['logs', 'chatty', '-c', 'side', '--since=1h']), 'from side\n');
  const future = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  assert.equal(await kOk(host, 33, ['logs', 'chatty', '-c', 'side', `--since-time=${future}`]), '');
  assert.equal(await kOk(host, 33, ['logs', 'chatty', '-c', 'side', '--limit-bytes=4']), 'from');
  const both = await kOk(host, 33, ['logs', 'chatty', '--all-containers', '--prefix']);
  assert.match(both, /^\[pod\/chatty\/main\] out 1$/m);
  assert.match(both, /^\[pod\/chatty\/side\] from side$/m);
  const bySelector = await kOk(host, 33, ['logs', '-l', 'app=chatty', '-c', 'side', '--prefix']);
  assert.equal(bySelector, '[pod/chatty/side] from side\n');
});

test('logs errors word for word: waiting container, no previous instance, unknown pod and container, bad options', async () => {
  let r = await k(host, 33, ['logs', 'slowstart', '-c', 'app']);
  assert.match(r.stderr, /Error from server \(BadRequest\): container "app" in pod "slowstart" is waiting to start: PodInitializing/);
  r = await k(host, 27, ['logs', 'chatty', '-c', 'side', '--previous']);
  assert.match(r.stderr, /Error from server \(BadRequest\): previous terminated container "side" in pod "chatty" not found/);
  r = await k(host, 33, ['logs', 'nope']);
  assert.match(r.stderr, /pods "nope" not found/);
  r = await k(host, 33, ['get', '--raw', '/api/v1/namespaces/default/pods/chatty/log']);
  assert.match(r.stderr, /a container name must be specified for pod chatty, choose one of: \[main side\]/);
  r = await k(host, 33, ['get', '--raw', '/api/v1/namespaces/default/pods/chatty/log?container=zzz']);
  assert.match(r.stderr, /container zzz is not valid for pod chatty/);
  r = await k(host, 33, ['get', '--raw', '/api/v1/namespaces/default/pods/chatty/log?container=side&tailLines=-1&limitBytes=0']);
  assert.match(r.stderr, /PodLogOptions "chatty" is invalid/);
  assert.match(r.stderr, /tailLines: Invalid value: -1: must be greater than or equal to 0/);
  assert.match(r.stderr, /limitBytes: Invalid value: 0: must be greater than 0/);
  r = await k(host, 33, ['get', '--raw', '/api/v1/namespaces/default/pods/chatty/log?container=side&sinceSeconds=1&sinceTime=2026-01-01T00:00:00Z']);
  assert.match(r.stderr, /at most one of `sinceTime` or `sinceSeconds` may be specified/);
  r = await k(host, 33, ['get', '--raw', '/api/v1/namespaces/default/pods/chatty/log?container=side&tailLines=many']);
  assert.match(r.stderr, /strconv.ParseInt: parsing "many": invalid syntax/);
  // The split-streams option (PodLogsQuerySplitStreams) over the raw API.
  assert.equal((await kOk(host, 33, ['get', '--raw', '/api/v1/namespaces/default/pods/chatty/log?container=main&stream=Stderr'])).trim().split('\n').length, 5);
});

describe('simulated runtime', () => {
  before(async () => {
    await kOk(sim, 33, ['apply', '-f', '-'], { input: pod('web', [{ name: 'nginx', command: [] }]) });
    await kOk(sim, 33, ['apply', '-f', '-'], { input: pod('flaky', [{ name: 'app', command: [] }], {}, { 'sim.berth.dev/exit-code': '3', 'sim.berth.dev/run-ms': '200' }) });
    await eventually(async () => (await jsonpath(sim, 'web', '{.status.phase}')) === 'Running', 20_000, 50);
    await eventually(async () => Number(await jsonpath(sim, 'flaky', '{.status.containerStatuses[0].restartCount}')) >= 1, 20_000, 50);
  });

  for (const v of VERSIONS) {
    test(`kubectl 1.${v}: logs show the simulated container's lifecycle`, async () => {
      const out = await kOk(sim, v, ['logs', 'web']);
      assert.match(out, /^simulated container "nginx" started at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(image docker\.io\/library\/busybox:latest\); Berth's simulated runtime runs no process in it\n$/);
      assert.match(await kOk(sim, v, ['logs', 'web', '--timestamps', '--tail=1']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z simulated container/);
      const prev = await kOk(sim, v, ['logs', 'flaky', '--previous']);
      assert.match(prev, /started at .*\nsimulated container "app" exited at \S+ with code 3 \(Error\)\n$/);
    });

    test(`kubectl 1.${v}: exec, attach and port-forward answer that the pod is simulated and how to get real pods`, async () => {
      const want = /pod default\/web runs on Berth's simulated runtime, which starts no processes: there is nothing to (exec into|attach to|forward ports to)\. For real pods, run "berth up --runtime process" as root on Linux\./;
      let r = await k(sim, v, ['exec', 'web', '--', 'ls']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, want);
      assert.match(r.stderr, /exec into/);
      r = await k(sim, v, ['attach', 'web']);
      assert.match(r.stderr, /attach to/);
      r = await k(sim, v, ['port-forward', 'pod/web', ':80'], { timeoutMs: 20_000 });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /forward ports to/);
    });
  }
});
