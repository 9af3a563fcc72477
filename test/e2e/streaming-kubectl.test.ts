// kubectl exec, attach, cp, port-forward and run -it through Berth's API server with the real kubectl 1.27 (SPDY
// only), 1.33 and 1.35 (WebSocket v5 for exec/attach/cp, the WebSocket-tunnelled SPDY for port-forward). Pods run
// on the test-only HostRuntime: their commands are processes on this host, exec runs commands here and port-forward
// reaches 127.0.0.1, so the API server's side is tested end to end while the real process runtime is built apart.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEchoServer } from '../support/echo-server.js';
import { kubectlInTerminal } from '../support/pty-kubectl.js';
import { kubectlBinary } from '../support/real-clients.js';
import { StreamingCluster, startStreamingCluster } from '../support/streaming-cluster.js';
import { eventually, kubectl, kubectlOk, rawRequest } from './harness.js';

const VERSIONS = [27, 33, 35] as const;
let c: StreamingCluster;
let echo: Server;
let echoPort: number;

const env = () => ({ HOME: c.home, KUBECONFIG: c.kubeconfig });
const k = (v: number, args: string[], opts: Parameters<typeof kubectl>[2] = {}) => kubectl(c, args, { bin: kubectlBinary(v), ...opts });
const kOk = (v: number, args: string[], opts: Parameters<typeof kubectl>[2] = {}) => kubectlOk(c, args, { bin: kubectlBinary(v), ...opts });

function podYaml(name: string, containers: { name: string; command: string[]; stdin?: boolean; stdinOnce?: boolean }[], restartPolicy = 'Always'): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } },
    spec: { restartPolicy, containers: containers.map((x) => ({ image: 'busybox', ...x })) },
  });
}

const phase = (name: string) => kOk(33, ['get', 'pod', name, '-o', 'jsonpath={.status.phase}']);
const waitPhase = (name: string, want: string) => eventually(async () => (await phase(name)) === want, 20_000, 100);

before(async () => {
  // Fetch kubectl 1.35 before the clock starts on anything else.
  for (const v of VERSIONS) kubectlBinary(v);
  c = await startStreamingCluster({ runtime: 'host' });
  ({ server: echo, port: echoPort } = await startEchoServer());
  await kOk(33, ['apply', '-f', '-'], { input: podYaml('box', [{ name: 'a', command: ['sleep', '3600'] }, { name: 'b', command: ['sleep', '3600'] }]) });
  await kOk(33, ['apply', '-f', '-'], { input: podYaml('done', [{ name: 'c', command: ['true'] }], 'Never') });
  await kOk(33, ['create', 'service', 'clusterip', 'box', `--tcp=7000:${echoPort}`]);
  await waitPhase('box', 'Running');
  await waitPhase('done', 'Succeeded');
});

after(async () => {
  echo?.close();
  await c?.stop();
});

/** Whether the server answers WatchList requests (streams the initial state and its bookmark, or refuses with 422). */
let watchList: Promise<boolean> | undefined;
function watchListAnswered(): Promise<boolean> {
  return (watchList ??= rawRequest(c, 'GET', '/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=2')
    .then((r) => r.status === 422 || r.body.includes('k8s.io/initial-events-end')));
}

/** Which wire kubectl used, from its -v=6 request log: a POST is SPDY, a GET with 101 a WebSocket. */
function transport(stderr: string, sub: string): 'spdy' | 'websocket' | 'unknown' {
  const line = stderr.split('\n').find((l) => l.includes(`/${sub}`) && l.includes('101'));
  if (!line) return 'unknown';
  return /POST|verb="POST"/.test(line) ? 'spdy' : /GET|verb="GET"/.test(line) ? 'websocket' : 'unknown';
}

