// API priority and fairness against the real `berth up` and real clients: the flowcontrol objects served as kubectl
// shows them, each answer naming its FlowSchema and priority level, 429 with Retry-After when a level is full, and
// the noisy neighbour — one client listing a big namespace in a loop must not slow another user's GETs.
// Bounded in time; BERTH_HEAVY=1 lists 10,000 objects instead of 2,000 and asserts the 50 ms bound.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import https from 'node:https';
import { startCluster, kubectlOk, rawRequest, credentials, eventually, type Cluster } from './harness.js';

const HEAVY = process.env.BERTH_HEAVY === '1';
let c: Cluster;

before(async () => {
  c = await startCluster({ args: ['--no-controllers'] });
  // Every authenticated user may do anything: the users below are impersonated and need RBAC to act.
  await kubectlOk(c, ['create', 'clusterrolebinding', 'everyone-admin', '--clusterrole=cluster-admin', '--group=system:authenticated']);
});

after(async () => {
  await c?.stop();
  c?.cleanup();
});

const as = (user: string) => ({ 'Impersonate-User': user });
const uidOf = async (resource: string, name: string) => (await kubectlOk(c, ['get', resource, name, '-o', 'jsonpath={.metadata.uid}'])).trim();

describe('flowcontrol.apiserver.k8s.io/v1 objects', () => {
  test('kubectl get flowschemas and prioritylevelconfigurations list the bootstrap configuration with upstream\'s columns', async () => {
    // MISSINGPL comes from each schema's Dangling condition, which the server writes once it has seen the levels.
    const fs = await eventually(async () => {
      const out = await kubectlOk(c, ['get', 'flowschemas']);
      return out.trim().split('\n').slice(1).every((l) => /\sFalse$/.test(l)) && out;
    }, 15_000);
    const lines = fs.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+PRIORITYLEVEL\s+MATCHINGPRECEDENCE\s+DISTINGUISHERMETHOD\s+AGE\s+MISSINGPL$/);
    // Sorted by name, as kubectl prints them; the precedence and distinguisher are upstream's.
    for (const [name, level, precedence, method] of [
      ['exempt', 'exempt', '1', '<none>'], ['probes', 'exempt', '2', '<none>'], ['system-leader-election', 'leader-election', '100', 'ByUser'],
      ['endpoint-controller', 'workload-high', '150', 'ByUser'], ['workload-leader-election', 'leader-election', '200', 'ByUser'],
      ['system-node-high', 'node-high', '400', 'ByUser'], ['system-nodes', 'system', '500', 'ByUser'], ['kube-controller-manager', 'workload-high', '800', 'ByNamespace'],
      ['kube-scheduler', 'workload-high', '800', 'ByNamespace'], ['kube-system-service-accounts', 'workload-high', '900', 'ByNamespace'],
      ['service-accounts', 'workload-low', '9000', 'ByUser'], ['global-default', 'global-default', '9900', 'ByUser'], ['catch-all', 'catch-all', '10000', 'ByUser'],
    ]) {
      assert.ok(lines.some((l) => new RegExp(`^${name}\\s+${level}\\s+${precedence}\\s+${method.replace(/[<>]/g, '\\$&')}\\s`).test(l)), `${name} in:\n${fs}`);
    }
    const pl = await kubectlOk(c, ['get', 'prioritylevelconfigurations']);
    assert.match(pl, /^NAME\s+TYPE\s+NOMINALCONCURRENCYSHARES\s+QUEUES\s+HANDSIZE\s+QUEUELENGTHLIMIT\s+AGE\n/);
    assert.match(pl, /\ncatch-all\s+Limited\s+5\s+<none>\s+<none>\s+<none>\s/);
    assert.match(pl, /\nexempt\s+Exempt\s+<none>\s+<none>\s+<none>\s+<none>\s/);
    assert.match(pl, /\nglobal-default\s+Limited\s+20\s+128\s+6\s+50\s/);
    assert.match(pl, /\nworkload-low\s+Limited\s+100\s+128\s+6\s+50\s/);
    const dangling = JSON.parse(await kubectlOk(c, ['get', 'flowschema', 'global-default', '-o', 'jsonpath={.status.conditions[0]}']));
    assert.equal(dangling.type, 'Dangling');
    assert.equal(dangling.reason, 'Found');
    assert.equal(dangling.message, 'This FlowSchema references the PriorityLevelConfiguration object named "global-default" and it exists');
    const annotations = JSON.parse(await kubectlOk(c, ['get', 'flowschema', 'catch-all', '-o', 'jsonpath={.metadata.annotations}']));
    assert.equal(annotations['apf.kubernetes.io/autoupdate-spec'], 'true');
  });

  test('invalid objects are refused with upstream\'s field errors', async () => {
    const bad = { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'PriorityLevelConfiguration', metadata: { name: 'bad' }, spec: { type: 'Limited', limited: { nominalConcurrencyShares: 1, limitResponse: { type: 'Queue', queuing: { queues: 4, handSize: 8, queueLengthLimit: 10 } } } } };
    const r = await rawRequest(c, 'POST', '/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations', JSON.stringify(bad));
    assert.equal(r.status, 422, r.body);
    assert.match(JSON.parse(r.body).message, /spec\.limited\.limitResponse\.queuing\.handSize: Invalid value: 8: should not be greater than queues \(4\)/);
  });
});

