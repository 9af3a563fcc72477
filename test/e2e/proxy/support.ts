// Real pods for the service proxy's tests: HTTP backends that answer with their pod name and the client address they
// see, and client pods the test runs commands in with the real `kubectl exec`. Pods use the `debian` image: the
// host's userland (GNU date, curl, python3, socat), where `busybox` would give busybox's applets.
import { applyYaml, kubectl, kubectlOk, RealCluster, waitReady } from '../process/harness.js';

/** A pod running one program of the host's userland (the catalog's debian image). */
function hostProgramPod(name: string, labels: Record<string, string>, command: string[], extraSpec = '', ports: { name: string; containerPort: number }[] = []): string {
  return `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: ${JSON.stringify(labels)}
spec:
  terminationGracePeriodSeconds: 1
${extraSpec}
  containers:
  - name: main
    image: debian:12
    command: ${JSON.stringify(command)}
    ports: ${JSON.stringify(ports)}
`;
}

/** A python3 HTTP server on 8080 answering `<pod name> <client address>`. */
export function backendPod(name: string, labels: Record<string, string>, opts: { node?: string; readinessGate?: string } = {}): string {
  const server = [
    'import http.server, socket',
    'class H(http.server.BaseHTTPRequestHandler):',
    '  def do_GET(s):',
    "    b = ('%s %s\\n' % (socket.gethostname(), s.client_address[0])).encode()",
    "    s.send_response(200); s.send_header('Content-Length', str(len(b))); s.end_headers(); s.wfile.write(b)",
    '  def log_message(s, *a): pass',
    "http.server.ThreadingHTTPServer(('', 8080), H).serve_forever()",
  ].join('\n');
  const extra = [opts.node ? `  nodeName: ${opts.node}` : '', opts.readinessGate ? `  readinessGates: [{conditionType: "${opts.readinessGate}"}]` : ''].filter(Boolean).join('\n');
  return hostProgramPod(name, labels, ['python3', '-c', server], extra, [{ name: 'http', containerPort: 8080 }]);
}

/** A UDP echo server on 5353 answering `<pod name> <client address>` (socat). */
export function udpEchoPod(name: string, labels: Record<string, string>): string {
  return hostProgramPod(name, labels, ['socat', 'UDP4-RECVFROM:5353,fork', 'SYSTEM:echo $(hostname) $SOCAT_PEERADDR']);
}

export interface RunResult {
  code: number;
  out: string;
}

/** A pod the test runs shell scripts in (`kubectl exec`), with the pod's own network and DNS. */
export class PodShell {
  private constructor(readonly c: RealCluster, readonly name: string, readonly ip: string) {}

  /** `serviceAccount`: run as that account with its token mounted (kube-api-access-*); otherwise no token. */
  static async start(c: RealCluster, name: string, opts: { node?: string; labels?: Record<string, string>; volumes?: string[]; mounts?: string[]; serviceAccount?: string } = {}): Promise<PodShell> {
    await applyYaml(c, `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: ${JSON.stringify(opts.labels ?? { role: 'client' })}
spec:
  terminationGracePeriodSeconds: 1
  ${opts.node ? `nodeName: ${opts.node}` : ''}
  ${opts.serviceAccount ? `serviceAccountName: ${opts.serviceAccount}` : 'automountServiceAccountToken: false'}
  volumes: ${opts.volumes?.length ? '' : '[]'}
${(opts.volumes ?? []).map((v) => `  - ${v}`).join('\n')}
  containers:
  - name: shell
    image: debian:12
    command: ["sleep", "infinity"]
    volumeMounts: ${opts.mounts?.length ? '' : '[]'}
${(opts.mounts ?? []).map((m) => `    - ${m}`).join('\n')}
`);
    const ip = await waitReady(c, 'default', name, 90_000);
    return new PodShell(c, name, ip);
  }

  /** Runs `script` with sh inside the pod; resolves with its exit status and output (stdout, then stderr). */
  async run(script: string, timeoutMs = 30_000): Promise<RunResult> {
    const r = await kubectl(this.c, ['exec', this.name, '--', 'sh', '-c', script], { timeoutMs });
    return { code: r.code, out: r.stdout + r.stderr };
  }

  /** Like run, but fails on a non-zero status. */
  async ok(script: string, timeoutMs?: number): Promise<string> {
    const r = await kubectl(this.c, ['exec', this.name, '--', 'sh', '-c', script], { timeoutMs });
    if (r.code !== 0) throw new Error(`in pod ${this.name}: ${script}\nexit ${r.code}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  }
}

/** `n` GETs of `url` from inside the pod, one connection each: the answers, one `<pod> <client>` line per request. */
export async function requests(shell: PodShell, url: string, n: number): Promise<string[]> {
  const out = await shell.ok(`for i in $(seq ${n}); do curl -sS --max-time 5 ${url} || echo FAILED; done`);
  return out.trim().split('\n');
}

/** Sets (or adds) a pod condition through the status subresource, as a readiness-gate controller does. */
export async function setPodCondition(c: RealCluster, pod: string, type: string, status: 'True' | 'False'): Promise<void> {
  const conditions = JSON.parse(await kubectlOk(c, ['get', 'pod', pod, '-o', 'jsonpath={.status.conditions}'])) as { type: string }[];
  const others = conditions.filter((x) => x.type !== type);
  const patch = { status: { conditions: [...others, { type, status, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] } };
  await kubectlOk(c, ['patch', 'pod', pod, '--subresource=status', '--type=merge', '-p', JSON.stringify(patch)]);
}

/** Counts of each distinct first word (the backend's pod name). */
export function tally(lines: string[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const l of lines) {
    const k = l.split(' ')[0];
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
}
