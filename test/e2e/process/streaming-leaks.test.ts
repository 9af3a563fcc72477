// 500 exec and port-forward sessions against a real pod (`berth up --runtime process`; root on Linux only) leave
// nothing behind: Berth's descriptors and sockets (counted in /proc/<berth>/fd), Berth's child processes (the
// helpers that enter the pod for an exec or dial its port), and the processes in the pod's cgroup (an exec'd command
// runs there) are back to where they were. Sessions end every way a session ends: the command exits, the client
// closes the forwarded connection, the pod side closes it, and clients that vanish mid-session (a killed kubectl, a
// dropped socket). ../streaming-robustness.test.ts does the same against the test-only HostRuntime.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { KubeClient } from '../../../src/client/client.js';
import { builtin } from '../../../src/client/resources.js';
import { kubectlBinary } from '../../support/real-clients.js';
import { eventually, instanceId, podField, RealCluster, realPodsUnavailable, startRealCluster, needsRealPods, waitReady } from './harness.js';

let c: RealCluster | undefined;
let client: KubeClient;
const ECHO_PORT = 7007;

before(async () => {
  if (realPodsUnavailable()) return;
  c = await startRealCluster();
  client = KubeClient.fromKubeconfig({ path: c.kubeconfig }, { userAgent: 'streaming-leaks-test' });
  // An echo server on the pod's 127.0.0.1; a connection that sends "bye" is closed by the pod side.
  const echo = [
    'import socket, threading',
    `srv = socket.create_server(('127.0.0.1', ${ECHO_PORT}), backlog=128)`,
    'def pump(c):',
    '    while (d := c.recv(65536)):',
    '        c.sendall(d)',
    "        if d.endswith(b'bye'): break",
    '    c.close()',
    'while True: threading.Thread(target=pump, args=(srv.accept()[0],), daemon=True).start()',
  ].join('\n');
  await client.create(builtin.pods, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'target', namespace: 'default' },
    spec: { containers: [{ name: 'main', image: 'busybox', command: ['python3', '-c', echo] }] },
  } as KubeObject);
  await waitReady(c, 'default', 'target');
});

after(async () => {
  await client?.close();
  await c?.stop();
  c?.cleanup();
});

/** Berth's open descriptors, and how many of them are sockets. */
function berthFds(): { fds: number; sockets: number } {
  const dir = `/proc/${c!.proc.pid}/fd`;
  let fds = 0;
  let sockets = 0;
  for (const fd of readdirSync(dir)) {
    try {
      const link = readlinkSync(`${dir}/${fd}`);
      fds++;
      if (link.startsWith('socket:')) sockets++;
    } catch {
      // closed meanwhile
    }
  }
  return { fds, sockets };
}

/** Processes whose parent is Berth (the helpers of execs and port-forwards, and the pods' sandboxes). */
function berthChildren(): number {
  let n = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === c!.proc.pid) n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

/** Processes in the pod's cgroup tree, `berth-<id>/<qos>/pod<uid>/…` (its containers' and what execs started there). */
/** The command lines of the processes in the target pod's cgroups. */
async function podProcessList(): Promise<string[]> {
  const uid = await podField(c!, 'default', 'target', '{.metadata.uid}');
  const root = existsSync('/sys/fs/cgroup/cgroup.controllers') ? '/sys/fs/cgroup' : '/sys/fs/cgroup/memory';
  const out: string[] = [];
  const walk = (dir: string, inPod: boolean) => {
    if (inPod) {
      for (const pid of readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean)) {
        let cmd = '?';
        try {
          cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
        } catch {
          // exited meanwhile
        }
        out.push(`${pid} ${cmd}`);
      }
    }
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(`${dir}/${e.name}`, inPod || e.name === `pod${uid}`);
  };
  walk(`${root}/berth-${instanceId(c!)}`, false);
  return out;
}

async function podProcesses(): Promise<number> {
  return (await podProcessList()).length;
}

async function echoOnce(conn: Duplex, payload: string): Promise<string> {
  conn.write(payload);
  let got = '';
  while (got.length < payload.length) got += String((await once(conn, 'data'))[0]);
  return got;
}

