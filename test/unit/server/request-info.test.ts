import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from '../../../src/apimachinery/request-info.js';

const q = (s = '') => new URLSearchParams(s);
const pick = (method: string, path: string, query = '') => {
  const i = parseRequestInfo(method, path, q(query));
  return [i.verb, i.group, i.version, i.namespace, i.resource, i.name, i.subresource].join('|');
};

test('resource paths resolve like upstream RequestInfoFactory', () => {
  assert.equal(pick('GET', '/api/v1/namespaces/default/pods'), 'list||v1|default|pods||');
  assert.equal(pick('GET', '/api/v1/namespaces/default/pods', 'watch=true'), 'watch||v1|default|pods||');
  assert.equal(pick('GET', '/api/v1/pods'), 'list||v1||pods||');
  assert.equal(pick('GET', '/apis/apps/v1/namespaces/ns/statefulsets/web/scale'), 'get|apps|v1|ns|statefulsets|web|scale');
  assert.equal(pick('PATCH', '/apis/apps/v1/namespaces/ns/statefulsets/web/status'), 'patch|apps|v1|ns|statefulsets|web|status');
  assert.equal(pick('DELETE', '/api/v1/namespaces/ns/configmaps'), 'deletecollection||v1|ns|configmaps||');
  assert.equal(pick('POST', '/api/v1/namespaces'), 'create||v1||namespaces||');
  assert.equal(pick('GET', '/api/v1/watch/namespaces/ns/pods'), 'watch||v1|ns|pods||');
});

test('namespaces/{name} and its status/finalize subresources address the namespace itself', () => {
  assert.equal(pick('GET', '/api/v1/namespaces/foo'), 'get||v1|foo|namespaces|foo|');
  assert.equal(pick('PUT', '/api/v1/namespaces/foo/finalize'), 'update||v1|foo|namespaces|foo|finalize');
  assert.equal(pick('GET', '/api/v1/namespaces/foo/status'), 'get||v1|foo|namespaces|foo|status');
});

test('non-resource paths', () => {
  const i = parseRequestInfo('GET', '/apis/apps', q());
  assert.equal(i.isResourceRequest, false);
  assert.equal(parseRequestInfo('GET', '/healthz', q()).isResourceRequest, false);
  assert.equal(parseRequestInfo('GET', '/api/v1', q()).isResourceRequest, false);
});
