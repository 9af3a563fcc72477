// `berth images`: the image catalog — every entry, the references it answers for, what it runs on this host and
// whether the host has it (else the apt-get line that installs it); `berth images <reference>` explains one.
import type { Command } from 'commander';
import { resolve } from 'node:path';

export function registerImagesCommand(program: Command): void {
  program
    .command('images [reference]')
    .description('list the image catalog (which references run what on this host, and what to install), or explain one reference')
    .option('--data-dir <dir>', 'the data dir holding images.yaml (user entries)', '.berth')
    .addHelpText('after', '\nUser entries: <data-dir>/images.yaml, described in src/nodeagent/images/README.md.')
    .action(async (reference: string | undefined, opts: { dataDir: string }) => {
      // Loaded only for this command, off `berth up`'s start-up path.
      const { catalogTable, explainReference } = await import('./images-print.js');
      const { ImageCatalog } = await import('../nodeagent/images/catalog.js');
      const catalog = new ImageCatalog({ dataDir: resolve(opts.dataDir) });
      if (!reference) {
        process.stdout.write(catalogTable(catalog));
        return;
      }
      const { text, ok } = explainReference(catalog, reference);
      process.stdout.write(text);
      if (!ok) process.exitCode = 1;
    });
}