test('500 exec and port-forward sessions against a real pod leave no process, descriptor or socket behind', { timeout: 420_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  // Warm up (the first sessions load modules and open pools), then take the baseline.
  assert.equal((await client.exec('target', ['true'])).exitCode, 0);
  const warm = await client.portForward('target', ECHO_PORT);
  assert.equal(await echoOnce(warm, 'warm'), 'warm');
  warm.destroy();
  await new Promise((r) => setTimeout(r, 1000));
  const before = { ...berthFds(), children: berthChildren(), pod: await podProcesses() };
  assert.ok(before.pod >= 1, 'the pod\'s processes are found in its cgroup');
  let sessions = 0;

  // 250 execs (WebSocket v5), 25 at a time: output and exit codes; some write stdin.
  for (let batch = 0; batch < 10; batch++) {
    await Promise.all(Array.from({ length: 25 }, async (_, i) => {
      const n = batch * 25 + i;
      const r = n % 5 === 0
        ? await client.exec('target', ['cat'], { stdin: `in ${n}\n` })
        : await client.exec('target', ['sh', '-c', `echo ${n}; exit ${n % 7}`]);
      assert.equal(r.stdout, n % 5 === 0 ? `in ${n}\n` : `${n}\n`);
      assert.equal(r.exitCode, n % 5 === 0 ? 0 : n % 7);
      sessions++;
    }));
  }
  // 200 forwarded connections (SPDY), 25 at a time: closed by the client, or by the pod side.
  for (let batch = 0; batch < 8; batch++) {
    await Promise.all(Array.from({ length: 25 }, async (_, i) => {
      const conn = await client.portForward('target', ECHO_PORT);
      conn.on('error', () => {});
      if (i % 2) {
        assert.equal(await echoOnce(conn, `connection ${batch}-${i}`), `connection ${batch}-${i}`);
        conn.destroy();
      } else {
        assert.equal(await echoOnce(conn, 'bye'), 'bye');
        if (!conn.readableEnded) await once(conn, 'end');
        conn.destroy();
      }
      sessions++;
    }));
  }
  // 50 sessions whose client vanishes: SDK execs of a long command aborted, forwarded connections dropped while open,
  // and kubectl (1.27 SPDY, 1.35 WebSocket) exec and port-forward killed mid-session.
  await Promise.all(Array.from({ length: 20 }, async () => {
    const abort = new AbortController();
    const run = client.exec('target', ['sleep', '300'], { signal: abort.signal }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    abort.abort();
    await run;
    sessions++;
  }));
  await Promise.all(Array.from({ length: 20 }, async (_, i) => {
    const conn = await client.portForward('target', ECHO_PORT);
    conn.on('error', () => {});
    assert.equal(await echoOnce(conn, `dropped ${i}`), `dropped ${i}`);
    conn.destroy();
    sessions++;
  }));
  const env = { HOME: c!.home, KUBECONFIG: c!.kubeconfig, PATH: process.env.PATH! };
  for (const v of [27, 35]) {
    for (let i = 0; i < 3; i++) {
      const kc = spawn(kubectlBinary(v), ['exec', 'target', '--', 'sleep', '300'], { env, stdio: 'ignore' });
      await eventually(() => berthChildren() > before.children, 20_000, 50);
      kc.kill('SIGKILL');
      if (kc.exitCode === null && kc.signalCode === null) await once(kc, 'exit');
      sessions++;
    }
    for (let i = 0; i < 2; i++) {
      const kc = spawn(kubectlBinary(v), ['port-forward', 'pod/target', `:${ECHO_PORT}`], { env });
      let out = '';
      kc.stdout.on('data', (d) => { out += d; });
      const local = await eventually(() => Number(/127\.0\.0\.1:(\d+)/.exec(out)?.[1]) || undefined, 20_000, 50);
      const { connect } = await import('node:net');
      const sock = connect(local, '127.0.0.1');
      sock.on('error', () => {});
      assert.equal(await echoOnce(sock, 'via kubectl'), 'via kubectl');
      kc.kill('SIGKILL');
      if (kc.exitCode === null && kc.signalCode === null) await once(kc, 'exit');
      sock.destroy();
      sessions++;
    }
  }
  assert.equal(sessions, 500);

  // Everything those sessions started is gone: give teardown (process exits, socket closes) a moment.
  const settled = await eventually(async () => {
    const now = { ...berthFds(), children: berthChildren(), pod: await podProcesses() };
    return now.children === before.children && now.pod === before.pod && now.fds <= before.fds + 3 && now.sockets <= before.sockets + 3 ? now : undefined;
  }, 60_000, 250).catch(async () => {
    const now = { ...berthFds(), children: berthChildren(), pod: await podProcesses() };
    throw new Error(`left behind after 500 sessions: before ${JSON.stringify(before)}, after ${JSON.stringify(now)}; in the pod: ${(await podProcessList()).join('; ')}`);
  });
  t.diagnostic(`before ${JSON.stringify(before)}, after ${JSON.stringify(settled)}`);
  // And the pod still serves; a port nobody listens on is the kubelet's error, not a hang.
  assert.equal((await client.exec('target', ['echo', 'still here'])).stdout, 'still here\n');
  const closed = await client.portForward('target', 1);
  const [err] = await once(closed, 'error');
  assert.match(String(err.message), /error forwarding port 1 to pod default\/target, uid .*: failed to connect to localhost:1 inside the pod's network namespace/);
});
