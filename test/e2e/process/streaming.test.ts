// The streaming paths against real pods (`berth up --runtime process`; root on Linux only), each command with the
// real kubectl 1.27 (SPDY), 1.33 and 1.35 (WebSocket): exec (output, exit code, stdin, `-c` and the defaulted
// container, a running sidecar), exec -it and attach -it with resizes, run -it --rm, debug with an ephemeral
// container, cp both ways, logs with every flag, and port-forward to pod/svc/sts with concurrent connections to an
// app that listens only on the pod's 127.0.0.1. Seed lines checked here with every version: seed 000's `cat
// /etc/hosts` and `hostname`, seed 004's `sh -c "echo … > /data/…"` and `cat`, seed 003's `redis-cli set/get`
// across a pod delete, seed 004's `kubectl run … --rm -it … nslookup`. The API server's side is tested in depth in
// ../streaming-*.test.ts; this checks it meets the process runtime's KubeletApi.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectlInTerminal } from '../../support/pty-kubectl.js';
import { kubectlBinary } from '../../support/real-clients.js';
import { applyYaml, eventually, kubectl, kubectlOk, needsPrograms, needsRealPods, podField, RealCluster, realPodsUnavailable, startRealCluster, waitReady } from './harness.js';

/** SPDY (1.27), WebSocket v5 and the port-forward tunnel (1.33), and the newest (1.35). */
const VERSIONS = [27, 33, 35] as const;

let c: RealCluster | undefined;

// An HTTP server on the pod's 127.0.0.1 only. http.server's listen backlog of 5 would refuse some of ten
// simultaneous connections: 64 here.
const HTTP_ON_LOOPBACK = `
        command:
        - python3
        - -c
        - |
          import http.server as h
          print('booted', flush=True)
          h.ThreadingHTTPServer.request_queue_size = 64
          h.ThreadingHTTPServer(('127.0.0.1', 8080), h.SimpleHTTPRequestHandler).serve_forever()`;

before(async () => {
  if (realPodsUnavailable()) return;
  c = await startRealCluster();
  // Seed 000's web-1 is the second pod of StatefulSet web, with its headless Service.
  await applyYaml(c, `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
---
# kubectl port-forward takes a Service's port to its targetPort only for a Service with a cluster IP.
apiVersion: v1
kind: Service
metadata:
  name: web-http
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 2
  podManagementPolicy: Parallel
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: busybox${HTTP_ON_LOOPBACK}
        volumeMounts:
        - name: data
          mountPath: /data
      volumes:
      - name: data
        emptyDir: {}
---
apiVersion: v1
kind: Pod
metadata:
  name: multi
  labels:
    app: multi
spec:
  initContainers:
  - name: proxy
    image: busybox
    restartPolicy: Always
    command: ["sh", "-c", "echo proxy up; exec sleep 3600"]
    env: [{name: WHO, value: proxy}]
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "echo main says hi; exec sleep 3600"]
    env: [{name: WHO, value: main}]
  - name: side
    image: busybox
    command: ["sh", "-c", "echo side says hi; exec sleep 3600"]
    env: [{name: WHO, value: side}]
---
apiVersion: v1
kind: Pod
metadata:
  name: console
spec:
  containers:
  - name: sh
    image: busybox
    stdin: true
    tty: true
    command: ["sh"]
`);
  await Promise.all(['web-0', 'web-1', 'multi', 'console'].map((p) => waitReady(c!, 'default', p)));
});

after(async () => {
  await c?.stop();
  c?.cleanup();
});

const k = (v: number, args: string[], opts: Parameters<typeof kubectl>[2] = {}) => kubectl(c!, args, { bin: kubectlBinary(v), ...opts });
const kOk = (v: number, args: string[], opts: Parameters<typeof kubectl>[2] = {}) => kubectlOk(c!, args, { bin: kubectlBinary(v), ...opts });
const terminalEnv = () => ({ HOME: c!.home, KUBECONFIG: c!.kubeconfig });

