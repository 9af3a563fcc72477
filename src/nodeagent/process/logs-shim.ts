// TEMPORARY: container logs until the CRI log reader (src/nodeagent/logs/) lands; prints the current run's lines.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { ContainerLogOptions } from '../kubelet-api.js';
import type { RuntimeContainer } from '../runtime.js';

export async function logs(dir: string, c: { status?: RuntimeContainer }, opts: ContainerLogOptions, out: Writable, _signal: AbortSignal): Promise<void> {
  const n = (c.status?.restartCount ?? 0) - (opts.previous ? 1 : 0);
  const file = join(dir, `${n}.log`);
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(\S+) (stdout|stderr) ([FP]) (.*)$/.exec(line);
    if (m) out.write(opts.timestamps ? `${m[1]} ${m[4]}\n` : `${m[4]}\n`);
  }
}
