// A pod's volumes on the host (pkg/kubelet/volumemanager, reduced to one machine): each volume becomes a host
// directory that containers bind-mount — emptyDir under the pod's directory (tmpfs for medium: Memory), hostPath
// with its type checks, a claim's bound PersistentVolume directory, and configMap/secret contents written into the
// pod's directory by the kubelet's atomic writer (kept up to date while the pod runs). Failures read as the kubelet's
// FailedMount events.
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { join, normalize } from 'node:path';
import { run, runQuiet } from '../../networking/command.js';
import { AtomicWriter } from '../kubelet/atomic-writer.js';
import { expandSubPathExpr } from '../kubelet/expansion.js';
import { applyOwnership, mountFailedMessage, volumeOwnershipPlan, volumePayload, type TokenRequest, type VolumeSources } from '../kubelet/volume-payload.js';
import type { ConfigMap, ContainerSpec, Pod, Secret, Volume } from '../../api/core.js';
import type { VolumeMount } from './mount-plan.js';
import type { PodContext } from './pod-context.js';

export class VolumeError extends Error {}

interface Prepared {
  path: string;
  /** configMap, secret, downwardAPI or projected: rewritten when its sources change. */
  projected?: Volume;
  /** The volume itself is one file (hostPath of type File…). */
  file: boolean;
  readOnly: boolean;
  /** A tmpfs mounted on the host for it, unmounted at teardown. */
  tmpfs?: boolean;
}

export class PodVolumes {
  private readonly prepared = new Map<string, Prepared>();

  constructor(private pod: Pod, private readonly dir: string, private readonly ctx: Pick<PodContext, 'view'>) {}

  /** Makes every volume ready; throws VolumeError with the kubelet's FailedMount wording. */
  async setUp(): Promise<void> {
    for (const v of this.pod.spec.volumes ?? []) {
      if (this.prepared.has(v.name)) continue;
      try {
        this.prepared.set(v.name, await this.setUpOne(v));
      } catch (e) {
        throw new VolumeError(mountFailedMessage(v.name, e));
      }
    }
  }

  private async setUpOne(v: Volume): Promise<Prepared> {
    const ns = this.pod.metadata.namespace ?? '';
    if (v.emptyDir) {
      const path = join(this.dir, 'kubernetes.io~empty-dir', v.name);
      mkdirSync(path, { recursive: true });
      chmodSync(path, 0o777);
      if (v.emptyDir.medium === 'Memory') {
        const size = v.emptyDir.sizeLimit ? `,size=${String(v.emptyDir.sizeLimit).replace(/i$/, '')}` : '';
        await run('mount', ['-t', 'tmpfs', '-o', `mode=0777${size}`, 'tmpfs', path]);
        return { path, file: false, readOnly: false, tmpfs: true };
      }
      return { path, file: false, readOnly: false };
    }
    if (v.hostPath) return { ...hostPathVolume(v.hostPath.path, v.hostPath.type ?? ''), readOnly: false };
    if (v.persistentVolumeClaim) {
      const claimName = v.persistentVolumeClaim.claimName;
      const claim = this.ctx.view.persistentVolumeClaim(ns, claimName) as { spec?: { volumeName?: string }; status?: { phase?: string } } | undefined;
      if (!claim) throw new Error(`persistentvolumeclaim "${claimName}" not found`);
      const pvName = claim.spec?.volumeName;
      if (!pvName || claim.status?.phase !== 'Bound') throw new Error(`persistentvolumeclaim "${claimName}" is not bound`);
      const pv = this.ctx.view.persistentVolume(pvName) as { spec?: { hostPath?: { path: string }; local?: { path: string } } } | undefined;
      if (!pv) throw new Error(`persistentvolume "${pvName}" not found`);
      const path = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
      if (!path) throw new Error(`persistentvolume "${pvName}": only hostPath and local volumes can be mounted on this node`);
      if (!existsSync(path)) {
        if (pv.spec?.hostPath) mkdirSync(path, { recursive: true });
        else throw new Error(`path "${path}" does not exist`);
      }
      return { path, file: false, readOnly: !!v.persistentVolumeClaim.readOnly };
    }
    if (v.configMap || v.secret || v.downwardAPI || v.projected) {
      const plugin = v.configMap ? 'configmap' : v.secret ? 'secret' : v.downwardAPI ? 'downward-api' : 'projected';
      const path = join(this.dir, `kubernetes.io~${plugin}`, v.name);
      mkdirSync(path, { recursive: true, mode: 0o755 });
      await this.project(v, path);
      return { path, file: false, readOnly: true, projected: v };
    }
    const kind = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
    throw new Error(`volume type ${kind} is not supported by the process runtime`);
  }

  /** Writes a projected volume's current contents (atomic writer: containers see the old or the new set). */
  private async project(v: Volume, path: string): Promise<boolean> {
    const payload = volumePayload(v, this.pod, { ...this.sources(), serviceAccountToken: await this.tokensFor(v) });
    if (!payload) return false;
    const fsGroup = this.pod.spec.securityContext?.fsGroup;
    return new AtomicWriter(path).write(payload, fsGroup === undefined ? undefined
      : async (tsDir) => applyOwnership(await volumeOwnershipPlan(join(path, tsDir), fsGroup)));
  }

  /**
   * Brings configMap, secret, downwardAPI and projected volumes up to date with their sources (the kubelet resyncs
   * them periodically); returns the names that changed. A source that fails now keeps the last contents.
   */
  async refresh(pod: Pod): Promise<string[]> {
    this.pod = pod;
    const changed: string[] = [];
    for (const [name, p] of this.prepared) {
      if (!p.projected) continue;
      try {
        if (await this.project(p.projected, p.path)) changed.push(name);
      } catch {
        // a deleted source: the volume keeps what it had, as upstream
      }
    }
    return changed;
  }

