// `berth crd print <module> [export]`: imports a JavaScript module, finds its defineKind results and prints
// their CustomResourceDefinitions as YAML (one document each), ready for `kubectl apply -f -`.
import type { Command } from 'commander';

export function registerCrdCommand(program: Command): void {
  const crd = program.command('crd').description('CustomResourceDefinitions defined in code with the SDK');
  crd
    .command('print <module> [export]')
    .description('print the CRD YAML of the defineKind results a JavaScript module exports')
    .action(async (modulePath: string, exportName: string | undefined) => {
      const { crdYaml, kindsInModule } = await import('./crd-print.js'); // off `berth up`'s start-up path
      process.stdout.write(crdYaml(await kindsInModule(modulePath, exportName)));
    });
}
