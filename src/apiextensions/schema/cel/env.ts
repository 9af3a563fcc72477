// The CEL environment for x-kubernetes-validations: `self` and `oldSelf` plus the Kubernetes list/string helpers
// the npm CEL library lacks. One shared environment; values are typed at runtime (see values.ts).
//
// The library (npm `@marcbachmann/cel-js`) is loaded dynamically so the server still builds and runs without it;
// then every CEL rule fails to compile with a clear message instead.
import type { CelEnvironment } from './lib-types.js';

const CEL_PACKAGE = '@marcbachmann/cel-js';
type CelModule = { Environment: new (opts?: Record<string, unknown>) => CelEnvironment };
let celModule: CelModule | undefined;
let loadError = '';
try {
  celModule = (await import(CEL_PACKAGE as string)) as CelModule;
} catch (e) {
  loadError = `CEL library ${CEL_PACKAGE} is not installed: ${(e as Error).message}`;
}

/** Why CEL is unavailable, or '' when it is. */
export const celUnavailable = (): string => (celModule ? '' : loadError);

type Any = unknown;

function compare(a: Any, b: Any): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function celEquals(a: Any, b: Any): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') return (typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint') && Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => celEquals((a as Record<string, Any>)[k], (b as Record<string, Any>)[k]));
  }
  return a === b;
}

function listMin(l: Any[]): Any {
  if (l.length === 0) throw new Error('min called on empty list');
  return l.reduce((m, x) => (compare(x, m) < 0 ? x : m));
}

function listMax(l: Any[]): Any {
  if (l.length === 0) throw new Error('max called on empty list');
  return l.reduce((m, x) => (compare(x, m) > 0 ? x : m));
}

let shared: CelEnvironment | undefined;

export function celEnvironment(): CelEnvironment | undefined {
  if (shared || !celModule) return shared;
  const env = new celModule.Environment({ homogeneousAggregateLiterals: false, enableOptionalTypes: true, unlistedVariablesAreDyn: false })
    .registerVariable('self', 'dyn')
    .registerVariable('oldSelf', 'dyn');
  const fns: [string, (...a: Any[]) => Any][] = [
    ['list<dyn>.isSorted(): bool', (l) => (l as Any[]).every((x, i, arr) => i === 0 || compare(arr[i - 1], x) <= 0)],
    ['list<dyn>.sum(): dyn', (l) => (l as Any[]).reduce((s: Any, x) => (typeof s === 'bigint' && typeof x === 'bigint' ? s + x : Number(s) + Number(x)), 0n)],
    ['list<dyn>.min(): dyn', (l) => listMin(l as Any[])],
    ['list<dyn>.max(): dyn', (l) => listMax(l as Any[])],
    ['list<dyn>.indexOf(dyn): int', (l, v) => BigInt((l as Any[]).findIndex((x) => celEquals(x, v)))],
    ['list<dyn>.lastIndexOf(dyn): int', (l, v) => BigInt((l as Any[]).map((x) => celEquals(x, v)).lastIndexOf(true))],
    ['string.replace(string, string): string', (s, a, b) => (s as string).split(a as string).join(b as string)],
    ['string.replace(string, string, int): string', (s, a, b, n) => replaceN(s as string, a as string, b as string, Number(n))],
    ['string.charAt(int): string', (s, i) => [...(s as string)][Number(i)] ?? ''],
    ['string.reverse(): string', (s) => [...(s as string)].reverse().join('')],
  ];
  for (const [sig, fn] of fns) {
    try {
      env.registerFunction(sig, fn as never);
    } catch {
      // already provided by the library version in use
    }
  }
  shared = env;
  return env;
}

function replaceN(s: string, a: string, b: string, n: number): string {
  if (n < 0) return s.split(a).join(b);
  let out = s;
  let from = 0;
  for (let i = 0; i < n; i++) {
    const at = out.indexOf(a, from);
    if (at < 0) break;
    out = out.slice(0, at) + b + out.slice(at + a.length);
    from = at + b.length;
  }
  return out;
}
