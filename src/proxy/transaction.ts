// Turning "what the table holds" into "what it should hold" as one nft script. A full sync replaces the whole table
// in one transaction (`add table` + `delete table` + everything); an incremental sync touches only the service ports
// that changed. Commands are ordered so every reference exists when it is made: new sets and chains first, then the
// rules that use them, then map elements (old ones out before new ones in), then what is no longer used.
import { addElement, deleteElement, emptyUnit, MapElement, RuleUnit, skeleton, TableLayout, unitCommands } from './rules.js';

export interface UnitChange {
  old: RuleUnit | undefined;
  next: RuleUnit | undefined;
}

export interface IncrementalScript {
  script: string;
  /** Chains no service port uses any more: flushed now, deleted later (see Proxier). */
  staleChains: string[];
}

const elementId = (e: MapElement) => `${e.map}|${e.key}|${e.value}`;

export function fullScript(layout: TableLayout, units: Iterable<RuleUnit>): string {
  const t = layout.table;
  const define: string[] = [];
  const fill: string[] = [];
  const elements: string[] = [];
  for (const u of units) {
    const c = unitCommands(t, u);
    define.push(...c.define);
    fill.push(...c.fill);
    elements.push(...c.elements);
  }
  // `add` first so that `delete` never fails on a missing table; the whole file is one transaction.
  return [`add table ${t}`, `delete table ${t}`, ...skeleton(layout), ...define, ...fill, ...elements, ''].join('\n');
}

/** The commands that turn each `old` unit into its `next`; empty script when nothing differs. */
export function incrementalScript(table: string, changes: Iterable<UnitChange>, existingChains: ReadonlySet<string>): IncrementalScript {
  const addSets: string[] = [];
  const addChains: string[] = [];
  const fill: string[] = [];
  const deleteElements: string[] = [];
  const addElements: string[] = [];
  const flushStale: string[] = [];
  const deleteSets: string[] = [];
  const staleChains: string[] = [];
  for (const { old = emptyUnit(), next = emptyUnit() } of changes) {
    const oldElements = new Set(old.elements.map(elementId));
    const nextElements = new Set(next.elements.map(elementId));
    for (const e of old.elements) if (!nextElements.has(elementId(e))) deleteElements.push(deleteElement(table, e));
    for (const e of next.elements) if (!oldElements.has(elementId(e))) addElements.push(addElement(table, e));
    for (const [name, spec] of next.sets) if (!old.sets.has(name)) addSets.push(`add set ${table} ${name} ${spec}`);
    for (const name of old.sets.keys()) if (!next.sets.has(name)) deleteSets.push(`delete set ${table} ${name}`);
    for (const [name, rules] of next.chains) {
      const before = old.chains.get(name);
      if (before && sameRules(before, rules)) continue;
      if (!before && !existingChains.has(name)) addChains.push(`add chain ${table} ${name}`);
      else fill.push(`flush chain ${table} ${name}`);
      for (const r of rules) fill.push(`add rule ${table} ${name} ${r}`);
    }
    for (const name of old.chains.keys()) {
      if (next.chains.has(name)) continue;
      flushStale.push(`flush chain ${table} ${name}`);
      staleChains.push(name);
    }
  }
  const lines = [...addSets, ...addChains, ...fill, ...deleteElements, ...addElements, ...flushStale, ...deleteSets];
  return { script: lines.length ? `${lines.join('\n')}\n` : '', staleChains };
}

function sameRules(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}
