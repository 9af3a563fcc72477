// The grpc probe (kubernetes pkg/probe/grpc): grpc.health.v1.Health/Check over plaintext HTTP/2, speaking the gRPC
// wire format directly (length-prefixed protobuf, grpc-status trailers). Like grpc-go with WithBlock, a connection
// that cannot be made is retried until the timeout, which is then the failure.
import http2 from 'node:http2';
import { goDuration } from '../../../apimachinery/duration.js';
import { joinHostPort } from '../go-net.js';
import { PROBE_USER_AGENT, type ProbeOutcome } from './results.js';

const HEALTH_CHECK_PATH = '/grpc.health.v1.Health/Check';
/** grpc-go's first reconnect back-off. */
const RECONNECT_MS = 1000;

/** grpc.health.v1.HealthCheckResponse.ServingStatus names. */
const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** google.golang.org/grpc/codes names, as `rpc error: code = X desc = …` prints them. */
const CODES = [
  'OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied',
  'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable',
  'DataLoss', 'Unauthenticated',
];
const UNIMPLEMENTED = 12;
const DEADLINE_EXCEEDED = 4;

/** The request message: HealthCheckRequest{service} (field 1, a string), framed as a gRPC message. */
export function healthCheckRequest(service: string): Buffer {
  const s = Buffer.from(service);
  const body = s.length ? Buffer.concat([Buffer.from([0x0a]), varint(s.length), s]) : Buffer.alloc(0);
  const frame = Buffer.alloc(5);
  frame.writeUInt32BE(body.length, 1);
  return Buffer.concat([frame, body]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

/** HealthCheckResponse.status from a gRPC message (field 1, a varint; absent means UNKNOWN). */
export function healthCheckStatus(message: Buffer): number {
  const body = message.subarray(5, 5 + message.readUInt32BE(1));
  let status = 0;
  for (let i = 0; i < body.length;) {
    const tag = body[i++];
    const [value, next] = readVarint(body, i);
    i = next;
    if (tag >> 3 === 1 && (tag & 7) === 0) status = value;
    else if ((tag & 7) === 2) i += value; // skip unknown length-delimited fields
  }
  return status;
}

function readVarint(b: Buffer, i: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (; i < b.length; i++) {
    v += (b[i] & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b[i] & 0x80)) return [v, i + 1];
  }
  return [v, i];
}

/** Probe. */
export async function grpcProbe(host: string, service: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  const deadline = Date.now() + timeoutMs;
  const timeout = goDuration(timeoutMs);
  let session: http2.ClientHttp2Session | undefined;
  while (!session) {
    session = await connect(addr, deadline);
    if (session) break;
    const wait = Math.min(RECONNECT_MS, deadline - Date.now());
    if (wait <= 0) return { result: 'failure', output: `timeout: failed to connect service ${JSON.stringify(addr)} within ${timeout}: context deadline exceeded` };
    await new Promise((r) => setTimeout(r, wait));
  }
  try {
    const res = await check(session, addr, service, deadline);
    if (res.kind === 'deadline') return { result: 'failure', output: `timeout: health rpc did not complete within ${timeout}` };
    if (res.grpcStatus === UNIMPLEMENTED) {
      return { result: 'failure', output: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${res.message}` };
    }
    if (res.grpcStatus === DEADLINE_EXCEEDED) return { result: 'failure', output: `timeout: health rpc did not complete within ${timeout}` };
    if (res.grpcStatus !== 0) {
      return { result: 'failure', output: `error: health rpc probe failed: rpc error: code = ${CODES[res.grpcStatus] ?? `Code(${res.grpcStatus})`} desc = ${res.message}` };
    }
    const status = res.status ?? 0;
    if (status !== 1) return { result: 'failure', output: `service unhealthy (responded with ${JSON.stringify(SERVING_STATUS[status] ?? String(status))})` };
    return { result: 'success', output: 'service is serving' };
  } finally {
    session.destroy();
  }
}

/** One connection attempt: a session, or undefined when it failed (or the deadline passed). */
function connect(addr: string, deadline: number): Promise<http2.ClientHttp2Session | undefined> {
  return new Promise((resolve) => {
    const session = http2.connect(`http://${addr}`);
    const timer = setTimeout(() => { session.destroy(); resolve(undefined); }, Math.max(0, deadline - Date.now()));
    session.once('connect', () => { clearTimeout(timer); resolve(session); });
    session.once('error', () => { clearTimeout(timer); session.destroy(); resolve(undefined); });
  });
}

type CheckResult = { kind: 'deadline' } | { kind: 'done'; grpcStatus: number; message: string; status?: number };

function check(session: http2.ClientHttp2Session, addr: string, service: string, deadline: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const left = Math.max(1, deadline - Date.now());
    const stream = session.request({
      ':method': 'POST', ':path': HEALTH_CHECK_PATH, ':scheme': 'http', ':authority': addr,
      'content-type': 'application/grpc', te: 'trailers', 'user-agent': PROBE_USER_AGENT, 'grpc-timeout': `${left}m`,
    });
    const timer = setTimeout(() => { stream.close(http2.constants.NGHTTP2_CANCEL); resolve({ kind: 'deadline' }); }, left);
    const chunks: Buffer[] = [];
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    stream.on('response', (h) => { headers = h; });
    stream.on('trailers', (t) => { trailers = t; });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      clearTimeout(timer);
      // A trailers-only response carries grpc-status in the headers.
      const grpcStatus = Number(trailers['grpc-status'] ?? headers['grpc-status'] ?? (Number(headers[':status']) === 200 ? 2 : 14));
      const message = decodeURIComponent(String(trailers['grpc-message'] ?? headers['grpc-message'] ?? ''));
      const body = Buffer.concat(chunks);
      resolve({ kind: 'done', grpcStatus, message, status: grpcStatus === 0 && body.length >= 5 ? healthCheckStatus(body) : undefined });
    });
    stream.on('error', (err) => {
      clearTimeout(timer);
      resolve({ kind: 'done', grpcStatus: 14, message: err.message });
    });
    stream.end(healthCheckRequest(service));
  });
}
