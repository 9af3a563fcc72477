// What a node running real processes reports about this machine (kubelet's cadvisor-backed machine info): CPUs,
// memory and disk as capacity, the same minus what the system keeps for itself as allocatable, OS and kernel.
import { readFileSync, statfsSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { RUNTIME_SCHEME } from './process/container.js';

/** Reserved for the system like kubelet's default hard eviction threshold: memory.available<100Mi. */
const EVICTION_MEMORY = 100 * 1024 * 1024;

export function machineNodeInfo(dataDir: string): { capacity: Record<string, string>; machine: { containerRuntimeVersion: string; osImage: string; kernelVersion: string; allocatable: Record<string, string> } } {
  const memKi = Math.floor(totalmem() / 1024);
  let diskBytes = 0;
  try {
    const st = statfsSync(dataDir);
    diskBytes = st.blocks * st.bsize;
  } catch {
    // unknown disk: reported as 0
  }
  const capacity = {
    cpu: String(cpus().length),
    'ephemeral-storage': `${Math.floor(diskBytes / 1024)}Ki`,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: `${memKi}Ki`,
    pods: '110',
  };
  const allocatable = {
    ...capacity,
    // kubelet: allocatable = capacity - reserved - hard eviction threshold (100Mi memory, 10% nodefs)
    'ephemeral-storage': String(Math.floor(diskBytes * 0.9)),
    memory: `${memKi - EVICTION_MEMORY / 1024}Ki`,
  };
  let osImage = 'Linux';
  try {
    osImage = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? osImage;
  } catch {
    // no os-release
  }
  return { capacity, machine: { containerRuntimeVersion: `${RUNTIME_SCHEME}://0.1.0`, osImage, kernelVersion: release(), allocatable } };
}
