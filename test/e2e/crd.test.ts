// Issue 5 acceptance: CustomResourceDefinitions driven by the real kubectl against a real `berth up` — seed 000's
// User CRD, schema validation messages, a CRD with status/scale subresources, printer columns and a CEL rule,
// every kubectl verb people use on custom resources, cascading CRD deletion and serving after a restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Cluster, eventually, kubectl, kubectlOk, KUBECTL, startCluster } from './harness.js';

// Seed 000's example (crd-user.yaml), as printed there.
const USER_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: users.auth.democrd.io
spec:
  group: auth.democrd.io
  names:
    kind: User
    plural: users
    singular: user
    shortNames:
    - u
  scope: Namespaced
  versions:
  - served: true
    storage: true
    name: v1alpha1
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              userID:
                type: integer
                minimum: 1
                maximum: 65535
              groups:
                type: array
                items:
                  type: string
              email:
                type: string
              password:
                type: string
                format: password
            required: ["userID","groups"]
`;

const user = (name: string, spec: string) => `apiVersion: auth.democrd.io/v1alpha1
kind: User
metadata:
  name: ${name}
spec:
${spec}`;

const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    kind: Widget
    plural: widgets
    singular: widget
    shortNames: [wd]
    categories: [all]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.selector
    additionalPrinterColumns:
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    - name: Size
      type: string
      jsonPath: .spec.size
    - name: Age
      type: date
      jsonPath: .metadata.creationTimestamp
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - rule: self.replicas <= 10
              message: replicas must be at most 10
            properties:
              replicas:
                type: integer
                minimum: 0
                default: 1
              size:
                type: string
                description: How big the widget is.
          status:
            type: object
            properties:
              replicas:
                type: integer
              selector:
                type: string
`;

let c: Cluster;
before(async () => { c = await startCluster(); });
after(async () => { await c?.stop(); c?.cleanup(); });

const k = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(c, args, opts);
const applyYaml = (yaml: string, extra: string[] = []) => k(['apply', '-f', '-', ...extra], { input: yaml });

describe('seed 000: the User CRD', () => {
  before(async () => {
    assert.match(await applyYaml(USER_CRD), /customresourcedefinition.apiextensions.k8s.io\/users.auth.democrd.io created/);
    await k(['wait', '--for=condition=Established', 'crd/users.auth.democrd.io', '--timeout=20s']);
  });

  test('the CRD is listed, Established and has its names accepted', async () => {
    assert.match(await k(['get', 'crd']), /^NAME\s+CREATED AT\n(.*\n)*users\.auth\.democrd\.io\s+\d{4}-\d\d-\d\dT/m);
    const crd = JSON.parse(await k(['get', 'crd', 'users.auth.democrd.io', '-o', 'json']));
    assert.deepEqual(crd.status.acceptedNames, { kind: 'User', listKind: 'UserList', plural: 'users', singular: 'user', shortNames: ['u'] });
    assert.deepEqual(crd.status.storedVersions, ['v1alpha1']);
    const conds = Object.fromEntries(crd.status.conditions.map((x: { type: string; reason: string }) => [x.type, x.reason]));
    assert.deepEqual(conds, { NamesAccepted: 'NoConflicts', Established: 'InitialNamesAccepted' });
    assert.equal(crd.spec.conversion.strategy, 'None');
    assert.match(await k(['api-resources', '--api-group=auth.democrd.io']), /^users\s+u\s+auth\.democrd\.io\/v1alpha1\s+true\s+User$/m);
  });

  test('the short name works before any object exists', async () => {
    const r = await kubectl(c, ['get', 'u']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /No resources found in default namespace/);
  });

  test('a valid User is created and listed', async () => {
    assert.match(await applyYaml(user('alice', '  userID: 1000\n  groups: ["admin"]\n  email: alice@example.com\n')), /user.auth.democrd.io\/alice created/);
    assert.match(await k(['get', 'u']), /^NAME\s+AGE\nalice\s+\d+s$/m);
    const got = JSON.parse(await k(['get', 'user', 'alice', '-o', 'json']));
    assert.equal(got.spec.userID, 1000);
    assert.equal(got.metadata.generation, 1);
  });

  test('schema violations come back with upstream messages', async () => {
    let r = await kubectl(c, ['apply', '-f', '-'], { input: user('bob', '  userID: 70000\n  groups: []\n') });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The User "bob" is invalid: spec\.userID: Invalid value: 70000: spec\.userID in body should be less than or equal to 65535/);
    r = await kubectl(c, ['apply', '-f', '-'], { input: user('carol', '  groups: ["dev"]\n') });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The User "carol" is invalid: spec\.userID: Required value/);
  });

  test('unknown fields are rejected by kubectl apply (strict field validation)', async () => {
    const r = await kubectl(c, ['apply', '-f', '-'], { input: user('dave', '  userID: 7\n  groups: []\n  shoeSize: 44\n') });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unknown field "spec\.shoeSize"/);
  });

  test('kubectl explain reads the CRD schema', async () => {
    const out = await k(['explain', 'user.spec']);
    assert.match(out, /KIND:\s+User/);
    assert.match(out, /userID\s+<integer> -required-/);
    assert.match(out, /groups\s+<\[\]string> -required-/);
  });
});

