// The exec probe (kubernetes pkg/probe/exec): exit 0 is success, another code failure, a timeout a failure that
// says so; any other error of the runtime is a probe error.
import { goQuote } from '../fieldpath.js';
import type { ProbeOutcome } from './results.js';

/** Output beyond this is cut (exec.go maxReadLength). */
export const EXEC_MAX_OUTPUT = 10 * 1024;

/** Runs a command in the container (combined stdout and stderr); rejects when it cannot be run at all. */
export type ExecInContainer = (command: string[], timeoutMs: number) => Promise<{ exitCode: number; output: string | Buffer; timedOut?: boolean }>;

export async function execProbe(exec: ExecInContainer, command: string[], timeoutMs: number): Promise<ProbeOutcome> {
  const r = await exec(command, timeoutMs);
  if (r.timedOut) {
    // ExecProbeTimeout (GA): the output is the runtime's timeout error (remote_runtime.go ExecSync).
    return { result: 'failure', output: `command ${goQuote(command.join(' '))} timed out` };
  }
  const buf = Buffer.isBuffer(r.output) ? r.output : Buffer.from(r.output);
  const output = buf.subarray(0, EXEC_MAX_OUTPUT).toString();
  return { result: r.exitCode === 0 ? 'success' : 'failure', output };
}
