// undici drops the connection after every request that carries a body its method does not expect (DELETE with
// DeleteOptions); the TLS transport keeps it, so deleting many objects does not cost a handshake each.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UndiciTransport } from '../../../src/client/http.js';
import { ensurePki } from '../../../src/pki/index.js';

test('DELETEs with a body reuse the TLS connection; the body still arrives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-transport-keepalive-'));
  const pki = await ensurePki(dir, { hosts: [] });
  const sockets = new Set<Socket>();
  const bodies: string[] = [];
  const server = createServer({ key: pki.servingKeyPem, cert: pki.servingCertPem }, (req, res) => {
    sockets.add(req.socket);
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      bodies.push(`${req.method} ${body}`);
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const transport = new UndiciTransport({ server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, ca: pki.caCertPem, namespace: 'default' });
  try {
    const deleteOptions = '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}';
    for (let i = 0; i < 10; i++) {
      const res = await transport.request({ method: 'DELETE', path: `/api/v1/namespaces/default/pods/p${i}`, headers: { 'content-type': 'application/json' }, body: deleteOptions });
      assert.equal(res.status, 200);
      await res.text();
    }
    assert.deepEqual(bodies, Array(10).fill(`DELETE ${deleteOptions}`));
    // one connection, or two while undici hands the first back; without keeping them, ten handshakes
    assert.ok(sockets.size <= 2, `${sockets.size} TLS connections for 10 sequential DELETEs`);
  } finally {
    await transport.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
});
