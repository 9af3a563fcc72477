// A lab run from the command line against the learner's own Berth (KUBECONFIG): prints the transcript as it goes,
// pauses for the restart steps when run at a terminal, and at the end says whether the README's transcript matches.
//
//   node dist/examples/<lab>/lab.js [--kubeconfig FILE] [--transcript FILE] [--no-restart]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { LabDefinition, LabError, runLab } from './lab.js';
import { compareTranscripts, readmeTranscript, renderTranscript } from './transcript.js';

export async function runStandalone(definition: LabDefinition, argv = process.argv.slice(2)): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const kubeconfig = arg('--kubeconfig') ?? process.env.KUBECONFIG;
  if (!kubeconfig) {
    console.error('set KUBECONFIG (or --kubeconfig) to the kubeconfig `berth up --runtime process` printed');
    process.exit(2);
  }
  const interactive = process.stdin.isTTY && !argv.includes('--no-restart');
  console.log(`# ${definition.title}\n`);
  try {
    const lab = await runLab(definition, {
      kubeconfig,
      restart: interactive ? askForRestart : undefined,
      log: (line) => console.log(line),
      onEntry: (e) => console.log(`$ ${e.command}\n${e.output.replace(/\n+$/, '')}${e.output.trim() ? '\n' : ''}`),
    });
    const out = arg('--transcript');
    if (out) writeFileSync(out, renderTranscript(lab.sections));
    const readme = readmeTranscript(readFileSync(join(lab.dir, 'README.md'), 'utf8'));
    const diffs = compareTranscripts(readme, lab.transcript, definition.normalizers, lab.skipped);
    if (diffs.length) {
      console.log(`\nThe lab passed its checks, but the README's transcript differs from this run:\n${diffs.map((d) => `  - ${d}`).join('\n')}`);
      process.exitCode = 1;
    } else {
      console.log('\nEvery step passed its checks, and the README shows what this run saw.');
    }
  } catch (e) {
    console.error(`\nThe lab stopped: ${e instanceof LabError ? e.message : e instanceof Error ? e.stack : String(e)}`);
    process.exitCode = 1;
  }
}

async function askForRestart(): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  await rl.question('Stop `berth up` with Ctrl-C in its terminal, start it again the same way, then press Enter here: ');
  rl.close();
}
