// Container lifecycle hooks (pkg/kubelet/lifecycle/handlers.go): postStart right after the container started,
// preStop before its stop signal — exec in the container, an HTTP GET to the pod, or a sleep. A hook's failure text
// is what the kubelet records (FailedPostStartHook / FailedPreStopHook).
import { request } from 'node:http';
import { expandCommandOnlyStatic } from '../kubelet/command.js';
import { resolveContainerPort } from '../kubelet/prober/http.js';
import type { ContainerSpec, LifecycleHandler } from '../../api/core.js';

export interface HookTarget {
  container: ContainerSpec;
  podIP: string;
  exec(command: string[], timeoutMs: number): Promise<{ exitCode: number; output: Buffer }>;
}

/** Runs the handler within `timeoutMs`; resolves with an error text, or undefined when it succeeded. */
export async function runHook(handler: LifecycleHandler, target: HookTarget, timeoutMs: number, signal?: AbortSignal): Promise<string | undefined> {
  if (handler.exec) {
    const cmd = expandCommandOnlyStatic(handler.exec.command ?? [], target.container.env);
    try {
      const r = await target.exec(cmd, timeoutMs);
      if (r.exitCode !== 0) return `command '${cmd.join(' ')}' exited with ${r.exitCode}: ${r.output.toString('utf8')}`;
      return undefined;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }
  if (handler.httpGet) {
    const h = handler.httpGet;
    let port: number;
    try {
      port = resolveContainerPort(h.port, target.container);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
    const host = h.host || target.podIP;
    const path = h.path?.startsWith('/') ? h.path : `/${h.path ?? ''}`;
    return new Promise((resolve) => {
      const req = request({ host, port, path, method: 'GET', timeout: timeoutMs, headers: Object.fromEntries((h.httpHeaders ?? []).map((x) => [x.name, x.value])) }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? undefined : `HTTP lifecycle hook (${path}) for Container "${target.container.name}" failed - error: <nil>, message: "${res.statusMessage ?? ''}"`);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve(`Get "http://${host}:${port}${path}": ${e.message}`));
      req.end();
    });
  }
  if (handler.sleep) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.min(handler.sleep!.seconds * 1000, timeoutMs));
      signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    });
    return undefined;
  }
  if (handler.tcpSocket) return 'tcpSocket is not supported as a lifecycle handler';
  return undefined;
}
