// The single Swagger 2.0 document served at /openapi/v2 (kubectl up to 1.30 reads it for apply, explain and the
// fieldValidation check). It is derived from the per group-version v3 documents so both stay in step.
import type { JsonSchema } from './schemas.js';
import { buildGroupVersionDoc, sortKeys, type GroupVersionDocInput } from './v3.js';
import { toV2PathItem } from './v2-paths.js';
import { toV2Definition } from './v2-schema.js';
import { KUBE_VERSION } from '../apimachinery/version.js';

// The gnostic protobuf encoding (v2-proto.ts, with protobufjs) is imported where it is needed, on first request.

/** Builds the v2 document for every group version. */
export function buildOpenApiV2(inputs: GroupVersionDocInput[]): JsonSchema {
  return openApiV2FromV3Docs(inputs.map(buildGroupVersionDoc));
}

/** Merges already built v3 group-version documents into one v2 document (the inputs are not modified). */
export function openApiV2FromV3Docs(v3Docs: JsonSchema[]): JsonSchema {
  const paths: Record<string, JsonSchema> = {};
  const definitions: Record<string, JsonSchema> = {};
  for (const doc of v3Docs) {
    for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, JsonSchema>)) {
      paths[path] = toV2PathItem(item);
    }
    const schemas = ((doc.components as JsonSchema | undefined)?.schemas ?? {}) as Record<string, JsonSchema>;
    for (const [name, schema] of Object.entries(schemas)) {
      // Shared types (ObjectMeta, PodSpec…) appear in many group versions with the same content.
      definitions[name] ??= toV2Definition(name, schema);
    }
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: `${KUBE_VERSION}` },
    paths: sortKeys(paths),
    definitions: sortKeys(definitions),
    securityDefinitions: {
      BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' },
    },
    security: [{ BearerToken: [] }],
  };
}

/** The two spellings of the protobuf media type kube-openapi answers to; kubectl up to 1.30 asks for the `@` one. */
export const OPENAPI_V2_PROTOBUF_TYPES = [
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
  'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
];

/** What the protobuf form is served as, whichever spelling was asked for: `@` is not a valid media type character
 * and client-go refuses a Content-Type that Go's mime.ParseMediaType rejects. */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = OPENAPI_V2_PROTOBUF_TYPES[1]!;

/** Whether an Accept header prefers the protobuf form (the first acceptable range listed wins; JSON otherwise). */
export function wantsOpenApiV2Protobuf(accept: string | undefined): boolean {
  for (const range of (accept ?? '').split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    if (params.some((p) => /^q=0(\.0*)?$/.test(p))) continue;
    if (OPENAPI_V2_PROTOBUF_TYPES.includes(type!)) return true;
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return false;
  }
  return false;
}