describe('a CRD with subresources, printer columns and a CEL rule', () => {
  before(async () => {
    await k(['create', 'namespace', 'crd-e2e']);
    await applyYaml(WIDGET_CRD);
    await k(['wait', '--for=condition=Established', 'crd/widgets.stable.example.com', '--timeout=20s']);
    await applyYaml('apiVersion: stable.example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n  namespace: crd-e2e\nspec:\n  size: small\n');
  });

  test('defaults apply and get prints the printer columns', async () => {
    const out = await k(['get', 'widgets', '-n', 'crd-e2e']);
    assert.match(out, /^NAME\s+REPLICAS\s+SIZE\s+AGE\nw1\s+1\s+small\s+\d+s$/m);
  });

  test('describe shows the object', async () => {
    const out = await k(['describe', 'widget', 'w1', '-n', 'crd-e2e']);
    assert.match(out, /^Name:\s+w1$/m);
    assert.match(out, /^Kind:\s+Widget$/m);
    assert.match(out, /^API Version:\s+stable\.example\.com\/v1$/m);
    assert.match(out, /Size:\s+small/);
  });

  test('scale goes through the scale subresource', async () => {
    assert.match(await k(['scale', 'widget', 'w1', '-n', 'crd-e2e', '--replicas=3']), /widget.stable.example.com\/w1 scaled/);
    assert.equal(await k(['get', 'wd', 'w1', '-n', 'crd-e2e', '-o', 'jsonpath={.spec.replicas}']), '3');
  });

  test('the CEL rule rejects an invalid spec', async () => {
    const r = await kubectl(c, ['patch', 'widget', 'w1', '-n', 'crd-e2e', '--type', 'merge', '-p', '{"spec":{"replicas":11}}']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Widget "w1" is invalid: spec: Invalid value: "object": replicas must be at most 10/);
  });

  test('merge patch changes the spec and bumps generation; status writes go through /status only', async () => {
    await k(['patch', 'widget', 'w1', '-n', 'crd-e2e', '--type', 'merge', '-p', '{"spec":{"size":"large"},"status":{"replicas":9}}']);
    let w = JSON.parse(await k(['get', 'widget', 'w1', '-n', 'crd-e2e', '-o', 'json']));
    assert.equal(w.spec.size, 'large');
    assert.equal(w.status, undefined, 'status is ignored on the main resource');
    const gen = w.metadata.generation;
    await k(['patch', 'widget', 'w1', '-n', 'crd-e2e', '--subresource=status', '--type', 'merge', '-p', '{"status":{"replicas":3,"selector":"app=w1"}}']);
    w = JSON.parse(await k(['get', 'widget', 'w1', '-n', 'crd-e2e', '-o', 'json']));
    assert.deepEqual(w.status, { replicas: 3, selector: 'app=w1' });
    assert.equal(w.metadata.generation, gen, 'status writes do not bump generation');
    const scale = JSON.parse(await k(['get', '--raw', '/apis/stable.example.com/v1/namespaces/crd-e2e/widgets/w1/scale']));
    assert.deepEqual(scale.status, { replicas: 3, selector: 'app=w1' });
  });

  test('a strategic merge patch gets kubectl\'s 415 message', async () => {
    const r = await kubectl(c, ['patch', 'widget', 'w1', '-n', 'crd-e2e', '-p', '{"spec":{"size":"medium"}}']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /application\/strategic-merge-patch\+json is not supported by stable\.example\.com\/v1, Kind=Widget/);
  });

  test('server-side apply records the field manager', async () => {
    const manifest = 'apiVersion: stable.example.com/v1\nkind: Widget\nmetadata:\n  name: w2\n  namespace: crd-e2e\nspec:\n  replicas: 2\n  size: tiny\n';
    assert.match(await k(['apply', '--server-side', '--field-manager=e2e-tool', '-f', '-'], { input: manifest }), /widget.stable.example.com\/w2 serverside-applied/);
    const w = JSON.parse(await k(['get', 'widget', 'w2', '-n', 'crd-e2e', '-o', 'json', '--show-managed-fields']));
    const entry = w.metadata.managedFields.find((m: { manager: string }) => m.manager === 'e2e-tool');
    assert.equal(entry.operation, 'Apply');
    assert.ok(entry.fieldsV1['f:spec']['f:size']);
  });

  test('kubectl get all includes custom resources in category all', async () => {
    const out = await k(['get', 'all', '-n', 'crd-e2e']);
    assert.match(out, /^widget\.stable\.example\.com\/w1\s/m);
  });

  test('get -w streams changes', async () => {
    const child = spawn(KUBECTL, ['get', 'widgets', '-n', 'crd-e2e', '-w', '--no-headers'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: c.home, KUBECONFIG: c.kubeconfig } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    try {
      await eventually(() => /^w1\s/m.test(out), 10000);
      await k(['patch', 'widget', 'w1', '-n', 'crd-e2e', '--type', 'merge', '-p', '{"spec":{"size":"watched"}}']);
      await eventually(() => /^w1\s+\d+\s+watched\s/m.test(out), 10000);
    } finally {
      child.kill();
    }
  });

  test('deleting the CRD deletes its custom resources and the resource', async () => {
    await k(['delete', 'crd', 'widgets.stable.example.com', '--timeout=30s']);
    const r = await kubectl(c, ['get', 'crd', 'widgets.stable.example.com']);
    assert.match(r.stderr, /NotFound/);
    assert.doesNotMatch(await k(['api-resources']), /^widgets\s/m);
    const raw = await kubectl(c, ['get', '--raw', '/apis/stable.example.com/v1/namespaces/crd-e2e/widgets']);
    assert.notEqual(raw.code, 0);
    // Re-creating the CRD finds no leftover objects.
    await applyYaml(WIDGET_CRD);
    await k(['wait', '--for=condition=Established', 'crd/widgets.stable.example.com', '--timeout=20s']);
    const again = await kubectl(c, ['get', 'widgets', '-n', 'crd-e2e']);
    assert.match(again.stderr, /No resources found in crd-e2e namespace/);
  });
});

describe('CRD validation', () => {
  test('name, storage version and webhook conversion errors use upstream texts', async () => {
    const bad = USER_CRD.replace('name: users.auth.democrd.io', 'name: people.auth.democrd.io').replace('storage: true', 'storage: false');
    const r = await kubectl(c, ['apply', '-f', '-'], { input: bad });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /metadata\.name: Invalid value: "people\.auth\.democrd\.io": must be spec\.names\.plural\+"\."\+spec\.group/);
    assert.match(r.stderr, /spec\.versions: Invalid value: .*: must have exactly one version marked as storage version/);
    const webhook = USER_CRD.replace(/name: users\.auth\.democrd\.io/, 'name: users.hooks.democrd.io').replace('group: auth.democrd.io', 'group: hooks.democrd.io')
      .replace('  scope: Namespaced', '  scope: Namespaced\n  conversion:\n    strategy: Webhook\n    webhook:\n      conversionReviewVersions: ["v1"]\n      clientConfig:\n        url: https://example.com/convert');
    const w = await kubectl(c, ['apply', '-f', '-'], { input: webhook });
    assert.notEqual(w.code, 0);
    assert.match(w.stderr, /spec\.conversion\.strategy: Forbidden: conversion webhooks are not supported by Berth/);
  });

  test('a kind already used in the group is a naming conflict, and such a CRD is never served', async () => {
    const clash = USER_CRD.replace('name: users.auth.democrd.io', 'name: people.auth.democrd.io').replace('plural: users', 'plural: people')
      .replace('singular: user', 'singular: person').replace('    - u\n', '    - p\n');
    await applyYaml(clash);
    await k(['wait', '--for=condition=NamesAccepted=False', 'crd/people.auth.democrd.io', '--timeout=20s']);
    const crd = JSON.parse(await k(['get', 'crd', 'people.auth.democrd.io', '-o', 'json']));
    const cond = (type: string) => crd.status.conditions.find((x: { type: string }) => x.type === type);
    assert.deepEqual([cond('NamesAccepted').reason, cond('NamesAccepted').message], ['ListKindConflict', '"UserList" is already in use'] /* the last conflict checked wins, as upstream */);
    assert.deepEqual([cond('Established').status, cond('Established').reason], ['False', 'NotAccepted']);
    assert.doesNotMatch(await k(['api-resources', '--api-group=auth.democrd.io']), /^people\s/m);
    await k(['delete', 'crd', 'people.auth.democrd.io', '--timeout=20s']);
  });

  test('scope is immutable once established', async () => {
    const r = await kubectl(c, ['apply', '-f', '-'], { input: USER_CRD.replace('scope: Namespaced', 'scope: Cluster') });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.scope: Invalid value: "Cluster": field is immutable/);
  });
});