  /**
   * The tokens a projected volume needs, obtained first (TokenRequest is a call to the API server; the payload is
   * built synchronously from what is at hand), as the sync hook volumePayload asks them from.
   */
  private async tokensFor(v: Volume): Promise<VolumeSources['serviceAccountToken']> {
    const wanted = (v.projected?.sources ?? []).filter((s) => s.serviceAccountToken);
    const request = this.ctx.view.serviceAccountToken;
    if (!wanted.length || !request) return undefined;
    const tokens = new Map<string, string>();
    const key = (r: TokenRequest) => `${r.audiences.join(',')}/${r.expirationSeconds ?? ''}`;
    for (const s of wanted) {
      const r: TokenRequest = {
        namespace: this.pod.metadata.namespace ?? '', serviceAccountName: this.pod.spec.serviceAccountName || 'default',
        audiences: s.serviceAccountToken!.audience ? [s.serviceAccountToken!.audience] : [], expirationSeconds: s.serviceAccountToken!.expirationSeconds,
        boundPod: { name: this.pod.metadata.name ?? '', uid: this.pod.metadata.uid ?? '' },
      };
      tokens.set(key(r), await request(this.pod.spec.nodeName ?? '', r));
    }
    return (r) => {
      const t = tokens.get(key(r));
      if (t === undefined) throw new Error('service account token was not obtained');
      return t;
    };
  }

  get hasProjected(): boolean {
    return [...this.prepared.values()].some((p) => p.projected);
  }

  private sources(): VolumeSources {
    const v = this.ctx.view;
    return {
      getConfigMap: (ns, name) => v.configMap(ns, name) as ConfigMap | undefined,
      getSecret: (ns, name) => v.secret(ns, name) as Secret | undefined,
      nodeAllocatable: v.nodeAllocatable(this.pod.spec.nodeName ?? ''),
    };
  }

  /** The bind mounts of one container, with subPath/subPathExpr resolved inside their volume. */
  mountsFor(spec: ContainerSpec, env: Record<string, string>): VolumeMount[] {
    const out: VolumeMount[] = [];
    for (const m of spec.volumeMounts ?? []) {
      const vol = this.prepared.get(m.name);
      if (!vol) throw new VolumeError(`cannot find volume "${m.name}" to mount into container "${spec.name}"`);
      let sub = m.subPath ?? '';
      if (m.subPathExpr) {
        try {
          sub = expandSubPathExpr(m.subPathExpr, new Map(Object.entries(env)));
        } catch (e) {
          throw new VolumeError(e instanceof Error ? e.message : String(e));
        }
      }
      let source = vol.path;
      let file = vol.file;
      if (sub) {
        const clean = normalize(sub);
        if (clean.startsWith('..') || clean.startsWith('/')) throw new VolumeError(`failed to prepare subPath for volumeMount "${m.name}" of container "${spec.name}"`);
        source = join(vol.path, clean);
        // The kubelet creates a missing subPath as a directory (kubelet_pods.go makeMounts).
        if (!existsSync(source)) mkdirSync(source, { recursive: true, mode: 0o755 });
        file = !statSync(source).isDirectory();
      }
      out.push({ source, target: m.mountPath, readOnly: !!m.readOnly || vol.readOnly, file });
    }
    return out;
  }

  async tearDown(): Promise<void> {
    for (const p of this.prepared.values()) if (p.tmpfs) await runQuiet('umount', ['-l', p.path]);
    this.prepared.clear();
  }
}

/** What each hostPath type requires of the path (pkg/volume/hostpath: checkType), and how an *OrCreate type makes it. */
const HOST_PATH_TYPES: Record<string, { is: (st: Stats) => boolean; what: string; file: boolean; create?: (path: string) => void }> = {
  DirectoryOrCreate: { is: (st) => st.isDirectory(), what: 'a directory', file: false, create: (path) => mkdirSync(path, { recursive: true, mode: 0o755 }) },
  Directory: { is: (st) => st.isDirectory(), what: 'a directory', file: false },
  FileOrCreate: { is: (st) => st.isFile(), what: 'a file', file: true, create: (path) => writeFileSync(path, '', { mode: 0o644 }) },
  File: { is: (st) => st.isFile(), what: 'a file', file: true },
  Socket: { is: (st) => st.isSocket(), what: 'a socket file', file: true },
  CharDevice: { is: (st) => st.isCharacterDevice(), what: 'a character device', file: true },
  BlockDevice: { is: (st) => st.isBlockDevice(), what: 'a block device', file: true },
};

/** hostPath with its type (pkg/volume/hostpath: checkType). */
function hostPathVolume(path: string, type: string): { path: string; file: boolean } {
  const stat = () => {
    try {
      return statSync(path);
    } catch {
      return undefined;
    }
  };
  let st = stat();
  const rule = Object.hasOwn(HOST_PATH_TYPES, type) ? HOST_PATH_TYPES[type] : undefined;
  if (!rule) {
    if (!st) {
      // No type: nothing is checked, and a missing path is created as a directory (the kubelet's behaviour).
      mkdirSync(path, { recursive: true, mode: 0o755 });
      return { path, file: false };
    }
    return { path, file: !st.isDirectory() };
  }
  if (!st && rule.create) {
    rule.create(path);
    st = stat();
  }
  if (!st || !rule.is(st)) throw new Error(`hostPath type check failed: ${path} is not ${rule.what}`);
  return { path, file: rule.file };
}
