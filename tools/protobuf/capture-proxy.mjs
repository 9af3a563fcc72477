// Records the protobuf request bodies real clients send to a running Berth (used for test/unit/protobuf/fixtures):
// a plain-HTTP listener that forwards every request to the Berth of a kubeconfig with that kubeconfig's admin
// certificate, and writes each `application/vnd.kubernetes.protobuf` body to <outdir>/NN-METHOD-resource.bin.
// Usage: node capture-proxy.mjs <berth kubeconfig> <outdir> [port=18098]; point the client at http://127.0.0.1:<port>.
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';

const [kubeconfig, out = '/tmp/cap/out', port = '18098'] = process.argv.slice(2);
const text = fs.readFileSync(kubeconfig, 'utf8');
const field = (name) => new RegExp(`${name}: (\\S+)`).exec(text)[1];
const b64 = (name) => Buffer.from(field(name), 'base64');
const server = new URL(field('server'));
const tls = { ca: b64('certificate-authority-data'), cert: b64('client-certificate-data'), key: b64('client-key-data') };
fs.mkdirSync(out, { recursive: true });
let n = 0;
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const ct = req.headers['content-type'] ?? '';
    if (ct.startsWith('application/vnd.kubernetes.protobuf') && body.length) {
      const path = new URL(req.url, 'http://x').pathname.split('/').filter(Boolean);
      const name = `${String(++n).padStart(2, '0')}-${req.method}-${path.slice(-3).join('_')}.bin`;
      fs.writeFileSync(`${out}/${name}`, body);
      console.log('captured', name, req.url);
    }
    const headers = { ...req.headers, host: server.host };
    const up = https.request({ ...tls, host: server.hostname, port: server.port, method: req.method, path: req.url, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
    up.end(body);
  });
}).listen(Number(port), '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));