/** Starts `kubectl port-forward TARGET :port` and returns the local port it picked. */
async function startPortForward(v: number, target: string, remote: number, extraEnv: Record<string, string> = {}) {
  const child = spawn(kubectlBinary(v), ['port-forward', '-v=6', target, `:${remote}`], { env: { ...env(), PATH: process.env.PATH!, ...extraEnv } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const port = await eventually(() => {
    const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  }, 20_000, 50);
  return {
    port,
    stderr: () => err,
    async stop() {
      child.kill('SIGINT');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** One connection through the forward: sends `bytes` of a pattern and reads them back from the echo server. */
async function roundTrip(port: number, bytes: number, seed: number): Promise<void> {
  const payload = Buffer.alloc(bytes, seed % 251);
  const sock = connect(port, '127.0.0.1');
  const got: Buffer[] = [];
  let n = 0;
  await new Promise<void>((resolve, reject) => {
    sock.on('error', reject);
    sock.on('data', (d) => {
      got.push(d);
      n += d.length;
      if (n >= bytes) resolve();
    });
    sock.write(payload);
  });
  sock.destroy();
  assert.ok(Buffer.concat(got).equals(payload), `connection ${seed}: echoed bytes differ`);
}

for (const v of VERSIONS) {
  describe(`kubectl 1.${v}`, () => {
    const wire = v === 27 ? 'spdy' : 'websocket';

    test('exec: stdout and stderr apart, the exit code as `command terminated with exit code 3`', async () => {
      const r = await k(v, ['exec', '-v=6', 'box', '-c', 'a', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, 'out\n');
      assert.match(r.stderr, /^err$/m);
      assert.match(r.stderr, /command terminated with exit code 3/);
      assert.equal(transport(r.stderr, 'exec'), wire);
      assert.equal((await k(v, ['exec', 'box', '-c', 'a', '--', 'true'])).code, 0);
    });

    test('exec -i: stdin reaches the command and its EOF ends it (1 MiB through cat)', async () => {
      assert.equal(await kOk(v, ['exec', '-i', 'box', '-c', 'a', '--', 'cat'], { input: 'line one\nline two\n' }), 'line one\nline two\n');
      const big = 'x'.repeat(1024 * 1024);
      assert.equal((await kOk(v, ['exec', '-i', 'box', '-c', 'a', '--', 'wc', '-c'], { input: big })).trim(), String(big.length));
    });

    test('exec -it: a terminal of the client\'s size that follows resizes', async () => {
      const t = kubectlInTerminal(kubectlBinary(v), ['exec', '-it', 'box', '-c', 'a', '--', 'sh'], env());
      try {
        await t.waitForSize(33, 101);
        t.resize(120, 40);
        await t.waitForSize(40, 120);
        t.type('tty; exit 4\r');
        const { exitCode } = await t.exited;
        assert.match(t.output(), /\/dev\/pts\//);
        assert.match(t.output(), /command terminated with exit code 4/);
        assert.equal(exitCode, 4);
      } finally {
        t.kill();
      }
    });

    test('-c picks the container; without -c kubectl defaults to the first and says so', async () => {
      assert.equal(await kOk(v, ['exec', 'box', '-c', 'b', '--', 'sh', '-c', 'echo $BERTH_CONTAINER']), 'b\n');
      const r = await k(v, ['exec', 'box', '--', 'sh', '-c', 'echo $BERTH_CONTAINER']);
      assert.equal(r.stdout, 'a\n');
      assert.match(r.stderr, /Defaulted container "a" out of: a, b/);
    });

    test('cp: a file and a directory, into the pod and back', async () => {
      const local = join(c.dataDir, `cp-${v}`);
      mkdirSync(join(local, 'dir', 'sub'), { recursive: true });
      writeFileSync(join(local, 'file.txt'), `file for ${v}\n`);
      writeFileSync(join(local, 'dir', 'sub', 'deep.txt'), 'deep\n');
      const remote = join(c.cwd, `cp-${v}`);
      mkdirSync(remote, { recursive: true });
      await kOk(v, ['cp', join(local, 'file.txt'), `box:${remote}/file.txt`, '-c', 'a']);
      await kOk(v, ['cp', join(local, 'dir'), `box:${remote}/dir`, '-c', 'a']);
      assert.equal(readFileSync(join(remote, 'file.txt'), 'utf8'), `file for ${v}\n`);
      assert.equal(readFileSync(join(remote, 'dir', 'sub', 'deep.txt'), 'utf8'), 'deep\n');
      await kOk(v, ['cp', `box:${remote}/file.txt`, join(local, 'back.txt'), '-c', 'a']);
      await kOk(v, ['cp', `box:${remote}/dir`, join(local, 'back-dir'), '-c', 'a']);
      assert.equal(readFileSync(join(local, 'back.txt'), 'utf8'), `file for ${v}\n`);
      assert.equal(readFileSync(join(local, 'back-dir', 'sub', 'deep.txt'), 'utf8'), 'deep\n');
    });

    test(`port-forward over ${v === 27 ? 'SPDY' : 'the WebSocket tunnel'}: ten concurrent connections, pod and service`, async () => {
      const pf = await startPortForward(v, 'pod/box', echoPort);
      try {
        await Promise.all(Array.from({ length: 10 }, (_, i) => roundTrip(pf.port, 256 * 1024, i)));
        await roundTrip(pf.port, 10, 99); // and one more after those closed
      } finally {
        await pf.stop();
      }
      assert.equal(transport(pf.stderr(), 'portforward'), wire);
      if (v !== 27) assert.match(pf.stderr(), /negotiated protocol: portforward\.k8s\.io/);
      const svc = await startPortForward(v, 'svc/box', 7000);
      try {
        await roundTrip(svc.port, 1000, 7);
      } finally {
        await svc.stop();
      }
    });

    test('attach -i: the main process\'s output, stdin to it, until it exits', async () => {
      const name = `talker-${v}`;
      await kOk(v, ['apply', '-f', '-'], { input: podYaml(name, [{ name: 'cat', command: ['cat'], stdin: true, stdinOnce: true }], 'Never') });
      await waitPhase(name, 'Running');
      const r = await k(v, ['attach', '-i', name, '-v=6'], { input: 'said to the main process\n' });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'said to the main process\n');
      assert.equal(transport(r.stderr, 'attach'), wire);
      await waitPhase(name, 'Succeeded'); // stdinOnce: the EOF closed cat's stdin
    });

    // kubectl 1.35 waits for the pod with a WatchList watch (sendInitialEvents), which is another piece of work:
    // until the server answers those, this stays a todo for 1.35 (it runs, and becomes a test once they are served).
    test('run -it --rm --restart=Never: an interactive shell, then the pod is deleted', async (t) => {
      const todo = v === 35 && !(await watchListAnswered());
      if (todo) t.todo('kubectl 1.35 needs WatchList (sendInitialEvents) to wait for the pod');
      const name = `shell-${v}`;
      const term = kubectlInTerminal(kubectlBinary(v), ['run', name, '--image=busybox', '-it', '--rm', '--restart=Never', '--', 'sh'], env());
      try {
        await term.waitFor("If you don't see a command prompt, try pressing enter.", todo ? 5000 : 20_000);
        term.type('echo inside-$((6*7))\r');
        await term.waitFor('inside-42');
        term.type('exit\r');
        const { exitCode } = await term.exited;
        assert.equal(exitCode, 0, term.output());
        assert.match(term.output(), new RegExp(`pod "${name}" deleted`));
        assert.equal((await k(v, ['get', 'pod', name])).code, 1);
      } finally {
        term.kill();
      }
    });
  });
}

test('kubectl 1.33 with port-forward WebSockets off, and exec WebSockets off: plain SPDY', async () => {
  const pf = await startPortForward(33, 'pod/box', echoPort, { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' });
  try {
    await Promise.all([1, 2, 3].map((i) => roundTrip(pf.port, 64 * 1024, i)));
  } finally {
    await pf.stop();
  }
  assert.equal(transport(pf.stderr(), 'portforward'), 'spdy');
  const r = await k(33, ['exec', '-v=6', 'box', '-c', 'a', '--', 'sh', '-c', 'exit 7'], { env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' } });
  assert.equal(r.code, 7);
  assert.equal(transport(r.stderr, 'exec'), 'spdy');
});

test('run -i --rm of a command that finished before the attach falls back to its logs', async () => {
  const r = await k(33, ['run', 'quick', '--image=busybox', '-i', '--rm', '--restart=Never', '--', 'sh', '-c', 'echo finished early'], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /finished early/);
  assert.match(r.stdout + r.stderr, /pod "quick" deleted/);
});

test('discovery lists the streaming subresources with upstream\'s verbs, now that they are served', async () => {
  const list = JSON.parse(await kOk(33, ['get', '--raw', '/api/v1'])) as { resources: { name: string; verbs: string[] }[] };
  const verbs = (name: string) => list.resources.find((r) => r.name === name)?.verbs;
  assert.deepEqual(verbs('pods/exec'), ['create', 'get']);
  assert.deepEqual(verbs('pods/attach'), ['create', 'get']);
  assert.deepEqual(verbs('pods/portforward'), ['create', 'get']);
  assert.deepEqual(verbs('pods/log'), ['get']);
});

test('errors: missing pod, completed pod, container not running, a container name required, unknown container', async () => {
  let r = await k(27, ['exec', 'nope', '--', 'true']);
  assert.match(r.stderr, /Error from server \(NotFound\): pods "nope" not found/);
  r = await k(33, ['exec', 'done', '--', 'true']);
  assert.match(r.stderr, /cannot exec into a container in a completed pod; current phase is Succeeded/);
  r = await k(33, ['exec', 'box', '-c', 'zzz', '--', 'true']);
  assert.match(r.stderr, /container zzz is not valid for pod box/);
  // The server's own answers, as a client that sends no container name (kubectl always sends one) gets them.
  r = await k(33, ['get', '--raw', '/api/v1/namespaces/default/pods/box/log']);
  assert.match(r.stderr, /a container name must be specified for pod box, choose one of: \[a b\]/);
  // A container that is not running: the kubelet's "container not found" before the upgrade (kubectl 1.27 prints it
  // as SPDY's upgrade failure; 1.33 falls back from the WebSocket to SPDY and prints the same).
  await kOk(33, ['apply', '-f', '-'], { input: podYaml('half', [{ name: 'up', command: ['sleep', '3600'] }, { name: 'gone', command: ['true'] }], 'Never') });
  await eventually(async () => (await kOk(33, ['get', 'pod', 'half', '-o', 'jsonpath={.status.containerStatuses[?(@.name=="gone")].state.terminated.reason}'])) === 'Completed', 20_000, 100);
  for (const v of [27, 33]) {
    r = await k(v, ['exec', 'half', '-c', 'gone', '--', 'true']);
    assert.match(r.stderr, /unable to upgrade connection: container not found \("gone"\)/);
  }
  // A plain POST (no upgrade) is refused as upstream does.
  r = await k(33, ['create', '--raw', '/api/v1/namespaces/default/pods/box/exec?command=true&stdout=true&container=a', '-f', '-'], { input: '{}' });
  assert.match(r.stderr, /Upgrade request required/);
});
