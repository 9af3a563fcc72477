// controller.ComputeHash: FNV-32a over the pod template's deep-hash printing, then the collision count as 8
// little-endian bytes (only the low 4 set), printed in decimal and mapped onto the safe alphabet.
import { goJsonMarshal } from '../history/go-json.js';
import { goShape } from '../history/go-shape.js';
import { safeEncodeString } from '../history/controller-history.js';
import type { PodTemplateSpec } from '../replicaset/types.js';

/** FNV-1a 32-bit (Go's hash/fnv New32a); `state` continues an earlier hash. */
export function fnv32a(data: Uint8Array, state = 0x811c9dc5): number {
  let h = state >>> 0;
  for (const byte of data) {
    h = (h ^ byte) >>> 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The text hashed for a template. */
export function templateHashText(template: PodTemplateSpec): string {
  return goJsonMarshal(goShape('io.k8s.api.core.v1.PodTemplateSpec', template));
}

export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(templateHashText(template), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}