test('exec: output, exit code, stdin, seed 000\'s /etc/hosts and hostname, seed 004\'s write to /data and cat', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  for (const v of VERSIONS) {
    const r = await k(v, ['exec', 'web-1', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'out\n');
    assert.match(r.stderr, /command terminated with exit code 3/);
    assert.equal(await kOk(v, ['exec', 'web-1', '--', 'hostname']), 'web-1\n');
    assert.match(await kOk(v, ['exec', 'web-1', '--', 'cat', '/etc/hosts']), /# Kubernetes-managed hosts file\.[\s\S]*\tweb-1\n/);
    assert.equal(await kOk(v, ['exec', '-i', 'web-1', '--', 'cat'], { input: `stdin through ${v}\n` }), `stdin through ${v}\n`);
    assert.equal(await kOk(v, ['exec', 'web-1', '--', 'sh', '-c', `echo 'Data from 1.${v}' > /data/v${v}.txt`]), '');
    assert.equal(await kOk(v, ['exec', 'web-1', '--', 'cat', `/data/v${v}.txt`]), `Data from 1.${v}\n`);
  }
});

test('exec -c, the defaulted container, and a running sidecar (restartable init container)', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  for (const v of VERSIONS) {
    const r = await k(v, ['exec', 'multi', '--', 'sh', '-c', 'echo $WHO $((40+2))']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'main 42\n');
    assert.match(r.stderr, /Defaulted container "main" out of: main, side, proxy \(init\)/);
    // The command runs with the environment of the container it joined.
    assert.equal(await kOk(v, ['exec', 'multi', '-c', 'side', '--', 'sh', '-c', 'echo $WHO']), 'side\n');
    assert.equal(await kOk(v, ['exec', 'multi', '-c', 'proxy', '--', 'sh', '-c', 'echo $WHO']), 'proxy\n');
    const bad = await k(v, ['exec', 'multi', '-c', 'nope', '--', 'true']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /container nope is not valid for pod multi/);
  }
});

test('exec -it: a terminal in the container, of the client\'s size, following resizes; Ctrl-C reaches the command', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  for (const v of VERSIONS) {
    const term = kubectlInTerminal(kubectlBinary(v), ['exec', '-it', 'web-1', '--', 'sh'], terminalEnv());
    try {
      await term.waitForSize(33, 101);
      term.type('hostname; echo marker-$((6*7))\r');
      await term.waitFor('marker-42');
      assert.match(term.output(), /web-1/);
      // Ctrl-C goes to the command in the foreground, not to kubectl: the shell goes on.
      term.type('sleep 100\r');
      await new Promise((r) => setTimeout(r, 500));
      term.type('\x03');
      term.type('echo after-ctrl-$((6*7))\r');
      await term.waitFor('after-ctrl-42');
      term.resize(120, 40);
      await term.waitForSize(40, 120);
      term.type('exit 5\r');
      assert.equal((await term.exited).exitCode, 5, term.output());
      assert.match(term.output(), /command terminated with exit code 5/);
    } finally {
      term.kill();
    }
  }
});

test('attach -it to a running container\'s terminal (stdin and tty in its spec), with resizes', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  for (const v of VERSIONS) {
    const term = kubectlInTerminal(kubectlBinary(v), ['attach', '-it', 'console'], terminalEnv(), { cols: 90 + v, rows: 30 });
    try {
      await term.waitFor("If you don't see a command prompt, try pressing enter.");
      // kubectl attach sends the size plus one, then the size (to make the program redraw).
      await term.waitForSize(30, 90 + v);
    } finally {
      term.kill(); // detaching leaves the container's shell running for the next attach
    }
  }
  assert.equal(await podField(c!, 'default', 'console', '{.status.containerStatuses[0].restartCount}'), '0');
});

test('run -it --rm: attach to the new pod, then delete it; seed 004\'s run … --rm -it … nslookup', { timeout: 180_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  for (const v of VERSIONS) {
    const run = kubectlInTerminal(kubectlBinary(v), ['run', `shell-${v}`, '--image=busybox', '-it', '--rm', '--restart=Never', '--', 'sh'], terminalEnv());
    try {
      await run.waitFor("If you don't see a command prompt, try pressing enter.", 60_000);
      run.type('echo inside-$((6*7)) $(hostname)\r');
      await run.waitFor(`inside-42 shell-${v}`);
      run.type('exit\r');
      assert.equal((await run.exited).exitCode, 0, run.output());
      assert.match(run.output(), new RegExp(`pod "shell-${v}" deleted`));
    } finally {
      run.kill();
    }
    // nslookup ends at once: kubectl may attach after it printed (kubernetes/kubernetes#27264) and then shows
    // nothing of it, as a learner sees too; the pod's answer is in its log either way until --rm deletes it.
    const dns = await eventually(async () => {
      const r = await k(v, ['run', `dns-${v}`, '--image=busybox', '--rm', '-i', '--restart=Never', '--', 'nslookup', 'web.default.svc.cluster.local'], { timeoutMs: 60_000 });
      return /Name:\s+web\.default\.svc\.cluster\.local/.test(r.stdout) ? r : undefined;
    }, 150_000, 500);
    assert.match(dns.stdout, /pod "dns-\d+" deleted/);
    const ips = (await kubectlOk(c!, ['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}'])).split(' ').sort();
    assert.deepEqual([...dns.stdout.matchAll(/^Address(?: \d+)?:\s+(\d+\.\d+\.\d+\.\d+)$/gm)].map((m) => m[1]).filter((ip) => ips.includes(ip)).sort(), ips);
  }
});

