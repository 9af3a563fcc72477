// Patch metadata lookup for strategic merge patch, read from the type model (the role upstream's
// PatchMetaFromStruct plays with Go struct tags). A schema node is the TypeRef of the value being merged;
// `undefined` means free-form / unknown, where no list merges and JSON merge-patch rules apply.
import { FieldDef, StructDef, TypeModel, TypeRef } from '../schema/types.js';

export type SchemaNode = TypeRef | undefined;

export interface PatchMeta {
  /** `+patchStrategy` split on commas, e.g. ['merge', 'retainKeys']. */
  strategies: string[];
  patchMergeKey: string;
}

export interface FieldLookup {
  schema: SchemaNode;
  meta: PatchMeta;
}

const NO_META: PatchMeta = { strategies: [], patchMergeKey: '' };

const fieldIndexCache = new WeakMap<StructDef, Map<string, FieldDef>>();

function fieldIndex(def: StructDef): Map<string, FieldDef> {
  let idx = fieldIndexCache.get(def);
  if (!idx) {
    idx = new Map(def.fields.map((f) => [f.name, f]));
    fieldIndexCache.set(def, idx);
  }
  return idx;
}

export class PatchSchema {
  constructor(readonly model: TypeModel) {}

  structOf(node: SchemaNode): StructDef | undefined {
    return node?.kind === 'ref' ? this.model.structs.get(node.name) : undefined;
  }

  /** Schema and metadata of the value under `key` of a map/struct described by `node`. */
  lookupForStruct(node: SchemaNode, key: string): FieldLookup {
    if (!node) return { schema: undefined, meta: NO_META };
    if (node.kind === 'map') return { schema: node.values, meta: NO_META };
    const def = this.structOf(node);
    const field = def ? fieldIndex(def).get(key) : undefined;
    if (!field) return { schema: undefined, meta: NO_META };
    return {
      schema: field.type,
      meta: { strategies: field.patchStrategy ? field.patchStrategy.split(',') : [], patchMergeKey: field.patchMergeKey ?? '' },
    };
  }

  /** Like lookupForStruct, but the schema returned is that of the list's elements. */
  lookupForSlice(node: SchemaNode, key: string): FieldLookup {
    const { schema, meta } = this.lookupForStruct(node, key);
    return { schema: schema?.kind === 'array' ? schema.items : undefined, meta };
  }

  /** Go's name for the type, as upstream prints it in `cannot merge lists without merge key for <name>`. */
  kindName(node: SchemaNode): string {
    if (!node) return 'interface';
    switch (node.kind) {
      case 'ref': return 'struct';
      case 'map': return 'map';
      case 'array': return 'slice';
      case 'boolean': return 'bool';
      case 'integer': return node.format;
      case 'number': return node.format === 'float' ? 'float32' : 'float64';
      default: return 'string';
    }
  }
}
