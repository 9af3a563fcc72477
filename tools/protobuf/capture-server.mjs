// Records the bodies kubectl POSTs (used to produce test/unit/protobuf/fixtures). Serves /version and just enough
// discovery for `kubectl create ...`; every POST body is written to <outdir>/NN-Kind.bin and answered 201.
// Usage: node capture-server.mjs /tmp/out  (listens on 127.0.0.1:18099, plain HTTP)
import http from 'node:http';
import fs from 'node:fs';
const out = process.argv[2] || '/tmp/cap/out';
fs.mkdirSync(out, { recursive: true });
const groups = {
  '': { v: 'v1', res: [['namespaces','Namespace',false],['configmaps','ConfigMap',true],['secrets','Secret',true],['serviceaccounts','ServiceAccount',true],['services','Service',true],['resourcequotas','ResourceQuota',true],['pods','Pod',true],['serviceaccounts/token','TokenRequest',true],['nodes','Node',false]] },
  apps: { v: 'v1', res: [['deployments','Deployment',true]] },
  batch: { v: 'v1', res: [['jobs','Job',true],['cronjobs','CronJob',true]] },
  'rbac.authorization.k8s.io': { v: 'v1', res: [['roles','Role',true],['rolebindings','RoleBinding',true],['clusterroles','ClusterRole',false],['clusterrolebindings','ClusterRoleBinding',false]] },
  'authorization.k8s.io': { v: 'v1', res: [['selfsubjectaccessreviews','SelfSubjectAccessReview',false]] },
  'authentication.k8s.io': { v: 'v1', res: [['selfsubjectreviews','SelfSubjectReview',false]] },
  policy: { v: 'v1', res: [['poddisruptionbudgets','PodDisruptionBudget',true]] },
  'scheduling.k8s.io': { v: 'v1', res: [['priorityclasses','PriorityClass',false]] },
  'networking.k8s.io': { v: 'v1', res: [['ingresses','Ingress',true]] },
};
const resList = (g) => ({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: g === '' ? 'v1' : `${g}/v1`, resources: groups[g].res.map(([name, kind, ns]) => ({ name, singularName: '', namespaced: ns, kind, verbs: ['create','delete','get','list','patch','update','watch'] })) });
let n = 0;
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    console.log(req.method, req.url, req.headers['content-type'] || '', req.headers['accept'] || '', body.length);
    const u = new URL(req.url, 'http://x');
    const send = (code, obj) => { res.writeHead(code, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); };
    if (u.pathname === '/version') return send(200, { major: '1', minor: '33', gitVersion: 'v1.33.0' });
    if (u.pathname === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
    if (u.pathname === '/apis') return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: Object.keys(groups).filter(Boolean).map((g) => ({ name: g, versions: [{ groupVersion: `${g}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${g}/v1`, version: 'v1' } })) });
    if (u.pathname === '/api/v1') return send(200, resList(''));
    const m = u.pathname.match(/^\/apis\/([^/]+)\/v1$/);
    if (m && groups[m[1]]) return send(200, resList(m[1]));
    if (req.method === 'POST') {
      const seg = u.pathname.split('/');
      const resource = seg[seg.length - 1] === 'token' ? 'serviceaccounts/token' : seg[seg.length - 1];
      let kind = 'Unknown', gv = 'v1';
      for (const [g, d] of Object.entries(groups)) for (const [r, k] of d.res) if (r === resource) { kind = k; gv = g ? `${g}/v1` : 'v1'; }
      const name = `${String(++n).padStart(2, '0')}-${kind}`;
      const tag = process.env.TAG || '';
      fs.writeFileSync(`${out}/${tag || name}.bin`, body);
      fs.writeFileSync(`${out}/${tag || name}.meta`, `${req.method} ${req.url}\n${req.headers['content-type']}\n`);
      return send(201, { kind, apiVersion: gv, metadata: { name: 'x', namespace: 'default' } });
    }
    send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', message: 'not found' });
  });
}).listen(18099, '127.0.0.1', () => console.log('listening'));
