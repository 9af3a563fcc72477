// Identity and authorization against `berth up` with the real kubectl, as against an upstream v1.33 cluster set up
// by kubeadm: ServiceAccount tokens from `kubectl create token` are limited to what RBAC grants them, client
// certificates name their user and groups, `kubectl auth can-i`/`whoami` are truthful, RBAC writes cannot escalate,
// impersonation needs its verb, anonymous users reach only the public paths, the audit log records requests and
// Secrets are not readable in state.db.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePki, issueClientCertificate, writeKubeconfig } from '../../src/pki/index.js';
import { Cluster, eventually, kubectl, kubectlOk, rawRequest, startCluster } from './harness.js';

let c: Cluster;
before(async () => { c = await startCluster({ args: ['--nodes', '1', '--sim-start-delay', '0'] }); });
after(async () => { await c?.stop(); c?.cleanup(); });

const k = async (args: string[], opts?: Parameters<typeof kubectl>[2]) => (await kubectlOk(c, args, opts)).trimEnd();

/** A kubeconfig with the cluster's address and CA and only `cred` (a token or a client certificate). */
async function kubeconfigFor(name: string, cred: { token: string } | { user: string; groups: string[] }): Promise<string> {
  const pki = await ensurePki(c.dataDir, { hosts: [] });
  const path = join(c.dataDir, `${name}.kubeconfig`);
  if ('token' in cred) {
    writeKubeconfig(path, { server: c.url, caPem: pki.caCertPem, token: cred.token, contextName: name, user: name });
  } else {
    const { certPem, keyPem } = await issueClientCertificate(pki, cred.user, cred.groups);
    writeKubeconfig(path, { server: c.url, caPem: pki.caCertPem, clientCertPem: certPem, clientKeyPem: keyPem, contextName: name, user: name });
  }
  return path;
}

const as = (kubeconfig: string, args: string[], input?: string) => kubectl({ kubeconfig, home: c.home }, args, input === undefined ? {} : { input });

test('a ServiceAccount token bound to view lists in its namespace and is Forbidden elsewhere and for writes', async () => {
  await k(['create', 'namespace', 'team-a']);
  await k(['create', 'serviceaccount', 'reader', '-n', 'team-a']);
  await k(['create', 'rolebinding', 'reader-view', '--clusterrole=view', '--serviceaccount=team-a:reader', '-n', 'team-a']);
  await k(['create', 'configmap', 'settings', '--from-literal=a=1', '-n', 'team-a']);
  const token = await k(['create', 'token', 'reader', '-n', 'team-a']);
  const kc = await kubeconfigFor('reader', { token });

  const listed = await as(kc, ['get', 'configmaps', '-n', 'team-a', '-o', 'name']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /configmap\/settings/);

  const elsewhere = await as(kc, ['get', 'configmaps', '-n', 'default']);
  assert.equal(elsewhere.stderr.trim(),
    'Error from server (Forbidden): configmaps is forbidden: User "system:serviceaccount:team-a:reader" cannot list resource "configmaps" in API group "" in the namespace "default"');
  const write = await as(kc, ['delete', 'configmap', 'settings', '-n', 'team-a']);
  assert.equal(write.stderr.trim(),
    'Error from server (Forbidden): configmaps "settings" is forbidden: User "system:serviceaccount:team-a:reader" cannot delete resource "configmaps" in API group "" in the namespace "team-a"');
  const secret = await as(kc, ['get', 'secrets', '-n', 'team-a']);
  assert.match(secret.stderr, /User "system:serviceaccount:team-a:reader" cannot list resource "secrets" in API group "" in the namespace "team-a"/);

  const whoami = await as(kc, ['auth', 'whoami']);
  assert.match(whoami.stdout, /Username\s+system:serviceaccount:team-a:reader\n/);
  assert.match(whoami.stdout, /Groups\s+\[system:serviceaccounts system:serviceaccounts:team-a system:authenticated\]/);
  assert.match(whoami.stdout, /Extra: authentication\.kubernetes\.io\/credential-id\s+\[JTI=[0-9a-f-]{36}\]/);
  assert.equal((await as(kc, ['auth', 'can-i', 'list', 'pods', '-n', 'team-a'])).stdout.trim(), 'yes');
  assert.equal((await as(kc, ['auth', 'can-i', 'create', 'pods', '-n', 'team-a'])).stdout.trim(), 'no');
});

