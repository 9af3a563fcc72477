// Finding defineKind results in a JavaScript module and printing their CustomResourceDefinitions as YAML.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { isKindDefinition, type KindDefinition } from '../sdk/define-kind.js';

/** The defineKind results a module exports: the named export, or all of them in export order. */
export async function kindsInModule(modulePath: string, exportName?: string): Promise<KindDefinition[]> {
  const mod = (await import(pathToFileURL(resolve(modulePath)).href)) as Record<string, unknown>;
  if (exportName) {
    if (!(exportName in mod)) throw new Error(`${modulePath} has no export named "${exportName}"`);
    const v = mod[exportName];
    if (!isKindDefinition(v)) throw new Error(`export "${exportName}" of ${modulePath} is not a defineKind result`);
    return [v];
  }
  const kinds = [...new Set(Object.values(mod).filter(isKindDefinition))];
  if (kinds.length === 0) throw new Error(`${modulePath} exports no defineKind result`);
  return kinds;
}

export function crdYaml(kinds: KindDefinition[]): string {
  return kinds.map((k) => stringify(k.crd(), { lineWidth: 0 })).join('---\n');
}
