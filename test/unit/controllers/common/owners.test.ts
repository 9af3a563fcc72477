// Owner mapping (the add/update/delete handlers of replica_set.go, stateful_set.go, daemon_controller.go): a
// dependent with a controller reference concerns only the cached owner with that uid; an orphan concerns every owner
// whose non-empty selector matches it; an update whose reference changed concerns the former owner too.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject, OwnerReference } from '../../../../src/apimachinery/types.js';
import { ObjectCache } from '../../../../src/client/store.js';
import { OwnerMapping, selectorOrUndefined } from '../../../../src/controllers/common/owners.js';

interface Owner extends KubeObject { spec: { selector?: { matchLabels?: Record<string, string> } } }

const owner = (name: string, uid: string, matchLabels?: Record<string, string>): Owner =>
  ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'ns', uid }, spec: { selector: matchLabels ? { matchLabels } : {} } });
const ref = (name: string, uid: string, kind = 'ReplicaSet'): OwnerReference => ({ apiVersion: 'apps/v1', kind, name, uid, controller: true });
const pod = (name: string, labels: Record<string, string>, controller?: OwnerReference, namespace = 'ns'): KubeObject =>
  ({ metadata: { name, namespace, uid: `pod-${name}`, labels, ...(controller ? { ownerReferences: [controller] } : {}) } });
const names = (os: (Owner | undefined)[]) => os.map((o) => o?.metadata.name);

function mapping() {
  const cache = new ObjectCache<Owner>();
  cache.upsert(owner('web', 'uid-web', { app: 'web' }));
  cache.upsert(owner('web-too', 'uid-web-too', { app: 'web' }));
  cache.upsert(owner('everything', 'uid-everything')); // empty selector: selects nothing for adoption
  cache.upsert(owner('db', 'uid-db', { app: 'db' }));
  return new OwnerMapping(cache, 'ReplicaSet', (o) => selectorOrUndefined(o.spec.selector));
}

describe('OwnerMapping', () => {
  test('a controlled dependent maps to its cached controller only when kind and uid match', () => {
    const m = mapping();
    assert.equal(m.controllerOf(pod('a', { app: 'web' }, ref('web', 'uid-web')))?.metadata.name, 'web');
    assert.equal(m.controllerOf(pod('a', { app: 'web' }, ref('web', 'uid-recreated'))), undefined);
    assert.equal(m.controllerOf(pod('a', { app: 'web' }, ref('web', 'uid-web', 'StatefulSet'))), undefined);
    assert.equal(m.controllerOf(pod('a', { app: 'web' })), undefined);
  });

  test('added: the controller alone, or for an orphan every owner whose non-empty selector matches', () => {
    const m = mapping();
    assert.deepEqual(names(m.added(pod('a', { app: 'web' }, ref('db', 'uid-db'))).adopters), []);
    assert.equal(m.added(pod('a', { app: 'web' }, ref('db', 'uid-db'))).controller?.metadata.name, 'db');
    assert.deepEqual(m.added(pod('a', { app: 'web' }, ref('gone', 'uid-gone'))), { controller: undefined, adopters: [] });
    assert.deepEqual(names(m.added(pod('a', { app: 'web' })).adopters).sort(), ['web', 'web-too']);
    assert.deepEqual(names(m.added(pod('a', {})).adopters), [], 'no labels: no adopters');
    assert.deepEqual(names(m.added(pod('a', { app: 'web' }, undefined, 'other')).adopters), [], 'other namespace');
  });

  test('updated: former controller on a reference change; adopters only for a changed orphan', () => {
    const m = mapping();
    const released = m.updated(pod('a', { app: 'web' }, ref('web', 'uid-web')), pod('a', { app: 'web' }));
    assert.equal(released.former?.metadata.name, 'web');
    assert.equal(released.controller, undefined);
    assert.deepEqual(names(released.adopters).sort(), ['web', 'web-too']);

    const adopted = m.updated(pod('a', { app: 'web' }), pod('a', { app: 'web' }, ref('web-too', 'uid-web-too')));
    assert.deepEqual([adopted.former, adopted.controller?.metadata.name, adopted.adopters], [undefined, 'web-too', []]);

    const unchangedOrphan = m.updated(pod('a', { app: 'web', x: '1' }), pod('a', { x: '1', app: 'web' }));
    assert.deepEqual(unchangedOrphan.adopters, [], 'same labels in another order: nothing to adopt anew');

    const relabelled = m.updated(pod('a', { app: 'web' }), pod('a', { app: 'db' }));
    assert.deepEqual(names(relabelled.adopters), ['db']);

    const owned = m.updated(pod('a', { app: 'web' }, ref('web', 'uid-web')), pod('a', { app: 'db' }, ref('web', 'uid-web')));
    assert.deepEqual([owned.former, owned.controller?.metadata.name, owned.adopters], [undefined, 'web', []]);
  });
});
