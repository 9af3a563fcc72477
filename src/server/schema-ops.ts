// Schema-driven operations for the request path: strict field checks, pruning and patching, for built-in kinds
// from the type model. Custom resources (no schemaName) plug in their own schema through `custom`.
import { applyPatch } from '../apimachinery/patch/index.js';
import { findUnknownFields, pruneUnknownFields } from '../apimachinery/schema/strict.js';
import type { TypeModel } from '../apimachinery/schema/types.js';
import type { ResourceDef } from '../registry/types.js';
import type { SchemaOps } from './context.js';

const SCALE = 'io.k8s.api.autoscaling.v1.Scale';

export interface CustomSchemaOps {
  unknownFields(def: ResourceDef, obj: unknown): string[];
  pruneUnknown(def: ResourceDef, obj: unknown): string[];
}

export function createSchemaOps(model: TypeModel, custom?: CustomSchemaOps): SchemaOps {
  return {
    unknownFields(def, obj) {
      if (def.schemaName) return findUnknownFields(model, def.schemaName, obj);
      return custom?.unknownFields(def, obj) ?? [];
    },
    pruneUnknown(def, obj) {
      if (def.schemaName) return pruneUnknownFields(model, def.schemaName, obj);
      return custom?.pruneUnknown(def, obj) ?? [];
    },
    patch(def, type, original, body, fieldValidation) {
      const structName = def === 'scale' ? SCALE : def.schemaName;
      return applyPatch(type, model, structName, original, body, { fieldValidation });
    },
  };
}