test('kubectl create token: --duration, --audience and --bound-object-*; the claims are upstream\'s', async () => {
  await k(['create', 'serviceaccount', 'builder']);
  await k(['run', 'holder', '--image=busybox', '--overrides={"spec":{"serviceAccountName":"builder"}}']);
  const uid = await k(['get', 'pod', 'holder', '-o', 'jsonpath={.metadata.uid}']);
  await eventually(async () => (await k(['get', 'pod', 'holder', '-o', 'jsonpath={.spec.nodeName}'])) !== '');
  const token = await k(['create', 'token', 'builder', '--duration=20m', '--bound-object-kind=Pod', '--bound-object-name=holder', `--bound-object-uid=${uid}`]);
  const [header, payload] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p!, 'base64url').toString()));
  assert.equal(header.alg, 'ES256');
  assert.equal(payload.iss, 'https://kubernetes.default.svc.cluster.local');
  assert.deepEqual(payload.aud, ['https://kubernetes.default.svc.cluster.local']);
  assert.equal(payload.exp - payload.iat, 1200);
  assert.equal(payload.sub, 'system:serviceaccount:default:builder');
  assert.equal(payload['kubernetes.io'].namespace, 'default');
  assert.deepEqual(payload['kubernetes.io'].pod, { name: 'holder', uid });
  assert.equal(payload['kubernetes.io'].node.name, 'berth-node-1');
  assert.equal(payload['kubernetes.io'].serviceaccount.name, 'builder');
  // TokenReview sees the pod binding
  const review = JSON.parse(await k(['create', '-o', 'json', '-f', '-'], { input: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }) }));
  assert.equal(review.status.authenticated, true);
  assert.equal(review.status.user.username, 'system:serviceaccount:default:builder');
  assert.deepEqual(review.status.user.extra['authentication.kubernetes.io/pod-name'], ['holder']);
  // bad input: too short, wrong UID, other kinds
  const short = await kubectl(c, ['create', 'token', 'builder', '--duration=5m']);
  assert.match(short.stderr, /TokenRequest\.authentication\.k8s\.io "" is invalid: spec\.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes/);
  const wrongUid = await kubectl(c, ['create', 'token', 'builder', '--bound-object-kind=Pod', '--bound-object-name=holder', '--bound-object-uid=nope']);
  assert.match(wrongUid.stderr, /the UID in the bound object reference \(nope\) does not match the UID in record\. The object might have been deleted and then recreated/);
  // a token bound to a deleted pod no longer authenticates
  const kc = await kubeconfigFor('holder-token', { token });
  assert.equal((await as(kc, ['auth', 'whoami', '-o', 'name'])).code, 0);
  await k(['delete', 'pod', 'holder', '--grace-period=0', '--force']);
  await eventually(async () => (await as(kc, ['auth', 'whoami'])).stderr.includes('Unauthorized'), 15_000);
  // audience: a token for someone else is not for the API server
  const other = await k(['create', 'token', 'builder', '--audience=vault']);
  const otherKc = await kubeconfigFor('vault-token', { token: other });
  assert.match((await as(otherKc, ['get', 'pods'])).stderr, /error: You must be logged in to the server \(Unauthorized\)/);
});

