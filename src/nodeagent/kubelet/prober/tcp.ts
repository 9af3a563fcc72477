// The tcpSocket probe (kubernetes pkg/probe/tcp): success is a completed connect within the timeout.
import net from 'node:net';
import { dialErrorText, joinHostPort } from '../go-net.js';
import type { ProbeOutcome } from './results.js';

/** DoTCPProbe. */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (outcome: ProbeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ result: 'failure', output: `dial tcp ${joinHostPort(host, port)}: i/o timeout` }), timeoutMs);
    socket.once('connect', () => done({ result: 'success', output: '' }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ result: 'failure', output: dialErrorText(err, host, port) }));
  });
}
