// A TCP echo server on 127.0.0.1 (a random port): what port-forward tests forward to.
import { once } from 'node:events';
import { createServer, Server } from 'node:net';

export async function startEchoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}
