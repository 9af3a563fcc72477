// The loopback channel of Berth's in-process components: an abstract Unix socket with a random name, an in-memory
// token naming system:apiserver, 401 for anyone else, connections kept across DELETEs with bodies, and close()
// ending it all; two Berths in one process each get their own.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { KubeClient } from '../../../src/client/client.js';
import type { ResourceDescriptor } from '../../../src/client/resources.js';
import { registerReviewHandlers } from '../../../src/registry/authorization/rest.js';
import { startBerth } from '../../../src/server/berth.js';
import { SharedTransport } from '../../../src/server/component-client.js';
import type { Component, ComponentContext } from '../../../src/server/components.js';
import { startLoopbackServer, type LoopbackConnection } from '../../../src/server/loopback.js';

interface Reply { status: number; body: string }

/** One plain HTTP request on an abstract socket, on a fresh connection. */
function call(socketPath: string, method: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ socketPath, method, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Abstract sockets named `berth-…` that this process holds (Linux lists them as `@name`, NUL padding as `@`);
 * other processes' Berths on the machine are left out by matching the socket inodes of our own descriptors.
 */
function berthSockets(): Set<string> {
  const ours = new Set(readdirSync('/proc/self/fd').map((fd) => {
    try {
      return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
    } catch {
      return undefined;
    }
  }).filter((i) => i !== undefined));
  const names = readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/))
    .filter((cols) => ours.has(cols[6]) && cols[7]?.startsWith('@berth-')).map((cols) => cols[7]!.replace(/@+$/, ''));
  return new Set(names.map((n) => `\0${n.slice(1)}`));
}

const whoAmIResource: ResourceDescriptor = { group: 'authentication.k8s.io', version: 'v1', resource: 'selfsubjectreviews', namespaced: false, kind: 'SelfSubjectReview' };
async function whoAmI(client: KubeClient): Promise<{ username?: string; groups?: string[] }> {
  const review = await client.create(whoAmIResource, { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} } as KubeObject);
  return (review.status as { userInfo: { username?: string; groups?: string[] } }).userInfo;
}

/** The abstract socket the loopback server listens on (these tests run on Linux). */
function socketOf(conn: LoopbackConnection): string {
  assert.ok('socketPath' in conn, 'on Linux the loopback server listens on an abstract socket');
  return conn.socketPath;
}

