// A small TCP balancer for tests, as a load balancer in front of several API servers: each new connection goes to
// the next backend in turn; a backend that refuses the connection is skipped (the next one is tried), so clients
// keep working while any backend is up. Connections are spliced byte for byte (TLS passes through untouched).
// Listens on 127.0.0.1 unless given another local address (a test bridge's, for machines in network namespaces).
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpBalancer {
  port: number;
  /** Which backend (index) each accepted connection went to, in order. */
  readonly picks: number[];
  close(): Promise<void>;
}

export async function startTcpBalancer(backends: { host: string; port: number }[], listenHost = '127.0.0.1'): Promise<TcpBalancer> {
  let next = 0;
  const picks: number[] = [];
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    // Each connection walks every backend once from its own starting point: a shared counter advanced per attempt
    // would let concurrent connections' retries land on the same dead backend twice and give up with a live one left.
    const first = next++;
    const tryBackend = (attempt: number) => {
      if (attempt >= backends.length) {
        client.destroy();
        return;
      }
      const i = (first + attempt) % backends.length;
      const upstream = createConnection(backends[i]!);
      const onConnectError = () => {
        upstream.destroy();
        tryBackend(attempt + 1);
      };
      upstream.once('error', onConnectError);
      upstream.once('connect', () => {
        upstream.off('error', onConnectError);
        picks.push(i);
        open.add(upstream);
        upstream.on('close', () => {
          open.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => upstream.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenHost, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    picks,
    close: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }),
  };
}
