// The naming controller's decision (upstream pkg/controller/status/naming_controller.go): which requested names a
// CRD may have given the names already accepted for other CRDs (and built-in resources) of its group, and the
// NamesAccepted / Established conditions that follow.
import { jsonEqual } from '../apimachinery/json.js';
import type { CRDCondition, CRDNames, CustomResourceDefinition } from './types.js';
import { findCondition } from './types.js';

export interface UsedNames {
  /** Plurals, singulars and short names in use in the group. */
  resources: Set<string>;
  /** Kinds and list kinds in use in the group. */
  kinds: Set<string>;
}

/** Names taken by other CRDs of `group` (their accepted names), plus built-in resources the caller adds. */
export function usedNamesInGroup(group: string, crds: CustomResourceDefinition[], exceptName: string): UsedNames {
  const used: UsedNames = { resources: new Set(), kinds: new Set() };
  for (const crd of crds) {
    if (crd.spec?.group !== group || crd.metadata.name === exceptName) continue;
    const n = crd.status?.acceptedNames ?? {};
    for (const r of [n.plural, n.singular, ...(n.shortNames ?? [])]) if (r) used.resources.add(r);
    for (const k of [n.kind, n.listKind]) if (k) used.kinds.add(k);
  }
  return used;
}

function conflict(requested: string | undefined, accepted: string | undefined, used: Set<string>): string | undefined {
  if (requested === accepted) return undefined;
  if (requested === undefined || !used.has(requested)) return undefined;
  return `${JSON.stringify(requested)} is already in use`;
}

export interface NamingResult {
  acceptedNames: CRDNames;
  namesAccepted: CRDCondition;
  established: CRDCondition;
}

export function calculateNamesAndConditions(crd: CustomResourceDefinition, used: UsedNames): NamingResult {
  const requested = crd.spec.names;
  const accepted = crd.status?.acceptedNames ?? {};
  const next: CRDNames = { ...accepted };
  const cond: CRDCondition = { type: 'NamesAccepted', status: 'Unknown' };
  const fail = (reason: string, message: string) => Object.assign(cond, { status: 'False', reason, message });

  let err = conflict(requested.plural, accepted.plural, used.resources);
  if (err) fail('PluralConflict', err);
  else next.plural = requested.plural;

  err = conflict(requested.singular, accepted.singular, used.resources);
  if (err) fail('SingularConflict', err);
  else next.singular = requested.singular;

  if (!jsonEqual(requested.shortNames ?? null, accepted.shortNames ?? null)) {
    const had = new Set(accepted.shortNames ?? []);
    const errs = (requested.shortNames ?? []).filter((s) => !had.has(s)).map((s) => conflict(s, '', used.resources)).filter((e): e is string => !!e);
    if (errs.length) fail('ShortNamesConflict', errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
    else setOrDrop(next, 'shortNames', requested.shortNames);
  }

  err = conflict(requested.kind, accepted.kind, used.kinds);
  if (err) fail('KindConflict', err);
  else next.kind = requested.kind;

  err = conflict(requested.listKind, accepted.listKind, used.kinds);
  if (err) fail('ListKindConflict', err);
  else next.listKind = requested.listKind;

  setOrDrop(next, 'categories', requested.categories);

  if (cond.status === 'Unknown') Object.assign(cond, { status: 'True', reason: 'NoConflicts', message: 'no conflicts found' });

  let established: CRDCondition = findCondition(crd, 'Established') ?? { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' };
  if (established.status !== 'True' && cond.status === 'True') {
    established = { type: 'Established', status: 'False', reason: 'Installing', message: 'the initial names have been accepted' };
  }
  return { acceptedNames: next, namesAccepted: cond, established: { ...established } };
}

function setOrDrop(names: CRDNames, key: 'shortNames' | 'categories', value: string[] | undefined): void {
  if (value === undefined) delete names[key];
  else names[key] = value;
}
