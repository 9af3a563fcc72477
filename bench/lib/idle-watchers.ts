// Memory per idle watcher: N watch streams, each on its own TLS connection as N separate clients would open them,
// on a namespace where nothing changes; the server's RSS before and after, divided by N.
import tls from 'node:tls';
import type { Tls } from './load.js';
import { memoryMiB } from './processes.js';

export interface IdleWatchersResult {
  watchers: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  /** (after − before) / watchers, in KiB. */
  perWatcherKiB: number;
}

export async function measureIdleWatchers(opts: { origin: string; tls: Tls; pid: number; namespace: string; watchers: number; settleMs: number }): Promise<IdleWatchersResult> {
  const url = new URL(opts.origin);
  const path = `/api/v1/namespaces/${opts.namespace}/configmaps?watch=1&allowWatchBookmarks=true`;
  await sleep(opts.settleMs);
  const before = memoryMiB(opts.pid).rss;
  const sockets: tls.TLSSocket[] = [];
  try {
    await Promise.all(Array.from({ length: opts.watchers }, () => new Promise<void>((resolve, reject) => {
      const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: opts.tls.ca, cert: opts.tls.cert, key: opts.tls.key, ALPNProtocols: ['http/1.1'] });
      sockets.push(socket);
      socket.once('error', reject);
      socket.once('secureConnect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`));
      // the response head means the server holds the watch
      socket.once('data', (d: Buffer) => (d.toString('latin1').startsWith('HTTP/1.1 200') ? resolve() : reject(new Error(d.toString('latin1').split('\r\n')[0]))));
    })));
    await sleep(opts.settleMs);
    const after = memoryMiB(opts.pid).rss;
    return { watchers: opts.watchers, rssBeforeMiB: before, rssAfterMiB: after, perWatcherKiB: ((after - before) * 1024) / opts.watchers };
  } finally {
    for (const s of sockets) s.destroy();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
