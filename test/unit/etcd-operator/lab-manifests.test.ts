// examples/etcd-operator's manifests against the operator's own: rbac.yaml is what `berth operator etcd
// --print-manifest` grants (the lab's in-cluster operator can do exactly what the printed manifest allows), and the
// notes' deployment.yaml runs as that ServiceAccount with etcd-operator's image and command.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { labDir } from '../../../examples/lib/lab.js';
import type { KubeObject } from '../../../src/apimachinery/types.js';
import { operatorManifest } from '../../../src/operators/etcd/install.js';

const read = (file: string) => parseAllDocuments(readFileSync(join(labDir('etcd-operator'), file), 'utf8')).map((d) => d.toJS() as KubeObject);

test('examples/etcd-operator/rbac.yaml is the printed manifest\'s ServiceAccount, ClusterRole and binding', () => {
  const printed = operatorManifest().filter((o) => ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind!));
  assert.equal(printed.length, 3);
  assert.deepEqual(read('rbac.yaml'), JSON.parse(JSON.stringify(printed)));
});

test('examples/etcd-operator/deployment.yaml: the notes\' Deployment as the printed manifest\'s ServiceAccount', () => {
  const [deployment] = read('deployment.yaml') as (KubeObject & { spec: { template: { spec: { serviceAccountName: string; containers: { image: string; command: string[] }[] } } } })[];
  const printed = operatorManifest().find((o) => o.kind === 'Deployment') as unknown as typeof deployment;
  assert.equal(deployment.apiVersion, 'apps/v1');
  assert.equal(deployment.spec.template.spec.serviceAccountName, printed.spec.template.spec.serviceAccountName);
  assert.deepEqual(deployment.spec.template.spec.containers.map((c) => [c.image, c.command]), [['quay.io/coreos/etcd-operator:v0.9.4', ['etcd-operator']]]);
});
