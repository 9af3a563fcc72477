// Go net package behaviour the kubelet's texts depend on: net.JoinHostPort, and socket errors worded as net.OpError
// words them, since probe failures show them verbatim in events (`dial tcp 10.244.0.5:80: connect: connection refused`).

const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

/** net.JoinHostPort. */
export const joinHostPort = (host: string, port: number | string) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** A failed dial, as net.OpError prints it. */
export function dialErrorText(err: NodeJS.ErrnoException, host: string, port: number): string {
  const addr = joinHostPort(host, port);
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `dial tcp: lookup ${host}: no such host`;
  const text = CONNECT_ERRORS[err.code ?? ''];
  if (text) return `dial tcp ${addr}: connect: ${text}`;
  return `dial tcp ${addr}: ${err.message}`;
}

/** An error on an established connection (read/write), as net.OpError prints it. */
export function connErrorText(err: NodeJS.ErrnoException, local: string, remote: string): string {
  if (err.code === 'ECONNRESET') return `read tcp ${local}->${remote}: read: connection reset by peer`;
  if (err.code === 'EPIPE') return `write tcp ${local}->${remote}: write: broken pipe`;
  return err.message;
}
