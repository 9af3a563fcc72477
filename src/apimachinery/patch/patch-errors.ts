// How patch failures leave the server. Upstream's patch handler
// (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go) maps them three ways:
//  - malformed input it recognises → 400 BadRequest carrying the library's message;
//  - a json-patch that fails to apply, lists of lists, retainKeys mismatches → 422 built by
//    NewGenericServerResponse, whose message hides the detail behind a fixed sentence;
//  - any other strategic-merge error is a plain Go error → 500 with an empty reason, so kubectl prints
//    `Error from server: <message>`.
import { ApiError, errBadRequest } from '../errors.js';

/** 422 as NewGenericServerResponse(422, "", {}, "", detail, 0, false) builds it: the detail is not exposed. */
export function errPatchUnprocessable(detail: string): ApiError {
  const e = new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  (e as { cause?: unknown }).cause = new Error(detail);
  return e;
}

/** A non-Status Go error surfacing from the handler: 500, reason unknown (empty), message verbatim. */
export function errPatchUnknown(message: string): ApiError {
  return new ApiError(500, '', message);
}

export { errBadRequest };

/**
 * Decode a request body as JSON. Syntax errors carry Go encoding/json's wording (the server's decoder), e.g.
 * `invalid character 'x' looking for beginning of value` or `unexpected end of JSON input`.
 */
export function decodeJson(body: string | Uint8Array): { value: unknown } | { error: string } {
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: goSyntaxError(text) };
  }
}

// A compact re-statement of Go's JSON scanner states, used only to word an error once JSON.parse has failed.
function goSyntaxError(s: string): string {
  let i = 0;
  const eof = 'unexpected end of JSON input';
  const ws = () => { while (i < s.length && ' \t\r\n'.includes(s[i])) i++; };
  const bad = (ctx: string) => `invalid character ${quoteChar(s[i])} ${ctx}`;
  class Fail { constructor(readonly msg: string) {} }
  const fail = (m: string): never => { throw new Fail(m); };

  const value = (): void => {
    ws();
    if (i >= s.length) fail(eof);
    const c = s[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const lit of ['true', 'false', 'null']) {
      if (c === lit[0]) {
        i++;
        for (let j = 1; j < lit.length; j++, i++) {
          if (i >= s.length) fail(eof);
          if (s[i] !== lit[j]) fail(bad(`in literal ${lit} (expecting ${quoteChar(lit[j])})`));
        }
        return;
      }
    }
    fail(bad('looking for beginning of value'));
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= s.length) fail(eof);
      const c = s[i];
      if (c === '"') { i++; return; }
      if (c < ' ') fail(bad('in string literal'));
      if (c === '\\') {
        i++;
        if (i >= s.length) fail(eof);
        if (!'"\\/bfnrtu'.includes(s[i])) fail(bad('in string escape code'));
        if (s[i] === 'u') {
          for (let j = 0; j < 4; j++) {
            i++;
            if (i >= s.length) fail(eof);
            if (!/[0-9a-fA-F]/.test(s[i])) fail(bad('in \\u hexadecimal character escape'));
          }
        }
      }
      i++;
    }
  };
  const digits = () => { while (i < s.length && s[i] >= '0' && s[i] <= '9') i++; };
  const number = (): void => {
    if (s[i] === '-') {
      i++;
      if (i >= s.length) fail(eof);
      if (!(s[i] >= '0' && s[i] <= '9')) fail(bad('in numeric literal'));
    }
    if (s[i] === '0') i++; else digits();
    if (s[i] === '.') {
      i++;
      if (i >= s.length) fail(eof);
      if (!(s[i] >= '0' && s[i] <= '9')) fail(bad('after decimal point in numeric literal'));
      digits();
    }
    if (s[i] === 'e' || s[i] === 'E') {
      i++;
      if (s[i] === '+' || s[i] === '-') i++;
      if (i >= s.length) fail(eof);
      if (!(s[i] >= '0' && s[i] <= '9')) fail(bad('in exponent of numeric literal'));
      digits();
    }
  };
  const object = (): void => {
    i++;
    ws();
    if (s[i] === '}') { i++; return; }
    for (;;) {
      ws();
      if (i >= s.length) fail(eof);
      if (s[i] !== '"') fail(bad('looking for beginning of object key string'));
      string();
      ws();
      if (i >= s.length) fail(eof);
      if (s[i] !== ':') fail(bad('after object key'));
      i++;
      value();
      ws();
      if (i >= s.length) fail(eof);
      if (s[i] === '}') { i++; return; }
      if (s[i] !== ',') fail(bad('after object key:value pair'));
      i++;
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (s[i] === ']') { i++; return; }
    for (;;) {
      value();
      ws();
      if (i >= s.length) fail(eof);
      if (s[i] === ']') { i++; return; }
      if (s[i] !== ',') fail(bad('after array element'));
      i++;
    }
  };
  try {
    value();
    ws();
    if (i < s.length) return bad('after top-level value');
  } catch (e) {
    if (e instanceof Fail) return e.msg;
    throw e;
  }
  return eof;
}

function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}
