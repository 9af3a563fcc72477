// Annotations that steer how the simulated runtime plays a pod (documented in README.md).
import type { Pod } from '../api/core.js';

export const SIM_ANNOTATION_PREFIX = 'sim.berth.dev/';

export const SIM = {
  /** "false": containers run but never become ready. */
  ready: 'sim.berth.dev/ready',
  /** Containers become ready this many ms after they start. */
  readyAfterMs: 'sim.berth.dev/ready-after-ms',
  /** App containers exit with this code after `run-ms`; the restart policy decides what follows. */
  exitCode: 'sim.berth.dev/exit-code',
  /** "true": app containers keep failing (exit code 1 unless exit-code says otherwise). */
  crashLoop: 'sim.berth.dev/crash-loop',
  /** How long an exiting container runs before it exits; default the start delay. */
  runMs: 'sim.berth.dev/run-ms',
  /** "true": SIGTERM is ignored, so deletion takes the whole grace period and ends in SIGKILL (137). */
  ignoreSigterm: 'sim.berth.dev/ignore-sigterm',
  /** Overrides the agent's start delay (ms) for this pod: sandbox, each init container, app containers. */
  startDelayMs: 'sim.berth.dev/start-delay-ms',
  /** An init container exits with this code (the first init container), failing the pod under restartPolicy Never. */
  initExitCode: 'sim.berth.dev/init-exit-code',
} as const;

export interface SimBehaviour {
  /** Never ready. */
  neverReady: boolean;
  readyAfterMs: number;
  /** Exit code each run of an app container ends with; undefined = runs forever. */
  exitCode?: number;
  runMs: number;
  ignoreSigterm: boolean;
  startDelayMs: number;
  initExitCode?: number;
}

function intAnnotation(v: string | undefined): number | undefined {
  if (v === undefined || !/^-?\d+$/.test(v.trim())) return undefined;
  return Number(v.trim());
}

/** Helm's annotation on hook resources (pre-install Jobs, `helm test` pods). */
const HELM_HOOK_ANNOTATION = 'helm.sh/hook';

/**
 * A pod that is meant to finish: one a Job controls, or a Helm hook pod, whose restart policy lets it end. Nothing
 * tells the simulation what its command does, so it succeeds (unless annotated otherwise) rather than running
 * forever and holding its Job or `helm install` up.
 */
export function runsToCompletion(pod: Pod): boolean {
  if ((pod.spec.restartPolicy ?? 'Always') === 'Always') return false;
  const ownedByJob = pod.metadata.ownerReferences?.some((r) => r.controller && r.kind === 'Job' && r.apiVersion === 'batch/v1') ?? false;
  return ownedByJob || pod.metadata.annotations?.[HELM_HOOK_ANNOTATION] !== undefined;
}

export function simBehaviour(pod: Pod, defaultStartDelayMs: number): SimBehaviour {
  const a = pod.metadata.annotations ?? {};
  const startDelayMs = Math.max(0, intAnnotation(a[SIM.startDelayMs]) ?? defaultStartDelayMs);
  let exitCode = intAnnotation(a[SIM.exitCode]);
  if (exitCode === undefined && a[SIM.crashLoop] === 'true') exitCode = 1;
  if (exitCode === undefined && runsToCompletion(pod)) exitCode = 0;
  return {
    neverReady: a[SIM.ready] === 'false',
    readyAfterMs: Math.max(0, intAnnotation(a[SIM.readyAfterMs]) ?? 0),
    exitCode,
    runMs: Math.max(0, intAnnotation(a[SIM.runMs]) ?? startDelayMs),
    ignoreSigterm: a[SIM.ignoreSigterm] === 'true',
    startDelayMs,
    initExitCode: intAnnotation(a[SIM.initExitCode]),
  };
}