test('debug: an ephemeral container in a running pod\'s namespaces, attached, sharing the target\'s processes', { timeout: 180_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  for (const v of VERSIONS) {
    const term = kubectlInTerminal(kubectlBinary(v), ['debug', '-it', 'web-0', '--image=busybox', `--container=dbg-${v}`, '--target=web', '--', 'sh'], terminalEnv());
    try {
      await term.waitFor("If you don't see a command prompt, try pressing enter.", 60_000);
      term.type(`cat /proc/1/cmdline | tr '\\0' ' '; echo; hostname; echo debug-$((${v}+1))\r`);
      await term.waitFor(`debug-${v + 1}`);
      assert.match(term.output(), /python3 -c import http\.server/);
      assert.match(term.output(), /web-0/);
      term.type('exit\r');
      await term.exited;
    } finally {
      term.kill();
    }
    await eventually(async () => (await podField(c!, 'default', 'web-0', `{.status.ephemeralContainerStatuses[?(@.name=="dbg-${v}")].state.terminated.exitCode}`)) === '0', 30_000, 200);
  }
  assert.equal(await podField(c!, 'default', 'web-0', '{.spec.ephemeralContainers[*].name}'), VERSIONS.map((v) => `dbg-${v}`).join(' '));
});

test('cp into the pod and back, files and directories', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t) || !needsPrograms(t, 'tar')) return;
  for (const v of VERSIONS) {
    const dir = join(c!.dataDir, `cp-${v}`);
    mkdirSync(join(dir, 'tree', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'tree', 'sub', 'f.txt'), `copied by 1.${v}\n`);
    writeFileSync(join(dir, 'one.txt'), `one file by 1.${v}\n`);
    await kOk(v, ['cp', join(dir, 'tree'), `web-1:/tmp/tree-${v}`]);
    await kOk(v, ['cp', join(dir, 'one.txt'), `web-1:/tmp/one-${v}.txt`]);
    assert.equal(await kOk(v, ['exec', 'web-1', '--', 'cat', `/tmp/tree-${v}/sub/f.txt`, `/tmp/one-${v}.txt`]), `copied by 1.${v}\none file by 1.${v}\n`);
    await kOk(v, ['cp', `web-1:/tmp/tree-${v}`, join(dir, 'back')]);
    await kOk(v, ['cp', `web-1:/tmp/one-${v}.txt`, join(dir, 'one-back.txt')]);
    assert.equal(readFileSync(join(dir, 'back', 'sub', 'f.txt'), 'utf8'), `copied by 1.${v}\n`);
    assert.equal(readFileSync(join(dir, 'one-back.txt'), 'utf8'), `one file by 1.${v}\n`);
  }
});

test('logs: -f until the container exits, --previous, --timestamps, --tail, --since, --since-time, --limit-bytes, -c, --all-containers, -l, --prefix', { timeout: 180_000 }, async (t) => {
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
    command: ["sh", "-c", "for i in 1 2 3 4 5 6; do echo tick $i; sleep 0.5; done"]
---
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
  const ticks = Array.from({ length: 6 }, (_, i) => `tick ${i + 1}\n`).join('');
  // It runs for 3 s: every version follows it at once; a slow poll may only see it Succeeded (then -f prints
  // everything and ends at once).
  await eventually(async () => ['Running', 'Succeeded'].includes(await podField(c!, 'default', 'ticker', '{.status.phase}')), 60_000, 100);
  const followed = await Promise.all(VERSIONS.map((v) => kOk(v, ['logs', '-f', 'ticker'], { timeoutMs: 30_000 })));
  assert.deepEqual(followed, VERSIONS.map(() => ticks));
  await eventually(async () => (await kubectl(c!, ['logs', 'twice'])).stdout === 'second\n', 60_000, 200);
  const stamped = await kOk(33, ['logs', 'ticker', '--timestamps']);
  const lines = stamped.trimEnd().split('\n').map((l) => ({ ts: l.slice(0, l.indexOf(' ')), text: l.slice(l.indexOf(' ') + 1) }));
  assert.deepEqual(lines.map((l) => l.text + '\n').join(''), ticks);
  // sinceTime travels as RFC 3339 in whole seconds: every line from that second on.
  const sinceTime = lines[3].ts.replace(/\.\d+Z$/, 'Z');
  const fromThere = lines.filter((l) => l.ts.slice(0, 19) >= sinceTime.slice(0, 19)).map((l) => l.text + '\n').join('');
  for (const v of VERSIONS) {
    assert.equal(await kOk(v, ['logs', 'twice', '--previous']), 'first\n');
    assert.match(await kOk(v, ['logs', 'twice', '--timestamps', '--tail=1']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z second\n$/);
    assert.equal(await kOk(v, ['logs', 'ticker', '--tail=2']), 'tick 5\ntick 6\n');
    assert.equal(await kOk(v, ['logs', 'ticker', '--limit-bytes=6']), 'tick 1');
    assert.equal(await kOk(v, ['logs', 'ticker', '--since=1h']), ticks);
    assert.equal(await kOk(v, ['logs', 'ticker', `--since-time=${sinceTime}`]), fromThere);
    const prev = await k(v, ['logs', 'ticker', '--previous']);
    assert.notEqual(prev.code, 0);
    assert.match(prev.stderr, /previous terminated container "t" in pod "ticker" not found/);
    const defaulted = await k(v, ['logs', 'multi']);
    assert.equal(defaulted.stdout, 'main says hi\n');
    assert.match(defaulted.stderr, /Defaulted container "main" out of: main, side, proxy \(init\)/);
    assert.equal(await kOk(v, ['logs', 'multi', '-c', 'side']), 'side says hi\n');
    assert.deepEqual((await kOk(v, ['logs', 'multi', '--all-containers', '--prefix'])).split('\n').filter(Boolean).sort(),
      ['[pod/multi/main] main says hi', '[pod/multi/proxy] proxy up', '[pod/multi/side] side says hi']);
    assert.equal(await kOk(v, ['logs', '-l', 'app=multi', '-c', 'side', '--prefix']), '[pod/multi/side] side says hi\n');
    assert.deepEqual((await kOk(v, ['logs', '-l', 'app=web', '--prefix'])).split('\n').filter(Boolean).sort(), ['[pod/web-0/web] booted', '[pod/web-1/web] booted']);
  }
});

/** Ten simultaneous HTTP GETs through a local port; their status codes. */
function tenRequests(port: number): Promise<number[]> {
  return Promise.all(Array.from({ length: 10 }, () => new Promise<number>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject).end();
  })));
}

