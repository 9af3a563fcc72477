// Schema-driven operations for the request path: strict field checks, pruning and patching, for built-in kinds
// from the type model. Custom resources (no schemaName) plug in their own schema through `custom`.
import { applyPatch } from '../apimachinery/patch/index.js';
import { findUnknownFields, pruneUnknownFields } from '../apimachinery/schema/strict.js';
import { findTypeError, normalizeNulls } from '../apimachinery/schema/type-check.js';
import type { TypeModel } from '../apimachinery/schema/types.js';
import type { SchemaOps } from './context.js';
import { ApiError, errBadRequest } from '../apimachinery/errors.js';

const SCALE = 'io.k8s.api.autoscaling.v1.Scale';

export function createSchemaOps(model: TypeModel): SchemaOps {
  return {
    unknownFields(def, obj) {
      if (def.schemaName) return findUnknownFields(model, def.schemaName, obj);
      return def.customSchema?.unknownFields(obj) ?? [];
    },
    typeError(def, obj) {
      return def.schemaName ? findTypeError(model, def.schemaName, obj) : undefined;
    },
    normalizeNulls(def, obj) {
      if (def.schemaName) normalizeNulls(model, def.schemaName, obj);
    },
    pruneUnknown(def, obj) {
      if (def.schemaName) return pruneUnknownFields(model, def.schemaName, obj);
      return def.customSchema?.pruneUnknown(obj) ?? [];
    },
    patch(def, type, original, body, fieldValidation) {
      const structName = def === 'scale' ? SCALE : def.schemaName;
      try {
        return applyPatch(type, model, structName, original, body, { fieldValidation });
      } catch (e) {
        // A patch whose shape does not fit the object (upstream may answer 500 here) is the client's error.
        if (e instanceof ApiError && e.code < 500) throw e;
        throw errBadRequest(e instanceof Error ? e.message : String(e));
      }
    },
  };
}
