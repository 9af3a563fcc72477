// TEMPORARY: a minimal stand-in for the CRI log writer being written in parallel (src/nodeagent/logs/); replaced by
// it as it lands; nothing else may grow here.
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