test('forged, expired-looking and unknown tokens are 401; deleted accounts lose their tokens', async () => {
  await k(['create', 'serviceaccount', 'temp']);
  const token = await k(['create', 'token', 'temp']);
  const parts = token.split('.');
  const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString());
  const forged = [parts[0], Buffer.from(JSON.stringify({ ...claims, sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url'), parts[2]].join('.');
  for (const t of [forged, 'abc.def.ghi', 'not-a-token', `${parts[0]}.${parts[1]}.${Buffer.alloc(64).toString('base64url')}`]) {
    const kc = await kubeconfigFor('bad', { token: t });
    assert.match((await as(kc, ['get', 'pods'])).stderr, /You must be logged in to the server \(Unauthorized\)/, t);
  }
  const kc = await kubeconfigFor('temp', { token });
  assert.equal((await as(kc, ['auth', 'whoami'])).code, 0);
  await k(['delete', 'serviceaccount', 'temp']);
  await eventually(async () => (await as(kc, ['auth', 'whoami'])).stderr.includes('Unauthorized'), 15_000);
});

test('client certificates: O=system:masters is admin, another user is only what RBAC grants', async () => {
  const admin = await kubeconfigFor('ops', { user: 'ops', groups: ['system:masters'] });
  assert.equal((await as(admin, ['auth', 'can-i', '*', '*'])).stdout.trim(), 'yes');
  assert.equal((await as(admin, ['create', 'namespace', 'by-ops'])).code, 0);
  const jane = await kubeconfigFor('jane', { user: 'jane', groups: ['devs'] });
  const denied = await as(jane, ['create', 'clusterrolebinding', 'jane-admin', '--clusterrole=cluster-admin', '--user=jane']);
  assert.match(denied.stderr, /clusterrolebindings\.rbac\.authorization\.k8s\.io is forbidden: User "jane" cannot create resource "clusterrolebindings" in API group "rbac\.authorization\.k8s\.io" at the cluster scope/);
  const who = await as(jane, ['auth', 'whoami']);
  assert.match(who.stdout, /^ATTRIBUTE\s+VALUE\nUsername\s+jane\nGroups\s+\[devs system:authenticated\]\n$/);
  // a user bound only to "get configmaps" can do exactly that
  await k(['create', 'role', 'cm-reader', '--verb=get', '--resource=configmaps']);
  await k(['create', 'rolebinding', 'jane-cm', '--role=cm-reader', '--user=jane']);
  await k(['create', 'secret', 'generic', 'precious', '--from-literal=k=v']);
  assert.equal((await as(jane, ['get', 'configmap', 'kube-root-ca.crt', '-o', 'name'])).stdout.trim(), 'configmap/kube-root-ca.crt');
  assert.equal((await as(jane, ['delete', 'secret', 'precious'])).stderr.trim(),
    'Error from server (Forbidden): secrets "precious" is forbidden: User "jane" cannot delete resource "secrets" in API group "" in the namespace "default"');
});

test('RBAC writes cannot grant more than their author holds; bind and escalate lift that', async () => {
  await k(['create', 'namespace', 'team-b']);
  await k(['create', 'rolebinding', 'lead-admin', '--clusterrole=admin', '--user=lead', '-n', 'team-b']);
  const lead = await kubeconfigFor('lead', { user: 'lead', groups: [] });
  // admin may create Roles within what it holds
  assert.equal((await as(lead, ['create', 'role', 'pods-ro', '--verb=get,list', '--resource=pods', '-n', 'team-b'])).code, 0);
  const escalate = await as(lead, ['create', 'role', 'nodes', '--verb=get', '--resource=nodes', '-n', 'team-b']);
  assert.equal(escalate.stderr.trim(), 'Error from server (Forbidden): roles.rbac.authorization.k8s.io "nodes" is forbidden: user "lead" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}');
  const bindAdmin = await as(lead, ['create', 'rolebinding', 'x', '--clusterrole=cluster-admin', '--user=lead', '-n', 'team-b']);
  assert.match(bindAdmin.stderr, /rolebindings\.rbac\.authorization\.k8s\.io "x" is forbidden: user "lead" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}/);
  await k(['create', 'clusterrole', 'binder', '--verb=bind', '--resource=clusterroles', '--resource-name=cluster-admin']);
  await k(['create', 'rolebinding', 'lead-binder', '--clusterrole=binder', '--user=lead', '-n', 'team-b']);
  assert.equal((await as(lead, ['create', 'rolebinding', 'x', '--clusterrole=cluster-admin', '--user=lead', '-n', 'team-b'])).code, 0);
});

test('impersonation needs the impersonate verb', async () => {
  const jane = await kubeconfigFor('jane2', { user: 'jane2', groups: [] });
  const r = await as(jane, ['get', 'pods', '--as=system:admin']);
  assert.equal(r.stderr.trim(), 'Error from server (Forbidden): users "system:admin" is forbidden: User "jane2" cannot impersonate resource "users" in API group "" at the cluster scope');
  await k(['create', 'clusterrole', 'impersonator', '--verb=impersonate', '--resource=users', '--resource-name=bob']);
  await k(['create', 'clusterrolebinding', 'jane2-imp', '--clusterrole=impersonator', '--user=jane2']);
  const whoami = await as(jane, ['auth', 'whoami', '--as=bob']);
  assert.match(whoami.stdout, /Username\s+bob\nGroups\s+\[system:authenticated\]/);
});

test('kubectl auth can-i --list for a user bound to view matches upstream\'s rules', async () => {
  await k(['create', 'namespace', 'team-c']);
  await k(['create', 'rolebinding', 'viewer', '--clusterrole=view', '--user=viewer', '-n', 'team-c']);
  const out = await k(['auth', 'can-i', '--list', '--as=viewer', '-n', 'team-c']);
  const rows = out.split('\n').map((l) => l.trim().split(/\s{2,}/));
  assert.deepEqual(rows[0], ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
  const byResource = new Map(rows.slice(1).filter((r) => r.length === 4).map((r) => [r[0], r[3]]));
  for (const res of ['pods', 'configmaps', 'pods/log', 'deployments.apps', 'statefulsets.apps/scale', 'jobs.batch', 'endpointslices.discovery.k8s.io', 'poddisruptionbudgets.policy']) {
    assert.equal(byResource.get(res), '[get list watch]', res);
  }
  for (const res of ['selfsubjectaccessreviews.authorization.k8s.io', 'selfsubjectrulesreviews.authorization.k8s.io', 'selfsubjectreviews.authentication.k8s.io']) {
    assert.equal(byResource.get(res), '[create]', res);
  }
  assert.equal(byResource.has('secrets'), false);
  const urls = rows.slice(1).filter((r) => r.length === 3).map((r) => r[0]);
  for (const u of ['[/api]', '[/api/*]', '[/apis]', '[/healthz]', '[/livez]', '[/readyz]', '[/version]', '[/version/]', '[/openapi]', '[/openapi/*]']) assert.ok(urls.includes(u), u);
  // without the binding, in another namespace: only the self reviews and the public URLs
  const elsewhere = await k(['auth', 'can-i', '--list', '--as=viewer', '-n', 'default']);
  assert.doesNotMatch(elsewhere, /^pods\s/m);
});

test('anonymous requests reach only the public paths', async () => {
  assert.equal((await rawRequest(c, 'GET', '/version', undefined, {}, { anonymous: true })).status, 200);
  assert.equal((await rawRequest(c, 'GET', '/readyz', undefined, {}, { anonymous: true })).status, 200);
  const api = await rawRequest(c, 'GET', '/api', undefined, {}, { anonymous: true });
  assert.equal(api.status, 403);
  assert.equal(JSON.parse(api.body).message, 'forbidden: User "system:anonymous" cannot get path "/api"');
  const pods = await rawRequest(c, 'GET', '/api/v1/namespaces/default/pods', undefined, {}, { anonymous: true });
  assert.equal(JSON.parse(pods.body).message, 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"');
  assert.equal((await rawRequest(c, 'GET', '/api', undefined, { Authorization: 'Bearer nonsense' }, { anonymous: true })).status, 401);
  // the issuer's discovery documents, for service accounts
  const token = await k(['create', 'token', 'default']);
  const oidc = await rawRequest(c, 'GET', '/.well-known/openid-configuration', undefined, { Authorization: `Bearer ${token}` }, { anonymous: true });
  assert.equal(JSON.parse(oidc.body).issuer, 'https://kubernetes.default.svc.cluster.local');
  const jwks = JSON.parse((await rawRequest(c, 'GET', '/openid/v1/jwks', undefined, { Authorization: `Bearer ${token}` }, { anonymous: true })).body);
  assert.equal(jwks.keys[0].kid, JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid);
});

test('bootstrap tokens authenticate as system:bootstrap:<id>', async () => {
  const data = {
    'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true',
    'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
  };
  await k(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', type: 'bootstrap.kubernetes.io/token', metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' }, stringData: data }) });
  const kc = await kubeconfigFor('joiner', { token: 'abcdef.0123456789abcdef' });
  const who = await as(kc, ['auth', 'whoami']);
  assert.match(who.stdout, /Username\s+system:bootstrap:abcdef\nGroups\s+\[system:bootstrappers system:bootstrappers:kubeadm:default-node-token system:authenticated\]/);
  assert.match((await as(kc, ['get', 'pods'])).stderr, /User "system:bootstrap:abcdef" cannot list resource "pods"/);
  const wrong = await kubeconfigFor('joiner2', { token: 'abcdef.0123456789abcdee' });
  assert.match((await as(wrong, ['get', 'pods'])).stderr, /Unauthorized/);
});