describe('loopback server', () => {
  test('only its own token authenticates, as system:apiserver in system:masters', async () => {
    const lb = await startLoopbackServer((authenticate) => (req, res) => res.end(JSON.stringify(authenticate(req) ?? null)));
    try {
      const { token } = lb.connection;
      const socketPath = socketOf(lb.connection);
      assert.match(socketPath, /^\0berth-[0-9a-f]{32}$/);
      assert.equal(Buffer.from(token, 'base64url').length, 32);
      const as = async (authorization?: string) =>
        JSON.parse((await call(socketPath, 'GET', '/api', authorization ? { authorization } : {})).body) as unknown;
      assert.deepEqual(await as(`Bearer ${token}`), { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] });
      assert.equal(await as(), null);
      assert.equal(await as(`Bearer ${token}x`), null);
      assert.equal(await as(`Bearer ${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`), null);
      assert.equal(await as(`Basic ${token}`), null);
    } finally {
      await lb.close();
    }
  });

  test('close() ends idle keep-alive connections and stops listening', async () => {
    let serverSide: Socket | undefined;
    const lb = await startLoopbackServer(() => (req, res) => {
      serverSide = req.socket;
      res.end('ok');
    });
    const socketPath = socketOf(lb.connection);
    const agent = new HttpAgent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest({ socketPath, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(serverSide?.destroyed, false);
    await lb.close(); // would wait for the idle connection's keep-alive timeout (65 s) if it did not end it
    assert.equal(serverSide?.destroyed, true);
    agent.destroy();
    await assert.rejects(call(socketPath, 'GET', '/'), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
  });

  test('the components\' transport keeps one connection across DELETEs with a body', async () => {
    const sockets = new Set<Socket>();
    const lb = await startLoopbackServer((authenticate) => (req: IncomingMessage, res) => {
      sockets.add(req.socket);
      let body = '';
      req.on('data', (d: Buffer) => (body += d));
      req.on('end', () => res.end(JSON.stringify({ user: authenticate(req)?.username, body })));
    });
    const transport = new SharedTransport(lb.connection);
    try {
      for (let i = 0; i < 10; i++) {
        const res = await transport.request({ method: 'DELETE', path: `/api/v1/namespaces/default/pods/p${i}`, headers: { 'content-type': 'application/json' }, body: '{"kind":"DeleteOptions","apiVersion":"v1"}' });
        assert.deepEqual(JSON.parse(await res.text()), { user: 'system:apiserver', body: '{"kind":"DeleteOptions","apiVersion":"v1"}' });
      }
      // undici may open a second connection while the first is being released, but it no longer drops one per
      // DELETE (it would open ten here)
      assert.ok(sockets.size <= 2, `${sockets.size} connections for 10 sequential DELETEs`);
    } finally {
      await transport.close();
      await lb.close();
    }
  });

  test('without abstract sockets (not Linux) it listens on 127.0.0.1, still token-only, and the transport follows', async () => {
    const lb = await startLoopbackServer((authenticate) => (req, res) => res.end(JSON.stringify(authenticate(req)?.username ?? null)), { abstractSocket: false });
    const transport = new SharedTransport(lb.connection);
    try {
      assert.ok('port' in lb.connection && lb.connection.port > 0);
      const res = await transport.request({ method: 'GET', path: '/api', headers: {} });
      assert.equal(JSON.parse(await res.text()), 'system:apiserver');
      const stranger = await fetch(`http://127.0.0.1:${lb.connection.port}/api`);
      assert.equal(await stranger.json(), null, 'no token, no user');
    } finally {
      await transport.close();
      await lb.close();
    }
  });
});

describe('Berth\'s loopback', () => {
  test('components reach the API as system:apiserver over their own socket; the public port and kubeconfig are unchanged; two Berths do not collide', async () => {
    const dirs = [mkdtempSync(join(tmpdir(), 'berth-loopback-a-')), mkdtempSync(join(tmpdir(), 'berth-loopback-b-'))];
    const contexts: ComponentContext[] = [];
    const probe: Component = {
      name: 'probe', controller: true,
      async start(c) {
        registerReviewHandlers(c.server); // SelfSubjectReview tells who a request was authenticated as
        contexts.push(c);
        return { stop() {} };
      },
    };
    const before = berthSockets();
    const first = await startBerth({ dataDir: dirs[0]!, port: 0, components: [probe] });
    const firstSockets = [...berthSockets()].filter((s) => !before.has(s));
    const second = await startBerth({ dataDir: dirs[1]!, port: 0, components: [probe] });
    const secondSockets = [...berthSockets()].filter((s) => !before.has(s) && !firstSockets.includes(s));
    try {
      assert.equal(firstSockets.length, 1);
      assert.equal(secondSockets.length, 1);
      for (const ctx of contexts) {
        assert.deepEqual(await whoAmI(ctx.client), { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] });
        // the components' writes still carry their field managers
        const cm = await ctx.clientAs({ userAgent: 'berth-node-agent', fieldManager: 'kubelet' })
          .create({ group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm', namespace: 'default' }, data: { a: '1' } } as KubeObject);
        assert.deepEqual(cm.metadata.managedFields?.map((f) => f.manager), ['kubelet']);
      }
      const external = KubeClient.fromKubeconfig({ path: first.kubeconfigPath }, { userAgent: 'test' });
      try {
        assert.equal((await whoAmI(external)).username, 'berth-admin');
        assert.match(first.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      } finally {
        await external.close();
      }
      // anyone on the socket without the token: 401 like the public port, public paths still answer
      const socketPath = firstSockets[0]!;
      const denied = await call(socketPath, 'GET', '/api/v1/namespaces');
      assert.equal(denied.status, 401);
      assert.equal((JSON.parse(denied.body) as { reason: string }).reason, 'Unauthorized');
      assert.equal((await call(socketPath, 'GET', '/api/v1/namespaces', { authorization: 'Bearer not-the-token' })).status, 401);
      assert.equal((await call(socketPath, 'GET', '/version')).status, 200);
    } finally {
      await first.close();
      await second.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
    const left = berthSockets();
    assert.ok(!left.has(firstSockets[0]!) && !left.has(secondSockets[0]!), 'close() stops both loopback servers');
  });
});
