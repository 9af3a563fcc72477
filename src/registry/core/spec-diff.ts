// A short go-cmp-like diff appended to "immutable" errors (upstream appends cmp.Diff output; we cannot reproduce
// it byte for byte, so we list the changed top-level fields in the same spirit).
import { deepEqual } from '../../apimachinery/validation/objectmeta.js';
import { Obj } from './helpers.js';

const goName = (k: string) => k.charAt(0).toUpperCase() + k.slice(1);
const show = (v: unknown) => (v === undefined ? 'nil' : JSON.stringify(v));

export function specDiff(typeName: string, oldSpec: Obj | undefined, newSpec: Obj | undefined): string {
  const a = oldSpec ?? {}, b = newSpec ?? {};
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const lines = [`  ${typeName}{`];
  let same = 0;
  for (const k of keys) {
    if (deepEqual(a[k], b[k])) { same++; continue; }
    if (a[k] !== undefined) lines.push(`- \t${goName(k)}: ${show(a[k])},`);
    if (b[k] !== undefined) lines.push(`+ \t${goName(k)}: ${show(b[k])},`);
  }
  if (same) lines.push(`  \t... // ${same} identical fields`);
  lines.push('  }');
  return lines.join('\n') + '\n';
}
