// User-supplied regular expressions (CRD `pattern`, CEL `matches()`) run on RE2 semantics as upstream's Go regexp
// does: linear-time matching (re2js, a pure-JS port of RE2), Go's syntax ((?i), \z, no backreferences or
// lookaround). JavaScript's backtracking engine took ~9 s, doubling per character, for `^(a+)+$` against 29
// characters, and blocked every request meanwhile.
import { RE2JS } from 're2js';

/** What callers need of a compiled pattern: Go's MatchString (a match anywhere unless the pattern anchors it). */
export interface Re2Pattern {
  test(s: string): boolean;
}

const cache = new Map<string, Re2Pattern>();
const CACHE_MAX = 1024;

/** Compiles a Go/RE2 pattern; throws an Error with RE2's message on bad syntax. */
export function compileRe2(pattern: string): Re2Pattern {
  let compiled = cache.get(pattern);
  if (compiled) return compiled;
  const re = RE2JS.compile(pattern);
  compiled = { test: (s: string) => re.matcher(s).find() };
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(pattern, compiled);
  return compiled;
}

/**
 * Runs `fn` with the global RegExp constructor answering `new RegExp(pattern)` (no flags) with an RE2 matcher.
 * cel-js's string.matches is `new RegExp(b).test(a)` and offers no way to replace a built-in overload, so CEL
 * evaluation (synchronous: nothing else runs meanwhile) is wrapped in this; other RegExp uses pass through.
 */
export function withRe2RegExp<T>(fn: () => T): T {
  const original = globalThis.RegExp;
  const shim = function (this: unknown, pattern: unknown, flags?: unknown) {
    if (new.target && typeof pattern === 'string' && flags === undefined) return compileRe2(pattern);
    return new original(pattern as string, flags as string | undefined);
  } as unknown as RegExpConstructor;
  Object.setPrototypeOf(shim, original);
  (shim as { prototype: unknown }).prototype = original.prototype;
  globalThis.RegExp = shim;
  try {
    return fn();
  } finally {
    globalThis.RegExp = original;
  }
}
