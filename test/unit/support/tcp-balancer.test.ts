// The test balancer in front of several API servers: with one backend down, every connection, however many arrive
// at once, reaches the live one (a connection must not give up while a backend it has not tried is up).
import assert from 'node:assert/strict';
import { createConnection, createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { startTcpBalancer } from '../../support/tcp-balancer.js';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as { port: number }).port;
}

test('with one backend down, 200 concurrent connections all reach the live backend', async () => {
  const live = createServer((s) => s.end('live'));
  const livePort = await listen(live);
  const dead = createServer();
  const deadPort = await listen(dead);
  await new Promise<void>((resolve) => dead.close(() => resolve()));
  const balancer = await startTcpBalancer([{ host: '127.0.0.1', port: deadPort }, { host: '127.0.0.1', port: livePort }]);
  try {
    const answers = await Promise.all(Array.from({ length: 200 }, () => new Promise<string>((resolve) => {
      const sock = createConnection({ host: '127.0.0.1', port: balancer.port });
      let got = '';
      sock.on('data', (d) => { got += d; });
      sock.on('error', () => resolve(`error after ${JSON.stringify(got)}`));
      sock.on('close', () => resolve(got));
    })));
    assert.deepEqual(answers.filter((a) => a !== 'live'), []);
    assert.ok(balancer.picks.every((i) => i === 1));
  } finally {
    await balancer.close();
    await new Promise<void>((resolve) => live.close(() => resolve()));
  }
});
