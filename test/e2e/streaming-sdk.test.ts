// The SDK's exec/attach/logs/portForward helpers (client toolkit), over HTTPS (WebSocket v5 for exec, SPDY for
// port-forward) and in-process for Berth's own components (no upgrade: the API server's own path), against pods of
// the test-only HostRuntime.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, Server } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { ApiError } from '../../src/apimachinery/errors.js';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { KubeClient } from '../../src/client/client.js';
import { builtin } from '../../src/client/resources.js';
import type { Component } from '../../src/component/contract.js';
import { startEchoServer } from '../support/echo-server.js';
import { startStreamingCluster, StreamingCluster } from '../support/streaming-cluster.js';
import { eventually } from './harness.js';

let c: StreamingCluster;
let inProcess: KubeClient;
let overHttps: KubeClient;
let echo: Server;
let echoPort: number;

const probe: Component = {
  name: 'sdk-probe', controller: true,
  async start(ctx) {
    inProcess = ctx.clientAs({ userAgent: 'sdk-probe' });
    return { stop() {} };
  },
};

before(async () => {
  c = await startStreamingCluster({ runtime: 'host', extraComponents: [probe] });
  overHttps = KubeClient.fromKubeconfig({ path: c.kubeconfig }, { userAgent: 'sdk-test' });
  ({ server: echo, port: echoPort } = await startEchoServer());
  const pod = (name: string, command: string[]): KubeObject => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'main', image: 'busybox', command }] },
  } as KubeObject);
  await overHttps.create(builtin.pods, pod('sdk', ['sh', '-c', 'echo hello log; exec sleep 3600']));
  await eventually(async () => ((await overHttps.get(builtin.pods, 'sdk', { namespace: 'default' })).status as { phase?: string })?.phase === 'Running', 20_000, 50);
  await eventually(async () => (await overHttps.logs('sdk')) === 'hello log\n', 20_000, 50);
});

after(async () => {
  echo?.close();
  await overHttps?.close();
  await c?.stop();
});

for (const [label, get] of [['over HTTPS', () => overHttps], ['in-process', () => inProcess]] as const) {
  describe(`SDK ${label}`, () => {
    test('exec: output, exit code, stdin to EOF', async () => {
      const r = await get().exec('sdk', ['sh', '-c', 'echo out; echo err >&2; exit 3']);
      assert.deepEqual(r, { exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
      const cat = await get().exec('sdk', ['wc', '-c'], { stdin: 'x'.repeat(300_000) });
      assert.equal(cat.stdout.trim(), '300000');
      assert.equal(cat.exitCode, 0);
    });

    test('exec into streams, with a terminal and a resize', async () => {
      let text = '';
      const out = new Writable({ write(chunk: Buffer, _e, cb) { text += chunk; cb(); } });
      const stdin = new PassThrough();
      const r = get().exec('sdk', ['sh'], {
        tty: true, stdin, stdout: out,
        onResize: (listener) => listener({ width: 90, height: 20 }),
      });
      stdin.write('stty size; exit 2\n');
      const done = await r;
      assert.equal(done.exitCode, 2);
      assert.match(text, /20 90/);
      assert.equal(out.writableEnded, false, 'the caller\'s writer is not ended');
    });

    test('errors are ApiErrors: unknown pod, unknown container', async () => {
      await assert.rejects(get().exec('nope', ['true']), (e: unknown) => e instanceof ApiError && e.code === 404 && /pods "nope" not found/.test(e.message));
      await assert.rejects(get().exec('sdk', ['true'], { container: 'zzz' }), (e: unknown) => e instanceof ApiError && e.code === 400 && /container zzz is not valid for pod sdk/.test(e.message));
    });

    test('logs and a following log stream', async () => {
      assert.equal(await get().logs('sdk', { tailLines: 1 }), 'hello log\n');
      const ac = new AbortController();
      const res = await get().logStream('sdk', { follow: true, signal: ac.signal });
      const it = res.body[Symbol.asyncIterator]();
      const first = await it.next();
      assert.equal(Buffer.from(first.value as Uint8Array).toString(), 'hello log\n');
      ac.abort();
      res.cancel();
    });

    test('portForward: a connection to the pod\'s port; a closed port is an error on it', async () => {
      const conn = await get().portForward('sdk', echoPort);
      conn.write('ping through the forward');
      const [data] = await once(conn, 'data');
      assert.equal(String(data), 'ping through the forward');
      conn.destroy();
      const closed = createServer();
      closed.listen(0, '127.0.0.1');
      await once(closed, 'listening');
      const deadPort = (closed.address() as { port: number }).port;
      closed.close();
      const failed = get().portForward('sdk', deadPort).then(async (d) => {
        const [err] = await once(d, 'error');
        throw err;
      });
      await assert.rejects(failed, /ECONNREFUSED/);
    });
  });
}
