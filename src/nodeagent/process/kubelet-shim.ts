// TEMPORARY: minimal stand-ins for pieces being written in parallel (src/nodeagent/logs/ for the CRI log writer,
// src/nodeagent/images/ for the image catalog). Each is replaced by its real module as that lands; nothing else may
// grow here.
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { dirname } from 'node:path';

export interface CriLog {
  write(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  close(): Promise<void>;
}

export function openCriLog(path: string): CriLog {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const out: WriteStream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  const partial: Record<string, string> = { stdout: '', stderr: '' };
  return {
    write(stream, chunk) {
      const text = partial[stream] + chunk.toString('utf8');
      const lines = text.split('\n');
      partial[stream] = lines.pop()!;
      for (const l of lines) out.write(`${new Date().toISOString().replace('Z', '000000Z')} ${stream} F ${l}\n`);
    },
    async close() {
      for (const s of ['stdout', 'stderr']) if (partial[s]) out.write(`${new Date().toISOString()} ${s} F ${partial[s]}\n`);
      await new Promise<void>((r) => out.end(() => r()));
    },
  };
}

export interface ImageConfig {
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingDir: string;
  stopSignal?: string;
}

const IMAGES: Record<string, ImageConfig> = {
  busybox: { entrypoint: [], cmd: ['sh'], env: [], workingDir: '/' },
  redis: { entrypoint: [], cmd: ['redis-server', '--protected-mode', 'no'], env: [], workingDir: '/data' },
  nginx: { entrypoint: [], cmd: ['nginx', '-g', 'daemon off;'], env: [], workingDir: '/', stopSignal: 'SIGQUIT' },
};

export function imageConfig(ref: string): ImageConfig | undefined {
  const repo = ref.replace(/[:@].*$/, '').split('/').pop()!;
  return IMAGES[repo] ?? { entrypoint: [], cmd: ['sh'], env: [], workingDir: '/' };
}
