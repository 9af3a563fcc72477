import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateNamesAndConditions, usedNamesInGroup } from '../../../src/apiextensions/naming.js';
import type { CustomResourceDefinition } from '../../../src/apiextensions/types.js';

function crd(name: string, names: CustomResourceDefinition['spec']['names'], accepted?: CustomResourceDefinition['spec']['names']): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name },
    spec: { group: 'example.com', names, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true }] },
    status: accepted ? { acceptedNames: accepted } : {},
  };
}

test('fresh names are accepted and Established waits for the establishing step', () => {
  const c = crd('widgets.example.com', { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['all'] });
  const r = calculateNamesAndConditions(c, usedNamesInGroup('example.com', [c], c.metadata.name!));
  assert.deepEqual(r.acceptedNames, { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['all'] });
  assert.equal(r.namesAccepted.status, 'True');
  assert.equal(r.namesAccepted.reason, 'NoConflicts');
  assert.equal(r.namesAccepted.message, 'no conflicts found');
  assert.deepEqual({ ...r.established }, { type: 'Established', status: 'False', reason: 'Installing', message: 'the initial names have been accepted' });
});

test('a plural or kind accepted by another CRD of the group is a conflict', () => {
  const existing = crd('gadgets.example.com', { plural: 'gadgets', kind: 'Gadget' }, { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList', shortNames: ['gd'] });
  const clash = crd('things.example.com', { plural: 'things', singular: 'thing', kind: 'Gadget', listKind: 'ThingList', shortNames: ['gd'] });
  const r = calculateNamesAndConditions(clash, usedNamesInGroup('example.com', [existing, clash], clash.metadata.name!));
  assert.equal(r.namesAccepted.status, 'False');
  assert.equal(r.namesAccepted.reason, 'KindConflict');
  assert.equal(r.namesAccepted.message, '"Gadget" is already in use');
  assert.equal(r.acceptedNames.kind, undefined);
  assert.equal(r.acceptedNames.plural, 'things');
  assert.equal(r.acceptedNames.shortNames, undefined, 'conflicting short names are not accepted');
  assert.equal(r.established.reason, 'NotAccepted');
});

test('other groups do not conflict, and an already accepted name stays accepted', () => {
  const other = crd('gadgets.other.io', { plural: 'gadgets', kind: 'Gadget' }, { plural: 'gadgets', kind: 'Gadget' });
  other.spec.group = 'other.io';
  const c = crd('gadgets.example.com', { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' });
  assert.equal(calculateNamesAndConditions(c, usedNamesInGroup('example.com', [other, c], c.metadata.name!)).namesAccepted.status, 'True');
  const established = crd('gadgets.example.com', { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList', shortNames: ['g2'] },
    { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' });
  established.status!.conditions = [{ type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }];
  const r = calculateNamesAndConditions(established, { resources: new Set(['gadgets']), kinds: new Set(['Gadget']) });
  assert.equal(r.namesAccepted.status, 'True');
  assert.deepEqual(r.acceptedNames.shortNames, ['g2']);
  assert.equal(r.established.status, 'True', 'Established is kept once true');
});