test('port-forward pod/svc/sts to an app on the pod\'s 127.0.0.1, ten connections at once, SPDY and the WebSocket tunnel', { timeout: 180_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  for (const v of VERSIONS) {
    for (const [target, ports, remote] of [['pod/web-1', ':8080', 8080], ['svc/web-http', ':80', 8080], ['sts/web', ':8080', 8080]] as const) {
      const child = spawn(kubectlBinary(v), ['port-forward', target, ports], { env: { HOME: c!.home, KUBECONFIG: c!.kubeconfig, PATH: process.env.PATH! } });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      try {
        const port = await eventually(() => Number(/127\.0\.0\.1:(\d+) -> (\d+)/.exec(out)?.[1]) || undefined, 20_000, 50);
        assert.match(out, new RegExp(`-> ${remote}\\n`));
        assert.deepEqual(await tenRequests(port), Array(10).fill(200), `1.${v} ${target}`);
      } finally {
        child.kill('SIGINT');
      }
    }
  }
});

test('seed 003: redis-cli set, the pod deleted, get from its replacement (claim kept)', { timeout: 240_000 }, async (t) => {
  if (!needsRealPods(t) || !needsPrograms(t, 'redis-server', 'redis-cli')) return;
  await applyYaml(c!, readFileSync(new URL('../../../../examples/redis/redis-headless.yaml', import.meta.url), 'utf8'));
  await applyYaml(c!, readFileSync(new URL('../../../../examples/redis/redis-statefulset.yaml', import.meta.url), 'utf8').replace('replicas: 3', 'replicas: 1'));
  await waitReady(c!, 'default', 'redis-0', 90_000);
  for (const v of VERSIONS) {
    assert.equal(await kOk(v, ['exec', 'redis-0', '--', 'redis-cli', 'set', `foo${v}`, `bar${v}`]), 'OK\n');
    assert.equal(await kOk(v, ['exec', 'redis-0', '--', 'redis-cli', 'get', `foo${v}`]), `bar${v}\n`);
  }
  const uid = await podField(c!, 'default', 'redis-0', '{.metadata.uid}');
  assert.equal(await kubectlOk(c!, ['delete', 'pod', 'redis-0', '--wait=false']), 'pod "redis-0" deleted\n');
  await eventually(async () => {
    const now = await kubectl(c!, ['get', 'pod', 'redis-0', '-o', 'jsonpath={.metadata.uid}']);
    return now.code === 0 && now.stdout && now.stdout !== uid;
  }, 60_000, 200);
  await waitReady(c!, 'default', 'redis-0', 90_000);
  for (const v of VERSIONS) {
    // redis-server may still be loading its append-only file right after the start.
    const got = await eventually(async () => {
      const r = await k(v, ['exec', 'redis-0', '--', 'redis-cli', 'get', `foo${v}`]);
      return r.code === 0 && !/LOADING/.test(r.stdout) ? r.stdout : undefined;
    }, 30_000, 200);
    assert.equal(got, `bar${v}\n`);
  }
});
