// The three PATCH bodies the API server accepts besides server-side apply:
//   application/json-patch+json            → 'json'      (RFC 6902)
//   application/merge-patch+json           → 'merge'     (RFC 7386)
//   application/strategic-merge-patch+json → 'strategic' (built-in kinds only)
// applyPatch decodes the raw body and applies it, throwing ApiError exactly as upstream's patch handler reports
// failures. The result shares untouched subtrees with `original`; neither input is modified.
import { errUnsupportedMediaType } from '../errors.js';
import { TypeModel } from '../schema/types.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch, ERR_BAD_JSON_PATCH } from './merge-patch.js';
import { decodeJson, errBadRequest } from './patch-errors.js';
import { strategicMergePatch } from './strategic.js';

export type PatchKind = 'json' | 'merge' | 'strategic';

export const PATCH_CONTENT_TYPES: Record<PatchKind, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export interface ApplyPatchOptions {
  /**
   * The request's fieldValidation. With Strict or Warn the handler decodes json/merge bodies strictly first, which
   * words decode errors as `error decoding patch: …`.
   */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

/**
 * Apply a PATCH body (raw bytes or text) to `original`. `structName` is the OpenAPI definition name of the object's
 * type in `model`; without it (custom resources) strategic merge patch is refused with 415 like upstream.
 */
export function applyPatch(
  kind: PatchKind,
  model: TypeModel | undefined,
  structName: string | undefined,
  original: unknown,
  patchBody: string | Uint8Array,
  options: ApplyPatchOptions = {},
): unknown {
  const strict = options.fieldValidation === 'Strict' || options.fieldValidation === 'Warn';
  const decoded = decodeJson(patchBody);
  switch (kind) {
    case 'json':
      if ('error' in decoded) throw errBadRequest(strict ? `error decoding patch: ${decoded.error}` : decoded.error);
      return applyJsonPatch(original, decoded.value);
    case 'merge':
      if ('error' in decoded) throw errBadRequest(strict ? `error decoding patch: ${decoded.error}` : ERR_BAD_JSON_PATCH);
      return applyMergePatch(original, decoded.value);
    case 'strategic':
      if (!model || !structName) {
        throw errUnsupportedMediaType(PATCH_CONTENT_TYPES.strategic, [PATCH_CONTENT_TYPES.json, PATCH_CONTENT_TYPES.merge, 'application/apply-patch+yaml']);
      }
      if ('error' in decoded) throw errBadRequest(decoded.error);
      return strategicMergePatch(model, structName, original, decoded.value);
  }
}

export { applyJsonPatch, decodeJsonPatch, decodePointerToken, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { strategicMergePatch, SMP_ERRORS } from './strategic.js';
