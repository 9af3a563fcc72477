// The remotecommand and portforward protocols' names and constants (k8s.io/apimachinery util/remotecommand and
// util/portforward, core/v1 types.go), and the Status objects the error stream carries (kubelet
// cri/streaming/remotecommand/exec.go, apiserver util/proxy/streamtranslator.go).
import type { Status, StatusDetails } from './types.js';

/** SPDY remotecommand protocols, newest first (X-Stream-Protocol-Version). */
export const STREAM_PROTOCOL_V5 = 'v5.channel.k8s.io';
export const STREAM_PROTOCOL_V4 = 'v4.channel.k8s.io';
export const STREAM_PROTOCOL_V3 = 'v3.channel.k8s.io';
export const STREAM_PROTOCOL_V2 = 'v2.channel.k8s.io';
export const STREAM_PROTOCOL_V1 = 'channel.k8s.io';

/** The WebSocket channel protocols: binary (first byte = channel) and base64 (first char = '0'+channel). */
export const WS_BASE64_PROTOCOL_V4 = 'v4.base64.channel.k8s.io';
export const WS_BASE64_PROTOCOL_V1 = 'base64.channel.k8s.io';

export const PORT_FORWARD_PROTOCOL_V1 = 'portforward.k8s.io';
/** The WebSocket subprotocol of kubectl ≥ 1.30's tunnelled port-forward: raw SPDY inside binary messages. */
export const PORT_FORWARD_TUNNEL_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL_V1}`;

/** SPDY stream `streamType` header values. */
export const StreamType = {
  error: 'error',
  stdin: 'stdin',
  stdout: 'stdout',
  stderr: 'stderr',
  resize: 'resize',
  data: 'data',
} as const;

export const STREAM_TYPE_HEADER = 'streamtype';
export const PORT_HEADER = 'port';
export const PORT_FORWARD_REQUEST_ID_HEADER = 'requestid';

/** WebSocket channels of the channel protocols. */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4 } as const;
/** v5: a message `[255, channel]` closes that channel (stdin EOF). */
export const CLOSE_CHANNEL = 255;

export const NON_ZERO_EXIT_CODE_REASON = 'NonZeroExitCode';
export const EXIT_CODE_CAUSE_TYPE = 'ExitCode';

/** A terminal size as the resize stream carries it (TerminalSize has no JSON tags: `Width`, `Height`). */
export interface TerminalSize {
  width: number;
  height: number;
}

/** Parses one resize message; undefined when it is not a size. */
export function parseTerminalSize(text: string): TerminalSize | undefined {
  try {
    const v = JSON.parse(text) as { Width?: unknown; Height?: unknown };
    const width = Number(v?.Width);
    const height = Number(v?.Height);
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0 || width > 0xffff || height > 0xffff) return undefined;
    return { width, height };
  } catch {
    return undefined;
  }
}

export function terminalSizeJson(size: TerminalSize): string {
  return JSON.stringify({ Width: size.width, Height: size.height });
}

// The error stream's Status objects carry no kind/apiVersion: the kubelet marshals a bare metav1.Status.
export interface StreamStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

/** An API error's Status as the error stream carries it. */
export function streamStatusOf(s: Status): StreamStatus {
  const out: StreamStatus = { metadata: {}, status: s.status === 'Success' ? 'Success' : 'Failure' };
  if (s.message) out.message = s.message;
  if (s.reason) out.reason = s.reason;
  if (s.details) out.details = s.details;
  if (s.code) out.code = s.code;
  return out;
}

export function successStatus(): StreamStatus {
  return { metadata: {}, status: 'Success' };
}

/** How the kubelet reports a command that exited non-zero; kubectl prints `command terminated with exit code N`. */
export function exitCodeStatus(exitCode: number, command: string[]): StreamStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: NON_ZERO_EXIT_CODE_REASON,
    details: { causes: [{ reason: EXIT_CODE_CAUSE_TYPE, message: String(exitCode) }] },
  };
}

/** The exit code a v4/v5 error-stream Status stands for: 0 for Success, N for NonZeroExitCode. */
export function exitCodeOf(status: Partial<StreamStatus>): number | undefined {
  if (status.status === 'Success') return 0;
  if (status.reason !== NON_ZERO_EXIT_CODE_REASON) return undefined;
  const cause = status.details?.causes?.find((c) => c.reason === EXIT_CODE_CAUSE_TYPE);
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : undefined;
}
