// Reliability under adversarial input, against the real `berth up` and the real kubectl: what one client's request
// can cost everyone else. Bounded in time; heavier variants run with BERTH_HEAVY=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { startCluster, kubectl, kubectlOk, eventually, rawRequest, type Cluster } from './harness.js';

const HEAVY = process.env.BERTH_HEAVY === '1';
let c: Cluster;

before(async () => {
  c = await startCluster({ args: ['--no-controllers'] });
});

after(async () => {
  await c?.stop();
  c?.cleanup();
});

/** One kept-alive connection for /readyz, so the figure is the server's answer, not a TLS handshake. */
const readyzAgent = new https.Agent({ keepAlive: true, maxSockets: 1 });
after(() => readyzAgent.destroy());

/** The slowest of `n` /readyz answers while `during` runs. */
async function readyzWorstMs(during: Promise<unknown>, n = 20): Promise<number> {
  let worst = 0;
  let done = false;
  void during.finally(() => { done = true; });
  for (let i = 0; i < n && !done; i++) {
    const t = performance.now();
    const r = await rawRequest(c, 'GET', '/readyz', undefined, {}, { agent: readyzAgent });
    assert.equal(r.status, 200);
    worst = Math.max(worst, performance.now() - t);
  }
  return worst;
}

describe('catastrophic regular expressions (RE2 semantics)', () => {
  const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: redos.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { plural: redos, singular: redo, kind: Redo }
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              byPattern: { type: string, maxLength: 100000, pattern: '^(a+)+$' }
              byCel:
                type: string
                maxLength: 100000
                x-kubernetes-validations:
                - rule: "self.matches('^(a|a)*$')"
                  message: not only a's
`;
  before(async () => {
    await kubectlOk(c, ['apply', '-f', '-'], { input: CRD });
    await eventually(async () => (await kubectl(c, ['get', 'redos'])).code === 0, 15_000);
    // Warm: the schema compiled and the code paths taken once, so the figures below are the patterns' own.
    const ok = { apiVersion: 'example.com/v1', kind: 'Redo', metadata: { name: 'warm' }, spec: { byPattern: 'aaa', byCel: 'aaa' } };
    assert.equal((await rawRequest(c, 'POST', '/apis/example.com/v1/namespaces/default/redos', JSON.stringify(ok))).status, 201);
    for (let i = 0; i < 5; i++) await rawRequest(c, 'GET', '/readyz', undefined, {}, { agent: readyzAgent });
  });

  const n = HEAVY ? 100_000 : 40; // a backtracking engine needs ~2^n steps
  for (const field of ['byPattern', 'byCel'] as const) {
    test(`${field}: ${n + 1} characters against an exponential-backtracking pattern are refused at once while /readyz stays fast`, { timeout: 60_000 }, async () => {
      const body = JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Redo', metadata: { name: `r-${field.toLowerCase()}` }, spec: { [field]: `${'a'.repeat(n)}b` } });
      const create = rawRequest(c, 'POST', '/apis/example.com/v1/namespaces/default/redos', body);
      const worst = await readyzWorstMs(create);
      const r = await create;
      assert.equal(r.status, 422, r.body);
      assert.match(JSON.parse(r.body).message, field === 'byPattern' ? /spec\.byPattern in body should match '\^\(a\+\)\+\$'/ : /not only a's/);
      assert.ok(worst < 100, `/readyz took ${worst.toFixed(1)} ms`);
    });
  }

  test('RE2 syntax errors in a CRD pattern are refused with Go\'s wording', async () => {
    const bad = CRD.replace('redos.example.com', 'badres.example.com').replace('plural: redos, singular: redo, kind: Redo', 'plural: badres, singular: badre, kind: Badre').replace("'^(a+)+$'", "'(a)\\1'");
    const r = await kubectl(c, ['apply', '-f', '-'], { input: bad });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /must be a valid regular expression, but isn't: error parsing regexp: invalid escape sequence: `\\1`/);
  });
});

describe('start-up messages', () => {
  test('a second berth up on a data dir in use says so, with the pid of the one using it', async () => {
    await assert.rejects(startCluster({ dataDir: c.dataDir }), (e: Error) => {
      assert.match(e.message, new RegExp(`berth: data dir ${c.dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by berth \\(pid ${c.proc.pid}\\)`));
      assert.doesNotMatch(e.message, /database is locked/);
      return true;
    });
    assert.equal((await rawRequest(c, 'GET', '/readyz')).status, 200);
  });
});