test('pods get the kube-api-access projected volume unless automount is off', async () => {
  await k(['run', 'mounted', '--image=busybox']);
  const spec = JSON.parse(await k(['get', 'pod', 'mounted', '-o', 'jsonpath={.spec}']));
  const vol = spec.volumes.find((v: { name: string }) => v.name.startsWith('kube-api-access-'));
  assert.ok(vol, JSON.stringify(spec.volumes));
  assert.deepEqual(vol.projected, {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  });
  assert.deepEqual(spec.containers[0].volumeMounts, [{ name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
  await k(['run', 'unmounted', '--image=busybox', '--overrides={"spec":{"automountServiceAccountToken":false}}']);
  assert.equal(await k(['get', 'pod', 'unmounted', '-o', 'jsonpath={.spec.volumes}']), '');
  const missing = await kubectl(c, ['run', 'orphan', '--image=busybox', '--overrides={"spec":{"serviceAccountName":"ghost"}}']);
  assert.match(missing.stderr, /pods "orphan" is forbidden: error looking up service account default\/ghost: serviceaccount "ghost" not found/);
});

test('the audit log records a create, a denied delete and an exec', async () => {
  await k(['create', 'configmap', 'audited', '--from-literal=x=y']);
  await kubectl(c, ['delete', 'configmap', 'audited', '--as=nobody']);
  await kubectl(c, ['exec', 'mounted', '--', 'true']);
  const log = join(c.dataDir, 'audit', 'audit.log');
  const events = await eventually(() => {
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const exec = lines.find((e) => e.objectRef?.subresource === 'exec');
    return exec ? lines : undefined;
  });
  assert.equal(statSync(log).mode & 0o777, 0o600);
  const create = events.find((e) => e.verb === 'create' && e.objectRef?.resource === 'configmaps' && e.objectRef?.name === 'audited' && e.responseStatus.code === 201);
  assert.ok(create);
  assert.equal(create.kind, 'Event');
  assert.equal(create.apiVersion, 'audit.k8s.io/v1');
  assert.equal(create.stage, 'ResponseComplete');
  assert.equal(create.objectRef.namespace, 'default', 'objectRef completed from the created object, as LogRequestObject');
  assert.equal(create.user.username, 'berth-admin');
  assert.match(create.requestReceivedTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  const denied = events.find((e) => e.verb === 'delete' && e.objectRef?.name === 'audited');
  assert.equal(denied.responseStatus.code, 403);
  assert.equal(denied.impersonatedUser.username, 'nobody');
  assert.equal(denied.annotations['authorization.k8s.io/decision'], 'forbid');
  const exec = events.find((e) => e.objectRef?.subresource === 'exec');
  assert.equal(exec.objectRef.name, 'mounted');
});

test('Secrets are encrypted in state.db and its history; the files are 0600', async () => {
  const value = 'plaintext-canary-7f3a9c';
  await k(['create', 'secret', 'generic', 'canary', `--from-literal=password=${value}`]);
  await k(['patch', 'secret', 'canary', '-p', JSON.stringify({ stringData: { password: `${value}-2` } })]);
  await k(['get', 'secret', 'canary']);
  for (const f of ['state.db', 'encryption-config.yaml', 'kubeconfig', 'pki/sa.key']) assert.equal(statSync(join(c.dataDir, f)).mode & 0o777, 0o600, f);
  const strings = await new Promise<string>((resolve, reject) => execFile('sh', ['-c', `cat ${join(c.dataDir, 'state.db')}* | strings`], { maxBuffer: 256 * 1024 * 1024 }, (e, out) => (e ? reject(e) : resolve(out))));
  assert.doesNotMatch(strings, new RegExp(value));
  assert.doesNotMatch(strings, new RegExp(Buffer.from(value).toString('base64').slice(0, 16)));
  assert.match(strings, /k8s:enc:aescbc:v1:key1:/);
});

test('the local provisioner refuses to delete a directory it did not create', async () => {
  await k(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }) });
  const pvName = await eventually(async () => k(['get', 'pvc', 'data', '-o', 'jsonpath={.spec.volumeName}']));
  const realPath = await k(['get', 'pv', pvName, '-o', 'jsonpath={.spec.hostPath.path}']);
  writeFileSync(join(realPath, 'keep.txt'), 'data');
  // a hand-made PV pointing at that directory, with the provisioner's annotation and reclaim policy Delete
  await k(['create', '-f', '-'], { input: JSON.stringify({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'sneaky', annotations: { 'pv.kubernetes.io/provisioned-by': 'berth.dev/local' } },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', hostPath: { path: realPath } },
  }) });
  await k(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'sneaky-claim' }, spec: { volumeName: 'sneaky', storageClassName: 'standard', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }) });
  await eventually(async () => (await k(['get', 'pvc', 'sneaky-claim', '-o', 'jsonpath={.status.phase}'])) === 'Bound');
  await k(['delete', 'pvc', 'sneaky-claim']);
  const event = await eventually(async () => {
    const out = await k(['get', 'events', '--field-selector', 'involvedObject.name=sneaky', '-o', 'jsonpath={.items[*].message}']);
    return out.includes('refusing to delete') ? out : undefined;
  }, 15_000);
  assert.match(event, new RegExp(`refusing to delete ${realPath}: this provisioner did not create it for volume sneaky`));
  assert.equal(readFileSync(join(realPath, 'keep.txt'), 'utf8'), 'data');
});