describe('bootstrap configuration kept at start (the ensurer)', () => {
  test('a changed mandatory object gets its spec back, a suggested one only while autoupdate-spec is "true", a deleted one comes back', { timeout: 120_000 }, async () => {
    const d = await startCluster({ args: ['--no-controllers'] });
    try {
      await kubectlOk(d, ['patch', 'prioritylevelconfiguration', 'catch-all', '--type=merge', '-p', '{"spec":{"limited":{"nominalConcurrencyShares":50}}}']);
      await kubectlOk(d, ['patch', 'prioritylevelconfiguration', 'workload-low', '--type=merge', '-p', '{"metadata":{"annotations":{"apf.kubernetes.io/autoupdate-spec":"false"}},"spec":{"limited":{"nominalConcurrencyShares":7}}}']);
      await kubectlOk(d, ['patch', 'prioritylevelconfiguration', 'workload-high', '--type=merge', '-p', '{"spec":{"limited":{"nominalConcurrencyShares":9}}}']);
      await kubectlOk(d, ['delete', 'flowschema', 'global-default']);
      await d.stop();
      const again = await startCluster({ dataDir: d.dataDir, args: ['--no-controllers'] });
      try {
        const shares = async (name: string) => (await kubectlOk(again, ['get', 'prioritylevelconfiguration', name, '-o', 'jsonpath={.spec.limited.nominalConcurrencyShares}'])).trim();
        assert.equal(await shares('catch-all'), '5');
        assert.equal(await shares('workload-low'), '7');
        assert.equal(await shares('workload-high'), '40');
        assert.match(await kubectlOk(again, ['get', 'flowschema', 'global-default']), /global-default\s+global-default\s+9900\s+ByUser/);
      } finally {
        await again.stop();
      }
    } finally {
      d.cleanup();
    }
  });
});

