// Reading request bodies and writing responses: size limit, JSON/YAML/protobuf decoding, Accept negotiation
// (plain JSON, YAML, meta.k8s.io Table), and Status bodies for errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import YAML from 'yaml';
import { ApiError, errBadRequest, errNotAcceptable, errRequestEntityTooLarge, errUnsupportedMediaType } from '../apimachinery/errors.js';
import type { Status } from '../apimachinery/types.js';
import { PROTOBUF_CONTENT_TYPE } from '../apimachinery/protobuf/encode.js';
import { inProcessResponse, jsonBodyOf } from './in-process.js';
import { boundedStatus } from './status-size.js';
import { NestingDepthError, scanJson, yamlDepthExceededAt, MAX_NESTING_DEPTH } from '../apimachinery/json-limits.js';
import { auditedRequestBodies, auditedResponseBodies, wantsRequestBody, wantsResponseBody } from '../audit/auditor.js';

/** Upstream's limit for a request body (3 MiB). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/** A JSON body as a value: decoded from the bytes, or as an in-process client handed it over. */
export async function readJsonBody(req: IncomingMessage): Promise<{ value: unknown } | Buffer> {
  return jsonBodyOf(req) ?? readBody(req);
}

export async function readBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw errRequestEntityTooLarge(`limit is ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw errRequestEntityTooLarge(`limit is ${limit}`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export const JSON_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

export function parseJsonBody(buf: Buffer): unknown {
  try {
    const text = buf.toString('utf8');
    scanJson(text);
    return JSON.parse(text);
  } catch (e) {
    throw errBadRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

/** A body too deeply nested for upstream's JSON decoder: 400 before anything walks it. */
export function assertJsonDepth(buf: Buffer): void {
  try {
    scanJson(buf.toString('utf8'));
  } catch (e) {
    if (e instanceof NestingDepthError) throw errBadRequest(`couldn't get version/kind; json parse error: ${e.message}`);
    throw e;
  }
}

export function parseYamlBody(buf: Buffer): unknown {
  const text = buf.toString('utf8');
  const deepAt = yamlDepthExceededAt(text);
  if (deepAt) throw errBadRequest(`error converting YAML to JSON: yaml: line ${deepAt}: exceeded max depth of ${MAX_NESTING_DEPTH}`);
  try {
    // No pretty errors: their context excerpt runs a regular expression over the whole text.
    const docs = YAML.parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false });
    const first = Array.isArray(docs) ? docs[0] : docs;
    if (!first) return null;
    if (first.errors.length) {
      const err = first.errors[0];
      throw new Error(`yaml: line ${lineAt(text, err.pos[0])}: ${err.message}`);
    }
    return first.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // RangeError: nesting the parser's recursion could not take.
    throw errBadRequest(`error converting YAML to JSON: ${(e as Error).message}`);
  }
}

function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Decodes a create/update body by Content-Type. Protobuf is delegated (it needs the type model). */
/** A create/update body as a value: an in-process client's as handed over, otherwise decoded by content type. */
export async function readObjectBody(req: IncomingMessage, protobuf: (b: Buffer) => unknown): Promise<unknown> {
  const raw = await readJsonBody(req);
  const value = 'value' in raw ? raw.value : decodeObjectBody(req.headers['content-type'], raw, protobuf);
  noteAuditedRequestBody(req, value);
  return value;
}

/** The audit log's requestObject: the decoded body as sent (handlers go on to change it), when the policy asks. */
export function noteAuditedRequestBody(req: IncomingMessage, value: unknown): void {
  if (wantsRequestBody.has(req)) auditedRequestBodies.set(req, structuredClone(value));
}

export function decodeObjectBody(contentType: string | undefined, buf: Buffer, protobuf: (b: Buffer) => unknown): unknown {
  const mt = mediaType(contentType);
  if (buf.length === 0) throw errBadRequest('the body of the request was empty');
  switch (mt) {
    case '':
    case 'application/json':
      return parseJsonBody(buf);
    case 'application/yaml':
    case 'application/x-yaml':
    case 'text/yaml':
      return parseYamlBody(buf);
    case 'application/vnd.kubernetes.protobuf':
      return protobuf(buf);
    default:
      throw errUnsupportedMediaType(mt, JSON_TYPES);
  }
}

export type ResponseFormat =
  | { kind: 'json' }
  | { kind: 'yaml' }
  /** `encode` gives the enveloped bytes, or undefined for an object it has no message for (then JSON is sent). */
  | { kind: 'protobuf'; encode(obj: unknown): Uint8Array | undefined }
  | { kind: 'table'; version: 'v1' | 'v1beta1' }
  | { kind: 'partial'; version: 'v1' | 'v1beta1'; list: boolean };

interface MediaRange { type: string; params: Record<string, string> }

export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [];
  return accept.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const eq = kv.indexOf('=');
      if (eq > 0) p[kv.slice(0, eq).trim().toLowerCase()] = kv.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params: p };
  });
}

