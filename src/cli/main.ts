#!/usr/bin/env node
// The `berth` command.
import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { startBerth } from '../server/berth.js';

function int(name: string, min: number, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

const program = new Command();
program.name('berth').description('A Kubernetes-compatible control plane for stateful workloads, on embedded SQLite');

program
  .command('up')
  .description('start the API server, controllers and node agent in the foreground')
  .option('--data-dir <dir>', 'where state, certificates and the kubeconfig live', '.berth')
  .option('--port <port>', 'HTTPS port (0 picks a free one)', int('--port', 0, 65535), 6443)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .action(async (opts: { dataDir: string; port: number; host: string }) => {
    const berth = await startBerth({ dataDir: resolve(opts.dataDir), port: opts.port, host: opts.host });
    process.stdout.write(`kubeconfig: ${berth.kubeconfigPath}\n`);
    process.stdout.write(`server: ${berth.url}\n`);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`berth: ${signal}, shutting down\n`);
      berth.close().then(() => process.exit(0), (e) => {
        console.error(e);
        process.exit(1);
      });
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`berth: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
