// What a container runs: command/args with `$(VAR)` expansion (kubernetes pkg/kubelet/container/helpers.go
// ExpandContainerCommandAndArgs) merged with the image's ENTRYPOINT/CMD, environment and working directory the way
// containerd builds the OCI process (cri WithProcessArgs, oci.WithEnv, WithProcessCwd).
import type { ContainerSpec, EnvVar } from '../../api/core.js';
import { expand, mappingFuncFor } from './expansion.js';
import type { EnvVarValue } from './env.js';

/** The parts of an OCI image config the process needs. */
export interface ImageProcessConfig {
  entrypoint?: string[] | null;
  cmd?: string[] | null;
  /** `KEY=VALUE` entries. */
  env?: string[] | null;
  workingDir?: string;
  /** e.g. SIGQUIT for nginx. */
  stopSignal?: string;
}

/** containerd's default spec environment (oci defaultUnixEnv). */
export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** ExpandContainerCommandAndArgs: `$(VAR)` in command and args from the container's final environment. */
export function expandContainerCommandAndArgs(container: ContainerSpec, env: ReadonlyMap<string, string>): { command: string[]; args: string[] } {
  const mapping = mappingFuncFor(env);
  return {
    command: (container.command ?? []).map((c) => expand(c, mapping)),
    args: (container.args ?? []).map((a) => expand(a, mapping)),
  };
}

/**
 * ExpandContainerCommandOnlyStatic (exec probes and hooks): only the literal `value`s of the container's env count;
 * a variable set through valueFrom expands to ''.
 */
export function expandCommandOnlyStatic(command: string[], env: EnvVar[] | undefined): string[] {
  const mapping = mappingFuncFor(new Map((env ?? []).map((e) => [e.name, e.value ?? ''])));
  return command.map((c) => expand(c, mapping));
}

/**
 * cri WithProcessArgs: `command` replaces ENTRYPOINT and drops CMD; `args` alone follow ENTRYPOINT; neither gives
 * ENTRYPOINT + CMD. An ENTRYPOINT of [""] means none. Nothing at all is `no command specified`.
 */
export function processArgs(command: string[], args: string[], image: ImageProcessConfig): string[] {
  let cmd = command;
  let rest = args;
  if (cmd.length === 0) {
    if (rest.length === 0) rest = [...(image.cmd ?? [])];
    const entrypoint = image.entrypoint ?? [];
    if (!(entrypoint.length === 1 && entrypoint[0] === '')) cmd = [...entrypoint];
  }
  if (cmd.length === 0 && rest.length === 0) throw new Error('no command specified');
  return [...cmd, ...rest];
}

/**
 * The environment a process ends up with: containerd's oci.WithEnv (replaceOrAppendEnvValues) replaces a default
 * with the same key in place and appends the rest (an entry without '=' unsets a default); runc then sets the list
 * one by one before exec, so a key repeated among the overrides keeps its first position with the last value.
 */
export function replaceOrAppendEnv(defaults: string[], overrides: string[]): string[] {
  const index = new Map<string, number>();
  const out: (string | undefined)[] = defaults.map((e, i) => {
    index.set(keyOf(e), i);
    return e;
  });
  for (const value of overrides) {
    const i = index.get(keyOf(value));
    if (!value.includes('=')) {
      if (i !== undefined) out[i] = undefined;
    } else if (i !== undefined) {
      out[i] = value;
    } else {
      index.set(keyOf(value), out.length);
      out.push(value);
    }
  }
  return out.filter((e): e is string => e !== undefined);
}

const keyOf = (e: string) => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e);

/**
 * The process environment: the default PATH, HOSTNAME (the sandbox hostname), then the image's env, then the
 * container's (which wins).
 */
export function processEnv(image: ImageProcessConfig, env: EnvVarValue[], hostname: string): string[] {
  const base = replaceOrAppendEnv([DEFAULT_PATH_ENV], [`HOSTNAME=${hostname}`]);
  return replaceOrAppendEnv(base, [...(image.env ?? []), ...env.map((e) => `${e.name}=${e.value}`)]);
}

export interface ContainerProcess {
  argv: string[];
  /** `KEY=VALUE` entries, in order. */
  env: string[];
  cwd: string;
}

/**
 * The process a container runs. `env` is makeEnvironmentVariables' result; `hostname` the sandbox hostname (the
 * node's for hostNetwork pods). Throws `no command specified` (CreateContainerError) when there is nothing to run.
 */
export function containerProcess(container: ContainerSpec, image: ImageProcessConfig, env: EnvVarValue[], hostname: string): ContainerProcess {
  const { command, args } = expandContainerCommandAndArgs(container, new Map(env.map((e) => [e.name, e.value])));
  return {
    argv: processArgs(command, args, image),
    env: processEnv(image, env, hostname),
    cwd: container.workingDir || image.workingDir || '/',
  };
}

/** The signal that stops the container: the image's STOPSIGNAL, else SIGTERM (containerd). */
export function stopSignal(image: ImageProcessConfig): string {
  const s = (image.stopSignal ?? '').toUpperCase();
  if (!s) return 'SIGTERM';
  return s.startsWith('SIG') || /^\d+$/.test(s) ? s : `SIG${s}`;
}