/**
 * Picks the first acceptable representation, as upstream's negotiation does. Protobuf is offered only where the
 * caller can encode (built-in kinds: `protobuf` given); elsewhere a client asking for it gets JSON, which client-go
 * always accepts too.
 */
export function negotiateFormat(accept: string | undefined, protobuf?: (obj: unknown) => Uint8Array | undefined): ResponseFormat {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return { kind: 'json' };
  let sawProtobuf = false;
  for (const r of ranges) {
    if (r.params.as) {
      if (r.params.g !== 'meta.k8s.io' || r.type !== 'application/json') continue;
      const v = r.params.v === 'v1beta1' ? 'v1beta1' : r.params.v === 'v1' ? 'v1' : undefined;
      if (!v) continue;
      if (r.params.as === 'Table') return { kind: 'table', version: v };
      if (r.params.as === 'PartialObjectMetadata') return { kind: 'partial', version: v, list: false };
      if (r.params.as === 'PartialObjectMetadataList') return { kind: 'partial', version: v, list: true };
      continue;
    }
    if (r.type === 'application/json' || r.type === '*/*' || r.type === 'application/*') return { kind: 'json' };
    if (r.type === 'application/yaml') return { kind: 'yaml' };
    if (r.type === 'application/vnd.kubernetes.protobuf') {
      if (protobuf) return { kind: 'protobuf', encode: protobuf };
      sawProtobuf = true;
    }
  }
  // Clients that ask for protobuf accept JSON too (client-go always does).
  if (sawProtobuf) return { kind: 'json' };
  throw errNotAcceptable(['application/json', 'application/yaml']);
}

export function writeJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json', warnings: string[] = []): void {
  if (wantsResponseBody.has(res)) auditedResponseBodies.set(res, body);
  const headers: Record<string, string | string[]> = { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' };
  if (warnings.length) headers.Warning = warnings.map(formatWarning);
  const inProcess = inProcessResponse(res);
  if (inProcess) {
    inProcess.writeHead(code, headers);
    return inProcess.endWithJson(body);
  }
  // Encode once: the length header and the body come from the same bytes.
  const bytes = Buffer.from(JSON.stringify(body));
  headers['Content-Length'] = String(bytes.length);
  res.writeHead(code, headers);
  res.end(bytes);
}

/** Bytes handed to the socket at a time for a large body: TLS encrypts each write at once, in the event loop. */
const WRITE_SLICE = 64 * 1024;

/**
 * A JSON body the caller already has as bytes, in pieces (a list spliced from stored texts). A large body goes out
 * a slice at a time, waiting for the socket between slices, so that one client's 5 MB list does not hold every
 * other request for the whole of its encryption.
 */
export async function writeJsonParts(res: ServerResponse, code: number, parts: Buffer[], warnings: string[] = []): Promise<void> {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': String(length) };
  if (warnings.length) headers.Warning = warnings.map(formatWarning);
  res.writeHead(code, headers);
  if (length <= WRITE_SLICE) {
    for (const p of parts.slice(0, -1)) res.write(p);
    res.end(parts[parts.length - 1]);
    return;
  }
  for (const p of parts) {
    for (let i = 0; i < p.length; i += WRITE_SLICE) {
      if (res.destroyed) return;
      const flushed = res.write(p.subarray(i, i + WRITE_SLICE));
      await (flushed ? new Promise<void>((r) => setImmediate(r)) : drained(res));
    }
  }
  res.end();
}

/** Resolves when the response's socket wants more, or is gone. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export function writeFormatted(res: ServerResponse, code: number, body: unknown, format: ResponseFormat, warnings: string[] = []): void {
  if (wantsResponseBody.has(res)) auditedResponseBodies.set(res, body);
  if (format.kind === 'protobuf' && !inProcessResponse(res)) {
    const bytes = format.encode(body);
    if (bytes) {
      const headers: Record<string, string | string[]> = { 'Content-Type': PROTOBUF_CONTENT_TYPE, 'Cache-Control': 'no-cache, private', 'Content-Length': String(bytes.length) };
      if (warnings.length) headers.Warning = warnings.map(formatWarning);
      res.writeHead(code, headers);
      res.end(bytes);
      return;
    }
  }
  if (format.kind === 'yaml') {
    const text = YAML.stringify(body);
    const headers: Record<string, string | string[]> = { 'Content-Type': 'application/yaml', 'Cache-Control': 'no-cache, private' };
    if (warnings.length) headers.Warning = warnings.map(formatWarning);
    res.writeHead(code, headers);
    res.end(text);
    return;
  }
  writeJson(res, code, body, 'application/json', warnings);
}

/** `Warning: 299 - "text"`, escaping as RFC 7234 quoted-string. */
export function formatWarning(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ');
  return `299 - ${JSON.stringify(clean)}`;
}

export function writeStatus(res: ServerResponse, err: ApiError): void {
  const status: Status = err.toStatus();
  // the audit log reports a failure's status, whatever the level
  auditedResponseBodies.set(res, status);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = boundedStatus(status);
  res.writeHead(err.code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': String(Buffer.byteLength(text)),
    ...(err.headers ?? {}),
  });
  res.end(text);
}

export function writeText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}
