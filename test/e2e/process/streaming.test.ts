// The streaming paths against real pods (`berth up --runtime process`; root on Linux only): kubectl 1.27 (SPDY) and
// 1.33 (WebSocket) exec with output, exit code and stdin, seed 000's `cat /etc/hosts` and `hostname`, cp both ways,
// logs, and port-forward with concurrent connections over SPDY and the WebSocket tunnel to an app that listens only
// on the pod's 127.0.0.1. The API server's side is tested in depth in ../streaming-*.test.ts; this checks it
// meets the process runtime's KubeletApi.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectlInTerminal } from '../../support/pty-kubectl.js';
import { kubectlBinary } from '../../support/real-clients.js';
import { applyYaml, eventually, kubectl, kubectlOk, needsPrograms, needsRealPods, RealCluster, realPodsUnavailable, startRealCluster, waitReady } from './harness.js';

let c: RealCluster | undefined;

before(async () => {
  if (realPodsUnavailable()) return;
  c = await startRealCluster();
  await applyYaml(c, `
apiVersion: v1
kind: Pod
metadata:
  name: web-1
spec:
  containers:
  - name: web
    image: busybox
    # http.server's listen backlog of 5 would refuse some of ten simultaneous connections: 64 here.
    command:
    - python3
    - -c
    - |
      import http.server as h
      print('booted', flush=True)
      h.ThreadingHTTPServer.request_queue_size = 64
      h.ThreadingHTTPServer(('127.0.0.1', 8080), h.SimpleHTTPRequestHandler).serve_forever()
`);
  await waitReady(c, 'default', 'web-1');
});

after(async () => {
  await c?.stop();
  c?.cleanup();
});

const k = (v: number, args: string[], opts: Parameters<typeof kubectl>[2] = {}) => kubectl(c!, args, { bin: kubectlBinary(v), ...opts });

test('exec over SPDY (1.27) and WebSocket (1.33): output, exit code, stdin, /etc/hosts and hostname', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  for (const v of [27, 33]) {
    const r = await k(v, ['exec', 'web-1', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'out\n');
    assert.match(r.stderr, /command terminated with exit code 3/);
    assert.equal((await k(v, ['exec', 'web-1', '--', 'hostname'])).stdout, 'web-1\n');
    assert.match((await k(v, ['exec', 'web-1', '--', 'cat', '/etc/hosts'])).stdout, /# Kubernetes-managed hosts file\.[\s\S]*\tweb-1\n/);
    assert.equal((await k(v, ['exec', '-i', 'web-1', '--', 'cat'], { input: `stdin through ${v}\n` })).stdout, `stdin through ${v}\n`);
  }
});

test('exec -it and run -it --rm: a terminal in the container, of the client\'s size, following resizes', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  const env = { HOME: c!.home, KUBECONFIG: c!.kubeconfig };
  for (const v of [27, 33]) {
    const term = kubectlInTerminal(kubectlBinary(v), ['exec', '-it', 'web-1', '--', 'sh'], env);
    try {
      term.type('stty size; hostname; echo marker-$((6*7))\r');
      await term.waitFor('marker-42');
      assert.match(term.output(), /33 101/);
      assert.match(term.output(), /web-1/);
      term.resize(120, 40);
      await new Promise((r) => setTimeout(r, 300));
      term.type('stty size; exit 5\r');
      assert.equal((await term.exited).exitCode, 5, term.output());
      assert.match(term.output(), /40 120/);
      assert.match(term.output(), /command terminated with exit code 5/);
    } finally {
      term.kill();
    }
  }
  const run = kubectlInTerminal(kubectlBinary(33), ['run', 'shell', '--image=busybox', '-it', '--rm', '--restart=Never', '--', 'sh'], env);
  try {
    await run.waitFor("If you don't see a command prompt, try pressing enter.", 60_000);
    run.type('echo inside-$((6*7)) $(hostname)\r');
    await run.waitFor('inside-42 shell');
    run.type('exit\r');
    assert.equal((await run.exited).exitCode, 0, run.output());
    assert.match(run.output(), /pod "shell" deleted/);
  } finally {
    run.kill();
  }
});

test('cp into the pod and back, and logs', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t) || !needsPrograms(t, 'tar')) return;
  const dir = join(c!.dataDir, 'cp');
  mkdirSync(join(dir, 'tree', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'tree', 'sub', 'f.txt'), 'copied\n');
  await kubectlOk(c!, ['cp', join(dir, 'tree'), 'web-1:/tmp/tree']);
  assert.equal((await k(33, ['exec', 'web-1', '--', 'cat', '/tmp/tree/sub/f.txt'])).stdout, 'copied\n');
  await kubectlOk(c!, ['cp', 'web-1:/tmp/tree', join(dir, 'back')], { bin: kubectlBinary(27) });
  assert.equal(readFileSync(join(dir, 'back', 'sub', 'f.txt'), 'utf8'), 'copied\n');
  assert.match(await kubectlOk(c!, ['logs', 'web-1']), /^booted$/m);
});

test('logs of real containers: -f until the container exits, --previous after a restart, --timestamps, --tail', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await applyYaml(c!, `
apiVersion: v1
kind: Pod
metadata:
  name: ticker
spec:
  restartPolicy: Never
  containers:
  - name: t
    image: busybox
    command: ["sh", "-c", "for i in 1 2 3; do echo tick $i; sleep 0.5; done"]
`);
  // It runs for 1.5 s: a slow poll may only see it Succeeded (logs -f then prints everything and ends at once).
  await eventually(async () => ['Running', 'Succeeded'].includes(await kubectlOk(c!, ['get', 'pod', 'ticker', '-o', 'jsonpath={.status.phase}'])), 60_000, 100);
  assert.equal(await kubectlOk(c!, ['logs', '-f', 'ticker'], { timeoutMs: 30_000 }), 'tick 1\ntick 2\ntick 3\n');
  await applyYaml(c!, `
apiVersion: v1
kind: Pod
metadata:
  name: twice
spec:
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "if [ -f /data/ran ]; then echo second; exec sleep 3600; fi; touch /data/ran; echo first; exit 1"]
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    emptyDir: {}
`);
  await eventually(async () => (await kubectl(c!, ['logs', 'twice'])).stdout === 'second\n', 60_000, 200);
  assert.equal(await kubectlOk(c!, ['logs', 'twice', '--previous']), 'first\n');
  assert.match(await kubectlOk(c!, ['logs', 'twice', '--timestamps', '--tail=1']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z second\n$/);
});

test('port-forward to an app on the pod\'s 127.0.0.1, ten connections at once, SPDY and the WebSocket tunnel', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  for (const v of [27, 33]) {
    const child = spawn(kubectlBinary(v), ['port-forward', 'pod/web-1', ':8080'], { env: { HOME: c!.home, KUBECONFIG: c!.kubeconfig, PATH: process.env.PATH! } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    try {
      const port = await eventually(() => Number(/127\.0\.0\.1:(\d+)/.exec(out)?.[1]) || undefined, 20_000, 50);
      const codes = await Promise.all(Array.from({ length: 10 }, () => new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }).on('error', reject).end();
      })));
      assert.deepEqual(codes, Array(10).fill(200));
    } finally {
      child.kill('SIGINT');
    }
  }
});
