// securityContext and volumes on real processes: the user and groups a container runs as, containerd's default
// capabilities, no_new_privs, a read-only root, privileged containers; configMap and secret volumes in the atomic
// ..data layout that follow their object's updates, emptyDir shared with a sidecar, hostPath type checks.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { applyYaml, containerLog, createNamespace, eventually, kubectlOk, needsRealPods, podField, RealCluster, realPodsUnavailable, startRealCluster, waitReady } from './harness.js';

let c: RealCluster | undefined;
const NS = 'secvol';
before(async () => {
  if (realPodsUnavailable()) return;
  c = await startRealCluster();
  await createNamespace(c, NS);
});
after(async () => {
  await c?.stop();
  c?.cleanup();
});

const logOf = (pod: string, container: string, marker: string) =>
  eventually(async () => { const l = await containerLog(c!, NS, pod, container); return l.includes(marker) ? l : undefined; }, 30_000);

test('runAsUser/runAsGroup/fsGroup, containerd\'s default capabilities, no_new_privs, a read-only root; privileged gets them all', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await applyYaml(c!, `
apiVersion: v1
kind: Pod
metadata: { name: who }
spec:
  securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000 }
  containers:
  - name: c
    image: busybox
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true }
    command: ["sh", "-c", "id; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; touch /probe 2>/dev/null && echo ROOT-WRITABLE || echo ROOT-READONLY; echo END; exec sleep 3600"]
---
apiVersion: v1
kind: Pod
metadata: { name: root }
spec:
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "grep CapEff /proc/self/status; echo END; exec sleep 3600"]
  - name: priv
    image: busybox
    securityContext: { privileged: true }
    command: ["sh", "-c", "grep CapEff /proc/self/status; ls /dev | wc -l; echo END; exec sleep 3600"]
`, NS);
  const who = await logOf('who', 'c', 'END');
  assert.match(who, /uid=1000(\(\w+\))? gid=3000 groups=.*2000/);
  assert.match(who, /NoNewPrivs:\s+1/);
  assert.match(who, /CapEff:\s+0000000000000000/, 'an unprivileged user keeps no capabilities');
  assert.ok(who.includes('ROOT-READONLY'), who);
  const root = await logOf('root', 'c', 'END');
  // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP
  assert.match(root, /CapEff:\s+00000000a80425fb/);
  const priv = await logOf('root', 'priv', 'END');
  const capEff = BigInt(`0x${/CapEff:\s+([0-9a-f]+)/.exec(priv)![1]}`);
  assert.ok(capEff > 0xa80425fbn, `privileged has more capabilities: ${capEff.toString(16)}`);
  assert.ok(Number(priv.split('\n')[1]) > 20, 'privileged sees the host\'s devices');
});

test('configMap and secret volumes use the ..data layout and follow updates; an emptyDir is shared with a sidecar', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  await kubectlOk(c!, ['create', 'configmap', 'conf', '-n', NS, '--from-literal=greeting=hello']);
  await kubectlOk(c!, ['create', 'secret', 'generic', 'creds', '-n', NS, '--from-literal=password=s3cret']);
  await applyYaml(c!, `
apiVersion: v1
kind: Pod
metadata: { name: vols }
spec:
  volumes:
  - { name: conf, configMap: { name: conf } }
  - { name: creds, secret: { secretName: creds, defaultMode: 0400 } }
  - { name: shared, emptyDir: {} }
  initContainers:
  - name: feeder
    image: busybox
    restartPolicy: Always
    command: ["sh", "-c", "while true; do date +%s > /shared/tick; sleep 1; done"]
    volumeMounts: [{ name: shared, mountPath: /shared }]
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "ls -a /etc/conf; readlink /etc/conf/greeting; stat -c %a \\"$(readlink -f /etc/creds/password)\\"; cat /etc/creds/password; echo; while true; do echo \\"GREETING $(cat /etc/conf/greeting) TICK $(cat /shared/tick 2>/dev/null)\\"; sleep 1; done"]
    volumeMounts:
    - { name: conf, mountPath: /etc/conf }
    - { name: creds, mountPath: /etc/creds }
    - { name: shared, mountPath: /shared }
`, NS);
  await waitReady(c!, NS, 'vols');
  const out = await logOf('vols', 'app', 'GREETING hello TICK 1');
  assert.match(out, /^\.\.data$/m);
  assert.match(out, /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$/m);
  assert.match(out, /^\.\.data\/greeting$/m);
  assert.match(out, /^400$/m);
  assert.match(out, /^s3cret$/m);
  // The sidecar started first and keeps running beside the app.
  assert.equal(await podField(c!, NS, 'vols', '{.status.initContainerStatuses[0].started}'), 'true');
  await kubectlOk(c!, ['patch', 'configmap', 'conf', '-n', NS, '-p', '{"data":{"greeting":"bonjour"}}']);
  await logOf('vols', 'app', 'GREETING bonjour');
});

test('hostPath type checks: a missing Directory fails the mount with the kubelet\'s text; DirectoryOrCreate creates it', { timeout: 120_000 }, async (t) => {
  if (!needsRealPods(t)) return;
  const dir = `${c!.dataDir}-hostpath`;
  await applyYaml(c!, `
apiVersion: v1
kind: Pod
metadata: { name: hp-missing }
spec:
  volumes: [{ name: h, hostPath: { path: ${dir}/nope, type: Directory } }]
  containers: [{ name: c, image: busybox, command: ["sleep", "3600"], volumeMounts: [{ name: h, mountPath: /h }] }]
---
apiVersion: v1
kind: Pod
metadata: { name: hp-create }
spec:
  volumes: [{ name: h, hostPath: { path: ${dir}/made, type: DirectoryOrCreate } }]
  containers: [{ name: c, image: busybox, command: ["sh", "-c", "echo written > /h/file; exec sleep 3600"], volumeMounts: [{ name: h, mountPath: /h }] }]
`, NS);
  const events = await eventually(async () => {
    const out = await kubectlOk(c!, ['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=hp-missing,reason=FailedMount', '-o', 'jsonpath={.items[*].message}']);
    return out || undefined;
  }, 30_000);
  assert.equal(events, `MountVolume.SetUp failed for volume "h" : hostPath type check failed: ${dir}/nope is not a directory`);
  assert.equal(await podField(c!, NS, 'hp-missing', '{.status.phase}'), 'Pending');
  await waitReady(c!, NS, 'hp-create');
  const { readFileSync, rmSync } = await import('node:fs');
  await eventually(() => { try { return readFileSync(`${dir}/made/file`, 'utf8') === 'written\n'; } catch { return false; } }, 10_000);
  await kubectlOk(c!, ['delete', 'pod', 'hp-create', 'hp-missing', '-n', NS, '--wait=true'], { timeoutMs: 60_000 });
  rmSync(dir, { recursive: true, force: true });
});
