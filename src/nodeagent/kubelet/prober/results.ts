// What probes return (kubernetes pkg/probe Result and pkg/kubelet/prober/results Result) and the probe types.
import { KUBELET_VERSION } from '../../node-object.js';

/** pkg/probe.Result: what one probe run found. */
export type ProbeResult = 'success' | 'warning' | 'failure' | 'unknown';

export interface ProbeOutcome {
  result: ProbeResult;
  /** The text the kubelet puts in events (body, command output, or the failure). */
  output: string;
}

/** results.Result as the probe manager keeps it per container. */
export type ResultValue = 'Success' | 'Failure' | 'Unknown';

export type ProbeType = 'liveness' | 'readiness' | 'startup';

/** probeType.String(). */
export const probeTypeName = (t: ProbeType) => (t === 'liveness' ? 'Liveness' : t === 'readiness' ? 'Readiness' : 'Startup');

/** `kube-probe/<major>.<minor>`, as request.go and the gRPC prober identify themselves. */
export const PROBE_USER_AGENT = `kube-probe/${KUBELET_VERSION.replace(/^v/, '').split('.').slice(0, 2).join('.')}`;
