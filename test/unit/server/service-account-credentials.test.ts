// --use-service-account-credentials outside the API server: a controller's token comes from TokenRequest for its
// account in kube-system, made first when missing; it is reused until 80% of its lifetime, one request at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeClient } from '../../../src/client/client.js';
import type { HttpRequest, HttpResponse, Transport } from '../../../src/client/http.js';
import { serviceAccountTokenSource } from '../../../src/server/service-account-credentials.js';

function respond(status: number, body: unknown): HttpResponse {
  const text = JSON.stringify(body);
  return { status, headers: { 'content-type': 'application/json' }, body: (async function* () { yield Buffer.from(text); })(), text: async () => text, cancel() {} };
}

class ApiFake implements Transport {
  readonly seen: string[] = [];
  accountExists = false;
  issued = 0;
  constructor(private readonly now: () => number) {}
  async request(req: HttpRequest): Promise<HttpResponse> {
    const path = req.path.split('?')[0]!;
    this.seen.push(`${req.method} ${path}`);
    if (req.method === 'GET' && path === '/api/v1/namespaces/kube-system/serviceaccounts/job-controller') {
      return this.accountExists ? respond(200, { kind: 'ServiceAccount', metadata: { name: 'job-controller' } })
        : respond(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'serviceaccounts "job-controller" not found' });
    }
    if (req.method === 'POST' && path === '/api/v1/namespaces/kube-system/serviceaccounts') {
      this.accountExists = true;
      return respond(201, JSON.parse(req.body ?? '{}'));
    }
    if (req.method === 'POST' && path === '/api/v1/namespaces/kube-system/serviceaccounts/job-controller/token') {
      const spec = (JSON.parse(req.body ?? '{}') as { spec: { expirationSeconds: number } }).spec;
      return respond(201, { status: { token: `token-${++this.issued}`, expirationTimestamp: new Date(this.now() + spec.expirationSeconds * 1000).toISOString() } });
    }
    return respond(500, { kind: 'Status', code: 500, message: `unexpected ${req.method} ${path}` });
  }
  async close(): Promise<void> {}
}

test('a controller\'s token: the account made when missing, one TokenRequest, renewed at 80% of the hour', async () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const api = new ApiFake(() => now);
  const manager = new KubeClient({ transport: api, userAgent: 'kube-controller-manager' });
  const token = serviceAccountTokenSource(manager, { namespace: 'kube-system', name: 'job-controller' }, () => now);
  assert.deepEqual(await Promise.all([token(), token(), token()]), ['token-1', 'token-1', 'token-1']);
  assert.deepEqual(api.seen, [
    'GET /api/v1/namespaces/kube-system/serviceaccounts/job-controller',
    'POST /api/v1/namespaces/kube-system/serviceaccounts',
    'POST /api/v1/namespaces/kube-system/serviceaccounts/job-controller/token',
  ]);
  now += 47 * 60_000; // 78% of the hour
  assert.equal(await token(), 'token-1');
  now += 2 * 60_000; // past 80%
  assert.equal(await token(), 'token-2');
  assert.equal(api.seen.filter((s) => s.startsWith('POST /api/v1/namespaces/kube-system/serviceaccounts')).length, 3, 'one account made, two TokenRequests');
});
