// Whether this machine can run pods as processes (kept apart from the runtime so `berth up` can decide cheaply).
import { existsSync } from 'node:fs';
import { findProgram } from '../../networking/command.js';
import { HELPER_PATH } from './helper.js';

/** Why the process runtime cannot run here, or undefined when it can. */
export function processRuntimeUnavailable(): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'process runtime needs root on Linux';
  if (!existsSync(HELPER_PATH)) return 'process runtime needs its helper, built by `npm run build` with a C compiler (apt-get install gcc)';
  if (!findProgram('nft')) return 'process runtime needs nftables for Services (apt-get install nftables)';
  return undefined;
}
