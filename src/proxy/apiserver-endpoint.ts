// The API server as pods see it. It listens on the host's loopback; pods reach the `kubernetes` Service, whose
// endpoint is the host's address on the pod network (see hostAddressOnPodNetwork) at the API server's port. This
// forwards those TCP connections to the API server unchanged — TLS, client certificates and tokens pass through
// end to end, as through a TCP load balancer in front of kube-apiserver.
import net from 'node:net';

export interface RunningForwarder {
  close(): Promise<void>;
}

export async function startTcpForwarder(listen: { host: string; port: number }, target: { host: string; port: number }): Promise<RunningForwarder> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => { /* keep forwarding */ });
  return {
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
