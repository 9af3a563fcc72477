// The baseline: a bare Node HTTPS server with Berth's own serving certificate and the same TLS options (client
// certificates requested, verified against the cluster CA), answering every request with one fixed JSON body.
// Usage: node baseline-server.js <pkiDir> <bodyFile>; prints `server: https://127.0.0.1:PORT` when listening.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const [pkiDir, bodyFile] = process.argv.slice(2);
if (!pkiDir || !bodyFile) {
  process.stderr.write('usage: baseline-server <pkiDir> <bodyFile>\n');
  process.exit(2);
}
const body = readFileSync(bodyFile);
const pem = (name: string) => readFileSync(join(pkiDir, name), 'utf8');

const server = createServer(
  { key: pem('apiserver.key'), cert: pem('apiserver.crt'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: false },
  (req, res) => {
    // Drain any request body before answering, as a real handler would.
    req.resume();
    req.on('end', () => {
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    });
  },
);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`server: https://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGINT', () => server.close(() => process.exit(0)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
