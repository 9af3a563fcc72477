// Upstream's input limits over HTTPS against one in-process Berth (API server only): nesting depth of JSON and YAML
// bodies, patches that would change an object's identity, URL paths with dot segments or encoded separators, the
// size of error bodies, duplicate keys under fieldValidation, integer ranges per OpenAPI format.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBerth, type Berth } from '../../../src/host/berth.js';
import { credentials, rawRequest, type RawResponse } from '../../e2e/harness.js';

let berth: Berth;
let dataDir: string;
const c = () => ({ kubeconfig: berth.kubeconfigPath });
const req = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  rawRequest(c(), method, path, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), headers);
const json = (r: RawResponse) => JSON.parse(r.body);

/** A request whose path is sent byte for byte (no URL normalisation on the client side). */
function rawPathRequest(method: string, path: string): Promise<RawResponse> {
  const cred = credentials(c());
  const url = new URL(cred.server);
  return new Promise((resolve, reject) => {
    const r = https.request({ host: url.hostname, port: url.port, path, method, ca: cred.ca, cert: cred.cert, key: cred.key }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    r.on('error', reject);
    r.end();
  });
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-limits-'));
  berth = await startBerth({ dataDir, port: 0, runtime: { controllers: false } });
});

after(async () => {
  await berth?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const CM = '/api/v1/namespaces/default/configmaps';
const configMap = (name: string, data: Record<string, string> = { a: '1' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

describe('nesting depth', () => {
  test('a JSON body nested 1,000,000 deep is a 400 with Go\'s "exceeded max depth", and /readyz still answers', async () => {
    const n = 1_000_000;
    const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":${'['.repeat(n)}${']'.repeat(n)}}`;
    const r = await req('POST', CM, body);
    assert.equal(r.status, 400, r.body.slice(0, 300));
    assert.equal(json(r).message, `couldn't get version/kind; json parse error: invalid character '[' exceeded max depth`);
    assert.equal((await req('GET', '/readyz')).status, 200);
  });

  test('10,000 levels are within the limit (the depth error is not raised)', async () => {
    const n = 9_990;
    const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep-ok"},"data":{"a":"1"},"x":${'['.repeat(n)}${']'.repeat(n)}}`;
    const r = await req('POST', CM, body);
    assert.doesNotMatch(r.body, /exceeded max depth/);
  });

  test('a merge patch nested too deep is a 400 before it is applied', async () => {
    assert.equal((await req('POST', CM, configMap('deep-patch'))).status, 201);
    const n = 20_000;
    const r = await req('PATCH', `${CM}/deep-patch`, `{"data":{"a":${'['.repeat(n)}${']'.repeat(n)}}}`, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(r.status, 400);
    assert.match(json(r).message, /exceeded max depth/);
  });

  test('a YAML body with flow collections nested 100,000 deep is a 400 with go-yaml\'s message', async () => {
    const n = 100_000;
    const body = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep-yaml\ndata: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    const r = await req('POST', CM, body, { 'Content-Type': 'application/yaml' });
    assert.equal(r.status, 400);
    assert.equal(json(r).message, 'error converting YAML to JSON: yaml: line 5: exceeded max depth of 10000');
  });

  test('a YAML body of 20,000 nested block sequences is a 400, not a crash', async () => {
    const body = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep-yaml2\ndata:\n  x: ${'- '.repeat(20_000)}x\n`;
    const r = await req('POST', CM, body, { 'Content-Type': 'application/yaml' });
    assert.equal(r.status, 400);
    assert.match(json(r).message, /^error converting YAML to JSON: /);
    assert.equal((await req('GET', '/readyz')).status, 200);
  });
});

describe('patches that would change the object\'s identity', () => {
  before(async () => {
    assert.equal((await req('POST', CM, configMap('ident'))).status, 201);
  });
  const patch = (type: string, body: unknown, path = `${CM}/ident`) => req('PATCH', path, body, { 'Content-Type': `application/${type}+json` });

  for (const type of ['merge-patch', 'strategic-merge-patch']) {
    test(`${type}: another metadata.name is a 400 naming both`, async () => {
      const r = await patch(type, { metadata: { name: 'other' } });
      assert.equal(r.status, 400);
      assert.equal(json(r).message, 'the name of the object (other) does not match the name on the URL (ident)');
    });
    test(`${type}: another metadata.namespace is a 400`, async () => {
      const r = await patch(type, { metadata: { namespace: 'kube-system' } });
      assert.equal(r.status, 400);
      assert.equal(json(r).message, 'the namespace of the provided object does not match the namespace sent on the request');
    });
  }

  test('json-patch: removing metadata.name is a 400 with the empty name', async () => {
    const r = await patch('json-patch', [{ op: 'remove', path: '/metadata/name' }]);
    assert.equal(r.status, 400);
    assert.equal(json(r).message, 'the name of the object () does not match the name on the URL (ident)');
  });

  test('merge-patch: another registered kind is upstream\'s 422 on `patch` (no conversion)', async () => {
    const r = await patch('merge-patch', { kind: 'Secret' });
    assert.equal(r.status, 422);
    const s = json(r);
    assert.equal(s.reason, 'Invalid');
    assert.match(s.message, /^ "" is invalid: patch: Invalid value: ".*": converting \(k8s\.io\/api\/core\/v1\) Secret to \(k8s\.io\/kubernetes\/pkg\/apis\/core\) ConfigMap: unknown conversion$/s);
    assert.equal(s.details.causes[0].field, 'patch');
  });

  test('json-patch: an unregistered apiVersion is upstream\'s "no kind is registered" 422', async () => {
    const r = await patch('json-patch', [{ op: 'replace', path: '/apiVersion', value: 'v2' }]);
    assert.equal(r.status, 422);
    assert.match(json(r).message, /: no kind "ConfigMap" is registered for version "v2" in scheme "pkg\/api\/legacyscheme\/scheme\.go:30"$/);
  });

  test('strategic-merge-patch: a changed kind is ignored, as upstream converts by type', async () => {
    const r = await patch('strategic-merge-patch', { kind: 'Secret', data: { b: '2' } });
    assert.equal(r.status, 200, r.body);
    assert.equal(json(r).kind, 'ConfigMap');
  });

  test('the object is unchanged after the refused patches', async () => {
    const r = await req('GET', `${CM}/ident`);
    const obj = json(r);
    assert.equal(obj.metadata.name, 'ident');
    assert.equal(obj.metadata.namespace, 'default');
    assert.equal(obj.kind, 'ConfigMap');
  });
});

describe('URL paths with dot segments or encoded separators', () => {
  for (const [label, path, shown] of [['%2e%2e', `${CM}/%2e%2e`, '..'], ['..', `${CM}/..`, '..'], ['%2E', `${CM}/%2E`, '.']] as const) {
    test(`${label} as a name is upstream's 400 "Name parameter invalid", never the object the dots would resolve to`, async () => {
      const r = await rawPathRequest('GET', path);
      assert.equal(r.status, 400, r.body);
      const s = json(r);
      assert.equal(s.kind, 'Status');
      assert.equal(s.message, `Name parameter invalid: "${shown}": may not be '${shown}'`);
    });
  }

  test('an encoded slash splits segments as in url.Path: a%2Fb is name a, subresource b (404)', async () => {
    assert.equal((await req('POST', CM, configMap('a'))).status, 201);
    const r = await rawPathRequest('GET', `${CM}/a%2Fb`);
    assert.equal(r.status, 404);
    assert.equal(json(r).kind, 'Status');
  });

  test('a name with an encoded % is refused; a bad escape is a 400', async () => {
    const r = await rawPathRequest('GET', `${CM}/x%25y`);
    assert.equal(r.status, 400);
    assert.equal(json(r).message, `Name parameter invalid: "x%y": may not contain '%'`);
    assert.equal((await rawPathRequest('GET', `${CM}/x%zz`)).status, 400);
  });

  test('dot segments elsewhere are not resolved either: /api/v1/namespaces/default/configmaps/../.. is not the namespace list', async () => {
    const r = await rawPathRequest('GET', `${CM}/../..`);
    assert.notEqual(json(r).kind, 'NamespaceList');
    assert.notEqual(json(r).kind, 'Namespace');
  });
});

describe('error bodies', () => {
  test('a 1 MiB name gives an error body of at most 64 KiB that still says what is wrong', async () => {
    const name = 'a'.repeat(1024 * 1024);
    const r = await req('POST', CM, configMap(name));
    assert.equal(r.status, 422);
    assert.ok(Buffer.byteLength(r.body) <= 64 * 1024, `error body of ${Buffer.byteLength(r.body)} bytes`);
    const s = json(r);
    assert.equal(s.reason, 'Invalid');
    assert.ok(/^ConfigMap "a{1000,}\.\.\. \(\d+ more characters\)$/.test(s.message), s.message.slice(-200));
    assert.equal(s.details.causes[0].field, 'metadata.name');
  });

  test('a small error is sent whole', async () => {
    const r = await req('POST', CM, configMap('Bad_Name'));
    assert.equal(r.status, 422);
    assert.doesNotMatch(r.body, /more characters/);
  });
});

describe('duplicate keys under fieldValidation', () => {
  const body = (name: string) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}","labels":{"x":"1","x":"2"}},"data":{"a":"1"},"data":{"b":"2"},"bogus":1,"bogus":2}`;

  test('Strict: a 400 listing each repeated field by path (a field both unknown and repeated only as unknown)', async () => {
    const r = await req('POST', `${CM}?fieldValidation=Strict`, body('dup-strict'));
    assert.equal(r.status, 400, r.body);
    assert.equal(json(r).message, 'strict decoding error: unknown field "bogus", duplicate field "metadata.labels.x", duplicate field "data"');
  });

  test('Warn (the default): created, with one warning per repeated field', async () => {
    const r = await req('POST', CM, body('dup-warn'));
    assert.equal(r.status, 201, r.body);
    const warnings = String(r.headers.warning ?? '');
    assert.match(warnings, /duplicate field \\"metadata\.labels\.x\\"/);
    assert.match(warnings, /duplicate field \\"data\\"/);
    assert.match(warnings, /unknown field \\"bogus\\"/);
  });

  test('Ignore: created without warnings', async () => {
    const r = await req('POST', `${CM}?fieldValidation=Ignore`, body('dup-ignore'));
    assert.equal(r.status, 201, r.body);
    assert.equal(r.headers.warning, undefined);
  });

  test('keys repeated inside list items are found with the item index', async () => {
    const pod = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"dup-pod"},"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"x","image":"y"}]}}';
    const r = await req('POST', '/api/v1/namespaces/default/pods?fieldValidation=Strict', pod);
    assert.equal(r.status, 400, r.body);
    assert.equal(json(r).message, 'strict decoding error: duplicate field "spec.containers[1].image"');
  });
});

describe('integer fields range-checked per OpenAPI format', () => {
  const deployment = (name: string, replicas: string) => `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"${name}"},"spec":{"replicas":${replicas},"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"x"}]}}}}`;
  const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

  test('Deployment replicas 1e29 (int32) is refused as upstream\'s decoder refuses it: 400, nothing stored', async () => {
    const r = await req('POST', DEPLOYMENTS, deployment('huge', '1e29'));
    assert.equal(r.status, 400, r.body);
    assert.equal(json(r).message, 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 1e+29 into Go struct field DeploymentSpec.spec.replicas of type int32');
    assert.equal((await req('GET', `${DEPLOYMENTS}/huge`)).status, 404);
  });

  test('2^31 does not fit int32; 2^31-1 does', async () => {
    assert.equal((await req('POST', DEPLOYMENTS, deployment('over', '2147483648'))).status, 400);
    const r = await req('POST', DEPLOYMENTS, deployment('max', '2147483647'));
    assert.equal(r.status, 201, r.body);
  });

  test('an int64 field past 2^63 is refused with its Go type', async () => {
    const pod = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p64"},"spec":{"activeDeadlineSeconds":1e20,"containers":[{"name":"a","image":"x"}]}}';
    const r = await req('POST', '/api/v1/namespaces/default/pods', pod);
    assert.equal(r.status, 400, r.body);
    assert.equal(json(r).message, 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number 100000000000000000000 into Go struct field PodSpec.spec.activeDeadlineSeconds of type int64');
  });

  test('a merge patch setting replicas out of range is refused too', async () => {
    const r = await req('PATCH', `${DEPLOYMENTS}/max`, '{"spec":{"replicas":1e29}}', { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(r.status, 400, r.body);
    assert.match(json(r).message, /cannot unmarshal number 1e\+29 into Go struct field DeploymentSpec\.spec\.replicas of type int32/);
  });
});
