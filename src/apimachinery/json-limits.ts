// Limits on request bodies that JSON.parse and the YAML library do not enforce, checked by one linear scan before
// anything parses the body, as upstream's decoders enforce them while decoding:
// - nesting depth: Go's encoding/json (and sigs.k8s.io/json) stop at 10,000 levels ("exceeded max depth"), go-yaml
//   at 10,000 flow levels or indents ("exceeded max depth of 10000"). Deeper bodies would otherwise cost seconds of
//   CPU (or the stack) in every recursive walk that follows.
// - duplicate object keys: sigs.k8s.io/json's strict mode reports them as `duplicate field "spec.replicas"` (the
//   path of the repeated field), which fieldValidation=Strict rejects and Warn turns into warnings.

/** Go's encoding/json maxNestingDepth and go-yaml's max_flow_level / max_indents. */
export const MAX_NESTING_DEPTH = 10_000;

export class NestingDepthError extends Error {}

/**
 * Scans a JSON text: throws NestingDepthError (worded like Go's scanner error) when objects/arrays nest deeper than
 * MAX_NESTING_DEPTH; with `duplicates`, returns the paths of repeated object keys (`spec.template.spec.containers[0].image`).
 * Malformed JSON is left for JSON.parse to report.
 */
export function scanJson(text: string, opts: { duplicates?: boolean } = {}): string[] {
  const found: string[] = [];
  // One frame per open container: the keys seen (objects, when duplicates are wanted) and the path to it.
  type Frame = { keys?: Set<string>; path: string; index: number; array: boolean; key: string };
  const stack: Frame[] = [];
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
      if (!opts.duplicates || stack.length === 0) continue;
      const top = stack[stack.length - 1];
      if (top.array) continue;
      // A string followed by ':' is a key.
      let j = i + 1;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== 0x3a /* : */) continue;
      const raw = text.slice(start, i + 1);
      let key: string;
      try {
        key = raw.indexOf('\\') < 0 ? raw.slice(1, -1) : (JSON.parse(raw) as string);
      } catch {
        continue;
      }
      top.key = key;
      if (top.keys!.has(key)) found.push(join(top.path, key));
      else top.keys!.add(key);
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > MAX_NESTING_DEPTH) throw new NestingDepthError(`invalid character '${text[i]}' exceeded max depth`);
      if (opts.duplicates) {
        const parent = stack[stack.length - 1];
        const path = !parent ? '' : parent.array ? `${parent.path}[${parent.index}]` : join(parent.path, parent.key);
        stack.push({ keys: c === 0x7b ? new Set() : undefined, path, index: 0, array: c === 0x5b, key: '' });
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      if (opts.duplicates) stack.pop();
    } else if (c === 0x2c /* , */ && opts.duplicates && stack.length) {
      const top = stack[stack.length - 1];
      if (top.array) top.index++;
    }
  }
  return found;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The line of the first place a YAML text nests deeper than MAX_NESTING_DEPTH, or 0: flow collections ([ and {
 * outside quotes and comments) counted as go-yaml's flow level, block nesting bounded by a line's indentation plus
 * its compact "- " / "? " / ": " indicators (each block level needs one more column, as go-yaml's indents do).
 */
export function yamlDepthExceededAt(text: string): number {
  let flow = 0;
  let line = 1;
  let lineStart = true;
  let column = 0;
  let indenting = true;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      lineStart = true;
      indenting = true;
      column = 0;
      continue;
    }
    if (lineStart) {
      // Indentation spaces, then compact block indicators ("- - x"), each a possible block level.
      if (c === 0x20) {
        if (indenting && ++column > MAX_NESTING_DEPTH) return line;
        continue;
      }
      indenting = false;
      if ((c === 0x2d || c === 0x3f || c === 0x3a) && (i + 1 === n || isSpace(text.charCodeAt(i + 1)))) {
        if (++column > MAX_NESTING_DEPTH) return line;
        continue;
      }
      lineStart = false;
    }
    if (c === 0x23 /* # */ && (i === 0 || isSpace(text.charCodeAt(i - 1)))) {
      while (i + 1 < n && text.charCodeAt(i + 1) !== 0x0a) i++;
    } else if (c === 0x22 /* " */ || (c === 0x27 /* ' */ && flowQuoteStarts(text, i))) {
      // Quoted scalars may span lines; count the lines they cover.
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x0a) line++;
        if (c === 0x22 && d === 0x5c) i++;
        else if (d === c) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++flow > MAX_NESTING_DEPTH) return line;
    } else if ((c === 0x5d || c === 0x7d) && flow > 0) {
      flow--;
    }
  }
  return 0;
}

/** A ' opens a quoted scalar where a value starts (not inside a plain scalar such as `don't`). */
function flowQuoteStarts(text: string, i: number): boolean {
  const p = i > 0 ? text.charCodeAt(i - 1) : 0x20;
  return isSpace(p) || p === 0x5b || p === 0x7b || p === 0x2c || p === 0x3a || p === 0x2d;
}