describe('schema changes and versions', () => {
  const NOTE_CRD = (schema: string, versions = '') => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: notes.demo.example.com
spec:
  group: demo.example.com
  names: { kind: Note, plural: notes, singular: note }
  scope: Namespaced
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
${schema}
${versions}`;

  test('objects stored before a schema change are kept; untouched fields ratchet, new values must fit', async () => {
    await k(['apply', '-f', '-'], { input: NOTE_CRD('              text: { type: string }') });
    await k(['wait', '--for=condition=Established', 'crd/notes.demo.example.com', '--timeout=20s']);
    await k(['apply', '-f', '-'], { input: 'apiVersion: demo.example.com/v1\nkind: Note\nmetadata: { name: old }\nspec: { text: "a long note" }\n' });
    // The schema gets stricter: the stored object no longer fits.
    await k(['apply', '-f', '-'], { input: NOTE_CRD('              text: { type: string, maxLength: 3 }') });
    await eventually(async () => {
      const r = await kubectl(c, ['apply', '-f', '-'], { input: 'apiVersion: demo.example.com/v1\nkind: Note\nmetadata: { name: fresh }\nspec: { text: "too long" }\n' });
      return r.code !== 0 && /spec\.text: Too long: may not be (longer|more) than 3/.test(r.stderr);
    }, 10000);
    assert.equal(await k(['get', 'note', 'old', '-o', 'jsonpath={.spec.text}']), 'a long note', 'nothing lost');
    assert.equal(await k(['label', 'note', 'old', 'checked=yes']), 'note.demo.example.com/old labeled\n', 'an update that leaves the old value alone is accepted');
    const r = await kubectl(c, ['patch', 'note', 'old', '--type', 'merge', '-p', '{"spec":{"text":"still too long"}}']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.text: Too long/);
  });

  test('a second served version is the same objects with the apiVersion rewritten', async () => {
    const schema = '              text: { type: string, maxLength: 3 }';
    const beta = `  - name: v1beta1
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
${schema}`;
    await k(['apply', '-f', '-'], { input: NOTE_CRD(schema, beta) });
    const obj = await eventually(async () => {
      const r = await kubectl(c, ['get', 'notes.v1beta1.demo.example.com', 'old', '-o', 'json']);
      return r.code === 0 && JSON.parse(r.stdout);
    }, 10000);
    assert.equal(obj.apiVersion, 'demo.example.com/v1beta1');
    assert.equal(obj.spec.text, 'a long note');
  });
});

describe('restart', () => {
  test('custom resources are served right after a restart', async () => {
    await c.stop();
    c = await startCluster({ dataDir: c.dataDir });
    const out = await k(['get', 'u', 'alice', '-o', 'jsonpath={.spec.userID}']);
    assert.equal(out, '1000');
    assert.match(await k(['get', 'users']), /^alice\s/m);
  });
});