describe('classification', () => {
  test('each answer names its FlowSchema and priority level: the admin is exempt, another user global-default', async () => {
    const admin = await rawRequest(c, 'GET', '/api/v1/namespaces/default/configmaps');
    assert.equal(admin.headers['x-kubernetes-pf-flowschema-uid'], await uidOf('flowschema', 'exempt'));
    assert.equal(admin.headers['x-kubernetes-pf-prioritylevel-uid'], await uidOf('prioritylevelconfiguration', 'exempt'));
    const alice = await rawRequest(c, 'GET', '/api/v1/namespaces/default/configmaps', undefined, as('alice'));
    assert.equal(alice.status, 200, alice.body);
    assert.equal(alice.headers['x-kubernetes-pf-flowschema-uid'], await uidOf('flowschema', 'global-default'));
    assert.equal(alice.headers['x-kubernetes-pf-prioritylevel-uid'], await uidOf('prioritylevelconfiguration', 'global-default'));
  });

  test('a saturated level answers 429 with Retry-After and upstream\'s message; a watch takes no seat; seats come back', async () => {
    // A level of its own for one user: Reject, 1 share of 600 seats over all shares → ceil(600 × 1 / 246) = 3 seats.
    await kubectlOk(c, ['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1', kind: 'List', items: [
          { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'PriorityLevelConfiguration', metadata: { name: 'tiny' }, spec: { type: 'Limited', limited: { nominalConcurrencyShares: 1, limitResponse: { type: 'Reject' } } } },
          {
            apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'FlowSchema', metadata: { name: 'greedy' },
            spec: { priorityLevelConfiguration: { name: 'tiny' }, matchingPrecedence: 50, distinguisherMethod: { type: 'ByUser' }, rules: [{ subjects: [{ kind: 'User', user: { name: 'greedy' } }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'], clusterScope: true }] }] },
          },
        ],
      }),
    });
    // The level's configuration reaches the filter through its watch; a request shows when it has.
    const tinyUid = await uidOf('prioritylevelconfiguration', 'tiny');
    for (let i = 0; i < 50; i++) {
      const r = await rawRequest(c, 'GET', '/api/v1/namespaces/default/configmaps', undefined, as('greedy'));
      if (r.headers['x-kubernetes-pf-prioritylevel-uid'] === tinyUid) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    // Three requests hold the seats: their bodies never finish arriving.
    const cred = credentials(c);
    const held = Array.from({ length: 3 }, (_, i) => {
      const req = https.request(new URL('/api/v1/namespaces/default/configmaps', cred.server), {
        method: 'POST', ca: cred.ca, cert: cred.cert, key: cred.key, agent: false,
        headers: { 'Content-Type': 'application/json', 'Content-Length': '1000', ...as('greedy') },
      });
      req.on('error', () => {});
      req.write(`{"metadata":{"name":"held-${i}"`);
      return req;
    });
    try {
      const watch = rawRequestUntilHeaders('/api/v1/namespaces/default/configmaps?watch=true', as('greedy'));
      let refused;
      for (let i = 0; i < 50 && !refused; i++) {
        const r = await rawRequest(c, 'GET', '/api/v1/namespaces/default/configmaps', undefined, as('greedy'));
        if (r.status === 429) refused = r;
        else await new Promise((res) => setTimeout(res, 100));
      }
      assert.ok(refused, 'no 429 while the level\'s seats were held');
      assert.equal(refused.headers['retry-after'], '1');
      assert.equal(refused.headers['x-kubernetes-pf-prioritylevel-uid'], tinyUid);
      const status = JSON.parse(refused.body);
      assert.equal(status.reason, 'TooManyRequests');
      assert.equal(status.message, 'Too many requests, please try again later.');
      assert.equal(status.details.retryAfterSeconds, 1);
      // The watch was admitted beside the held seats: long-running requests are not counted.
      const w = await watch;
      assert.equal(w.status, 200);
      w.close();
    } finally {
      for (const r of held) r.destroy();
    }
    // Seats come back when the held requests' clients go away.
    let ok = false;
    for (let i = 0; i < 50 && !ok; i++) {
      ok = (await rawRequest(c, 'GET', '/api/v1/namespaces/default/configmaps', undefined, as('greedy'))).status === 200;
      if (!ok) await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(ok, 'the level stayed full after its requests went away');
  });
});

/** Opens a GET (a watch) and resolves with its status once the headers arrive, the body left streaming. */
function rawRequestUntilHeaders(path: string, headers: Record<string, string>): Promise<{ status: number; close(): void }> {
  const cred = credentials(c);
  return new Promise((resolve, reject) => {
    const req = https.get(new URL(path, cred.server), { ca: cred.ca, cert: cred.cert, key: cred.key, agent: false, headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

describe('noisy neighbour', () => {
  const OBJECTS = HEAVY ? 10_000 : 2_000;
  const GETS = 200;

  /** The heavy client: its own process, 8 connections listing the namespace in a loop until killed (or 60 s). */
  type ListerResult = { lists: number; codes: Record<string, number>; medianMs: number };
  function startLister(): { stop(): Promise<ListerResult> } {
    const cred = credentials(c);
    const script = `
      const https = require('node:https');
      const [server, ca, cert, key] = JSON.parse(process.argv[1]);
      const agent = new https.Agent({ keepAlive: true, ca, cert, key });
      let lists = 0, stop = false; const codes = {}; const took = [];
      process.on('message', () => { stop = true; });
      setTimeout(() => { stop = true; }, 60000).unref();
      const one = () => new Promise((res) => { const r = https.get(new URL('/api/v1/namespaces/big/configmaps', server), { agent, headers: { 'Impersonate-User': 'lister', Accept: 'application/json' } }, (s) => { codes[s.statusCode] = (codes[s.statusCode] || 0) + 1; s.resume(); s.on('end', res); s.on('error', res); }); r.on('error', res); });
      Promise.all(Array.from({ length: 8 }, async () => { while (!stop) { const t = performance.now(); await one(); took.push(performance.now() - t); lists++; } })).then(() => { took.sort((a, b) => a - b); process.send({ lists, codes, medianMs: took[Math.floor(took.length / 2)] || 0 }); agent.destroy(); process.disconnect(); });
    `;
    const child = spawn(process.execPath, ['-e', script, JSON.stringify([cred.server, cred.ca, cred.cert, cred.key])], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const result = new Promise<ListerResult>((resolve, reject) => {
      child.once('message', (m) => resolve(m as ListerResult));
      child.once('exit', (code) => reject(new Error(`the lister exited with ${code}`)));
    });
    return {
      async stop() {
        child.send('stop');
        return result;
      },
    };
  }

  /** GET p99 (ms) of `n` requests by alice, one at a time on one kept-alive connection; every one answered 200. */
  async function getP99(agent: https.Agent, n: number): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const r = await rawRequest(c, 'GET', '/api/v1/namespaces/default/configmaps/mine', undefined, as('alice'), { agent });
      assert.equal(r.status, 200, r.body);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return times[Math.ceil(n * 0.99) - 1]!;
  }

  test(`one client listing ${OBJECTS} objects on 8 connections: another user's GETs are all answered${HEAVY ? ', p99 within 50 ms of the quiet p99' : ''}`, { timeout: HEAVY ? 600_000 : 240_000 }, async () => {
    await kubectlOk(c, ['create', 'namespace', 'big']);
    await kubectlOk(c, ['create', 'configmap', 'mine', '-n', 'default', '--from-literal=k=v']);
    // Seed with 8 concurrent creators.
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        while (next < OBJECTS) {
          const i = next++;
          const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${String(i).padStart(5, '0')}`, labels: { app: 'noise' } }, data: { payload: 'x'.repeat(200) } });
          const r = await rawRequest(c, 'POST', '/api/v1/namespaces/big/configmaps', body, {}, { agent });
          assert.equal(r.status, 201, r.body);
        }
      } finally {
        agent.destroy();
      }
    }));
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await getP99(agent, 20); // warm
      const quiet = await getP99(agent, GETS);
      const lister = startLister();
      let noisy: number;
      let heavy: ListerResult;
      try {
        await new Promise((r) => setTimeout(r, 1000)); // the lister at full speed, its lists' seats estimated
        noisy = await getP99(agent, GETS);
      } finally {
        heavy = await lister.stop();
      }
      console.log(`# noisy neighbour: ${OBJECTS} objects, alice's GET p99 ${quiet.toFixed(1)} ms quiet, ${noisy.toFixed(1)} ms beside ${heavy.lists} lists (median ${heavy.medianMs.toFixed(0)} ms, ${JSON.stringify(heavy.codes)})`);
      assert.ok(heavy.lists > 0, 'the lister listed nothing');
      // The bound, 50 ms on top of what the machine itself costs a quiet GET. Latency on a shared 2-core
      // machine under other engineers' load (load average 20-40: 100-500 ms event-loop stalls with no client at all)
      // says nothing about the server, so the bound is asserted in the heavy variant, run on a quiet machine.
      if (HEAVY) assert.ok(noisy <= 50 + quiet, `alice's GET p99 ${noisy.toFixed(1)} ms beside the lister (quiet: ${quiet.toFixed(1)} ms)`);
    } finally {
      agent.destroy();
    }
  });
});
