// Docker-link style service environment variables, as kubernetes pkg/kubelet/envvars/envvars.go (FromServices)
// builds them and kubelet_pods.go getServiceEnvVarMap picks the services: the pod's namespace when
// enableServiceLinks is on, and the master service `kubernetes` in `default` always.
import type { Service } from '../../api/generated/core-v1.js';
import { joinHostPort } from './go-net.js';

export type { Service };

/** IsServiceIPSet: a ClusterIP that is neither empty nor None. */
const hasClusterIP = (s: Service) => !!s.spec?.clusterIP && s.spec.clusterIP !== 'None';

/** makeEnvVariableName: upper case, '-' becomes '_'. */
export function envVariableName(name: string): string {
  return name.replace(/-/g, '_').toUpperCase();
}

/** FromServices: the variables for each service with a ClusterIP, in the given order. */
export function serviceEnvVars(services: Service[]): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const svc of services) {
    if (!hasClusterIP(svc)) continue;
    const ports = svc.spec?.ports ?? [];
    const ip = svc.spec!.clusterIP!;
    const prefix = envVariableName(svc.metadata.name ?? '');
    out.push({ name: `${prefix}_SERVICE_HOST`, value: ip });
    // The first port keeps the backwards-compatible name; named ports get their own.
    out.push({ name: `${prefix}_SERVICE_PORT`, value: String(ports[0]?.port ?? 0) });
    for (const p of ports) if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${envVariableName(p.name)}`, value: String(p.port ?? 0) });
    ports.forEach((p, i) => {
      const protocol = p.protocol || 'TCP';
      const hostPort = joinHostPort(ip, p.port ?? 0);
      const url = `${protocol.toLowerCase()}://${hostPort}`;
      if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
      const portPrefix = `${prefix}_PORT_${p.port ?? 0}_${protocol.toUpperCase()}`;
      out.push(
        { name: portPrefix, value: url },
        { name: `${portPrefix}_PROTO`, value: protocol.toLowerCase() },
        { name: `${portPrefix}_PORT`, value: String(p.port ?? 0) },
        { name: `${portPrefix}_ADDR`, value: ip },
      );
    });
  }
  return out;
}

const MASTER_SERVICES = new Set(['kubernetes']);

/**
 * getServiceEnvVarMap: `services` are all the services the kubelet sees (any namespace). The pod's own namespace
 * wins over `default` for a master service of the same name.
 */
export function serviceEnvVarMap(services: Service[], namespace: string, enableServiceLinks: boolean): Map<string, string> {
  const byName = new Map<string, Service>();
  for (const svc of services) {
    if (!hasClusterIP(svc)) continue;
    const name = svc.metadata.name ?? '';
    if (svc.metadata.namespace === 'default' && MASTER_SERVICES.has(name)) {
      if (!byName.has(name)) byName.set(name, svc);
    } else if (svc.metadata.namespace === namespace && enableServiceLinks) {
      byName.set(name, svc);
    }
  }
  const m = new Map<string, string>();
  for (const e of serviceEnvVars([...byName.values()])) m.set(e.name, e.value);
  return m;
}
