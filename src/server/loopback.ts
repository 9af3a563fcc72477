// The in-process components' own way in, like kube-apiserver's loopback client: plain HTTP/1.1 on a Linux abstract
// Unix socket with a random name (nothing on disk, no path-length limit, unreachable from the network; other systems
// have no abstract sockets and get a port on 127.0.0.1 instead), authenticated by a random bearer token that only
// this process knows. It spares every component request the TLS encryption,
// handshakes and client-certificate checks the public port needs; what a request may do is unchanged, since the
// token names upstream's loopback identity, system:apiserver in system:masters.
import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerTokenAuthenticator } from '../pki/authn.js';
import type { UserInfo } from '../registry/types.js';

/** Upstream's loopback identity. */
export const LOOPBACK_USER: UserInfo = { username: 'system:apiserver', groups: ['system:masters'] };

/** Where and how a component client reaches the loopback server. */
export type LoopbackConnection = { token: string } & (
  /** Linux: abstract socket name, starting with NUL. */
  | { socketPath: string }
  /** Elsewhere: a port on 127.0.0.1. */
  | { port: number }
);

export interface LoopbackServer {
  connection: LoopbackConnection;
  /** Stops listening and ends every connection, open watches included. */
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Starts the loopback server. `handlerFor` gets the authenticator that knows only the loopback token and returns
 * the request handler (the public port's, so both serve the same API).
 */
export async function startLoopbackServer(
  handlerFor: (authenticate: (req: IncomingMessage) => UserInfo | undefined) => Handler,
  opts: { abstractSocket?: boolean } = {},
): Promise<LoopbackServer> {
  const token = randomBytes(32).toString('base64url');
  const socketPath = (opts.abstractSocket ?? process.platform === 'linux') ? `\0berth-${randomBytes(16).toString('hex')}` : undefined;
  const server: Server = createServer(handlerFor(bearerTokenAuthenticator(token, LOOPBACK_USER)));
  // Longer than the clients' keep-alive, so the client is the side that closes idle connections.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolve();
    };
    if (socketPath) server.listen(socketPath, listening);
    else server.listen(0, '127.0.0.1', listening);
  });
  let closed: Promise<void> | undefined;
  return {
    connection: socketPath ? { socketPath, token } : { port: (server.address() as AddressInfo).port, token },
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
