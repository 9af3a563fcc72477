// One probe of a container, as kubernetes pkg/kubelet/prober/prober.go runs it: upstream's defaults, the handler
// for the probe's kind, up to three tries when the prober itself errors, and the events it records.
import type { ContainerSpec, Pod, Probe } from '../../../api/core.js';
import { expandCommandOnlyStatic } from '../command.js';
import { formatPod, type KubeletEvent } from '../events.js';
import { execProbe, type ExecInContainer } from './exec.js';
import { grpcProbe } from './grpc.js';
import { httpProbe, newRequestForHTTPGetAction, resolveContainerPort } from './http.js';
import { probeTypeName, type ProbeOutcome, type ProbeType, type ResultValue } from './results.js';
import { tcpProbe } from './tcp.js';

const MAX_PROBE_RETRIES = 3;

/** core/v1 SetDefaults_Probe. */
export interface DefaultedProbe extends Probe {
  initialDelaySeconds: number;
  timeoutSeconds: number;
  periodSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export function probeWithDefaults(p: Probe): DefaultedProbe {
  return {
    ...p,
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    timeoutSeconds: p.timeoutSeconds || 1,
    periodSeconds: p.periodSeconds || 10,
    successThreshold: p.successThreshold || 1,
    failureThreshold: p.failureThreshold || 3,
  };
}

/** What a probe needs from the pod and the runtime. */
export interface ProbeTarget {
  pod: Pod;
  container: ContainerSpec;
  /** status.podIP: the default host of httpGet, tcpSocket and grpc probes. */
  podIP: string;
  /** Runs exec probes in the container. */
  exec?: ExecInContainer;
}

/** runProbe: the probe's handler once. Throws for a prober error (bad port, missing handler, exec failure). */
export async function runProbe(spec: Probe, target: ProbeTarget): Promise<ProbeOutcome> {
  const timeoutMs = (spec.timeoutSeconds || 1) * 1000;
  const { container, podIP } = target;
  if (spec.exec) {
    if (!target.exec) throw new Error('exec probes are not supported by this runtime');
    return execProbe(target.exec, expandCommandOnlyStatic(spec.exec.command ?? [], container.env), timeoutMs);
  }
  if (spec.httpGet) return httpProbe(newRequestForHTTPGetAction(spec.httpGet, container, podIP), timeoutMs);
  if (spec.tcpSocket) return tcpProbe(spec.tcpSocket.host || podIP, resolveContainerPort(spec.tcpSocket.port, container), timeoutMs);
  if (spec.grpc) return grpcProbe(podIP, spec.grpc.service ?? '', spec.grpc.port, timeoutMs);
  throw new Error(`missing probe handler for ${formatPod(target.pod)}:${container.name}`);
}

export interface ProbeRun {
  result: ResultValue;
  /** A prober error: the worker throws the run away. */
  error?: string;
  /** The event the kubelet records on the container (Unhealthy or ProbeWarning). */
  event?: KubeletEvent;
}

/** prober.probe: a missing probe succeeds; warnings count as success; failures and errors give Unhealthy events. */
export async function probe(probeType: ProbeType, spec: Probe | undefined, target: ProbeTarget): Promise<ProbeRun> {
  if (!spec) return { result: 'Success' };
  const name = probeTypeName(probeType);
  let outcome: ProbeOutcome = { result: 'unknown', output: '' };
  let error: string | undefined;
  for (let i = 0; i < MAX_PROBE_RETRIES; i++) {
    try {
      outcome = await runProbe(spec, target);
      error = undefined;
      break;
    } catch (e) {
      outcome = { result: 'unknown', output: '' };
      error = (e as Error).message;
    }
  }
  if (error !== undefined) {
    return { result: 'Failure', error, event: { type: 'Warning', reason: 'Unhealthy', message: `${name} probe errored and resulted in ${outcome.result} state: ${error}` } };
  }
  switch (outcome.result) {
    case 'success':
      return { result: 'Success' };
    case 'warning':
      return { result: 'Success', event: { type: 'Warning', reason: 'ProbeWarning', message: `${name} probe warning: ${outcome.output}` } };
    case 'failure':
      return { result: 'Failure', event: { type: 'Warning', reason: 'Unhealthy', message: `${name} probe failed: ${outcome.output}` } };
    default:
      return { result: 'Failure' };
  }
}
