// Impersonate-* headers against an in-process server with a test authorizer installed on ServerContext.authorizer
// (where RBAC will sit): every impersonation is asked about with the `impersonate` verb, a refusal is upstream's
// 403, and the request then acts as the impersonated user (authorization, SelfSubjectReview, real kubectl --as).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Authorizer } from '../../../src/api/identity.js';
import { startBerth, type Berth } from '../../../src/host/berth.js';
import { COMPONENTS } from '../../../src/host/component-list.js';
import { credentials, KUBECTL } from '../../e2e/harness.js';

type Attrs = Parameters<Authorizer['authorize']>[0];
let berth: Berth;
let dataDir: string;
const asked: Attrs[] = [];

/** Everything is allowed but impersonating the group `nope` or a uid `banned`. */
const authorizer: Authorizer = {
  async authorize(a) {
    asked.push(a);
    if (a.verb === 'impersonate' && a.resource === 'groups' && a.name === 'nope') return { allowed: false, reason: 'no such luck' };
    if (a.verb === 'impersonate' && a.resource === 'uids' && a.name === 'banned') return { allowed: false };
    return { allowed: true };
  },
};

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-impersonation-'));
  const install = { name: 'test-authorizer', controller: false, async start(ctx: { server: { authorizer?: Authorizer } }) { ctx.server.authorizer = authorizer; return { stop() {} }; } };
  berth = await startBerth({ dataDir, port: 0, runtime: { controllers: false }, components: [...COMPONENTS, install] });
});

after(async () => {
  await berth?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** POST with headers that may repeat (an array sends one header line per value, as Go clients do). */
function post(path: string, body: unknown, headers: Record<string, string | string[]>): Promise<{ status: number; type: string; body: string }> {
  const cred = credentials({ kubeconfig: berth.kubeconfigPath });
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, cred.server), { method: 'POST', ca: cred.ca, cert: cred.cert, key: cred.key, headers: { 'Content-Type': 'application/json', ...headers } }, (res) => {
      let data = '';
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: data }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const whoami = (headers: Record<string, string | string[]>) =>
  post('/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, headers);

test('user, repeated groups, uid and %-encoded extras become the request\'s user; each was authorized with `impersonate`', async () => {
  asked.length = 0;
  const r = await whoami({
    'Impersonate-User': 'jane', 'Impersonate-Group': ['devs', 'ops'], 'Impersonate-Uid': 'u-1',
    'Impersonate-Extra-Scopes%2Fview': ['a', 'b'], 'Impersonate-Extra-Team': 'blue',
  });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual(JSON.parse(r.body).status.userInfo, {
    username: 'jane', uid: 'u-1', groups: ['devs', 'ops', 'system:authenticated'], extra: { 'scopes/view': ['a', 'b'], team: ['blue'] },
  });
  const checks = asked.filter((a) => a.verb === 'impersonate').map((a) => [a.user.username, a.group, a.resource, a.subresource, a.name].join('|'));
  assert.deepEqual(checks, [
    'berth-admin||users||jane', 'berth-admin||groups||devs', 'berth-admin||groups||ops',
    'berth-admin|authentication.k8s.io|userextras|scopes/view|a', 'berth-admin|authentication.k8s.io|userextras|scopes/view|b',
    'berth-admin|authentication.k8s.io|userextras|team|blue', 'berth-admin|authentication.k8s.io|uids||u-1',
  ]);
  const request = asked.find((a) => a.verb === 'create' && a.resource === 'selfsubjectreviews');
  assert.equal(request?.user.username, 'jane', 'the request itself is authorized as the impersonated user');
});

test('a service account brings its groups (unless groups are given) and is checked in its namespace', async () => {
  asked.length = 0;
  const r = await whoami({ 'Impersonate-User': 'system:serviceaccount:team-a:builder' });
  assert.deepEqual(JSON.parse(r.body).status.userInfo, {
    username: 'system:serviceaccount:team-a:builder', groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
  });
  const check = asked.find((a) => a.verb === 'impersonate')!;
  assert.deepEqual([check.group, check.resource, check.namespace, check.name], ['', 'serviceaccounts', 'team-a', 'builder']);
  const withGroups = await whoami({ 'Impersonate-User': 'system:serviceaccount:team-a:builder', 'Impersonate-Group': 'x' });
  assert.deepEqual(JSON.parse(withGroups.body).status.userInfo.groups, ['x', 'system:authenticated']);
  const anonymous = await whoami({ 'Impersonate-User': 'system:anonymous' });
  assert.deepEqual(JSON.parse(anonymous.body).status.userInfo, { username: 'system:anonymous', groups: ['system:unauthenticated'] });
});

test('a refused impersonation is upstream\'s 403; groups without a user are its plain-text 500', async () => {
  const denied = await whoami({ 'Impersonate-User': 'jane', 'Impersonate-Group': 'nope' });
  assert.equal(denied.status, 403);
  const status = JSON.parse(denied.body);
  assert.equal(status.reason, 'Forbidden');
  assert.equal(status.message, 'groups "nope" is forbidden: User "berth-admin" cannot impersonate resource "groups" in API group "" at the cluster scope: no such luck');
  const uid = JSON.parse((await whoami({ 'Impersonate-User': 'jane', 'Impersonate-Uid': 'banned' })).body);
  assert.equal(uid.message, 'uids.authentication.k8s.io "banned" is forbidden: User "berth-admin" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope');
  const noUser = await whoami({ 'Impersonate-Group': 'devs' });
  assert.equal(noUser.status, 500);
  assert.match(noUser.type, /^text\/plain/);
  assert.equal(noUser.body, 'Internal Server Error: "/apis/authentication.k8s.io/v1/selfsubjectreviews": requested [{Group  devs    }] without impersonating a user');
});

test('kubectl auth whoami --as --as-group --as-uid', async () => {
  const out = await new Promise<string>((resolve, reject) => execFile(KUBECTL, ['auth', 'whoami', '--as=jane', '--as-group=devs', '--as-uid=u-7', '-o', 'json'],
    { env: { PATH: process.env.PATH, HOME: dataDir, KUBECONFIG: berth.kubeconfigPath } }, (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout))));
  assert.deepEqual(JSON.parse(out).status.userInfo, { username: 'jane', uid: 'u-7', groups: ['devs', 'system:authenticated'] });
});
