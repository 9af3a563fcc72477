// ControllerRevision history, after upstream's pkg/controller/history: naming, hashing, equality and ordering of
// revisions, plus the create-with-collision-avoidance loop. Transport (the API calls) is behind `History`.
import { isAlreadyExists } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { newControllerRef } from '../common/controller-ref-manager.js';
import { goJsonMarshal } from './go-json.js';
import type { ControllerRevision } from '../../api/generated/apps-v1.js';
// A revision's `data`, for StatefulSets, is a strategic merge patch `{"spec":{"template":{…,"$patch":"replace"}}}`.
export type { ControllerRevision } from '../../api/generated/apps-v1.js';

/** Label holding the (safe-encoded) hash of a revision's data. */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

/**
 * The API operations the history logic needs. Implementations talk to the API server (or a fake in tests);
 * errors must be thrown as ApiError so AlreadyExists/NotFound/Conflict can be told apart.
 */
export interface History {
  /** Revisions in the parent's namespace matching its selector, owned by it or by no controller. */
  listControllerRevisions(parent: KubeObject): Promise<ControllerRevision[]>;
  /** Plain create; must throw ApiError 409 AlreadyExists when the name is taken. */
  createControllerRevision(revision: ControllerRevision): Promise<ControllerRevision>;
  getControllerRevision(namespace: string, name: string): Promise<ControllerRevision>;
  /** Sets `.revision` to newRevision (implementations retry on conflict). */
  updateControllerRevision(revision: ControllerRevision, newRevision: number): Promise<ControllerRevision>;
  deleteControllerRevision(revision: ControllerRevision): Promise<void>;
}

// alphabet of k8s.io/apimachinery/pkg/util/rand: no vowels, no confusable digits, so hashes never spell words
const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: maps every byte onto the safe alphabet. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += SAFE_ALPHANUMS[b % SAFE_ALPHANUMS.length];
  return out;
}

/** FNV-1 (not 1a) 32-bit, what Go's hash/fnv New32 computes; `state` lets callers hash several chunks. */
export function fnv32(data: Uint8Array, state = 0x811c9dc5): number {
  let h = state >>> 0;
  for (const byte of data) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ byte) >>> 0;
  }
  return h;
}

// Every sync compares the set's template with each of its revisions. Revision data never changes once stored and
// cached objects are read-only, so the marshalled bytes are remembered per data object.
const dataBytesCache = new WeakMap<object, Buffer>();

/** The exact bytes upstream stores in `data.raw` and hashes: Go's compact, key-sorted JSON of the payload. */
export function revisionDataBytes(revision: Pick<ControllerRevision, 'data'>): Buffer {
  const data = revision.data;
  if (data === undefined || data === null) return Buffer.alloc(0);
  if (typeof data !== 'object') return Buffer.from(goJsonMarshal(data), 'utf8');
  let bytes = dataBytesCache.get(data);
  if (bytes === undefined) {
    bytes = Buffer.from(goJsonMarshal(data), 'utf8');
    dataBytesCache.set(data, bytes);
  }
  return bytes;
}

/** HashControllerRevision: FNV-32 over the data bytes, then the decimal probe (collision count) if given. */
export function hashControllerRevision(revision: Pick<ControllerRevision, 'data'>, probe?: number): string {
  let h = fnv32(revisionDataBytes(revision));
  if (probe !== undefined && probe !== null) h = fnv32(Buffer.from(String(Math.trunc(probe)), 'utf8'), h);
  return safeEncodeString(String(h));
}

/** `<prefix>-<hash>`, with the prefix cut to 223 bytes so the name stays within 253. */
export function controllerRevisionName(prefix: string, hash: string): string {
  const p = Buffer.from(prefix, 'utf8');
  return `${p.length > 223 ? p.subarray(0, 223).toString('utf8') : prefix}-${hash}`;
}

/** NewControllerRevision: labels from the template plus the hash label, controller ref to the parent, named by hash. */
export function newControllerRevision(
  parent: KubeObject,
  parentApiVersion: string,
  parentKind: string,
  templateLabels: Record<string, string> | undefined,
  data: unknown,
  revision: number,
  collisionCount?: number,
): ControllerRevision {
  const cr: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      labels: { ...(templateLabels ?? {}) },
      ownerReferences: [newControllerRef(parent, parentApiVersion, parentKind)],
    },
    data,
    revision,
  };
  const hash = hashControllerRevision(cr, collisionCount);
  cr.metadata.name = controllerRevisionName(parent.metadata.name ?? '', hash);
  if (parent.metadata.namespace) cr.metadata.namespace = parent.metadata.namespace;
  cr.metadata.labels![CONTROLLER_REVISION_HASH_LABEL] = hash;
  return cr;
}

/**
 * EqualRevision: both absent, or the same data bytes. Upstream first compares hash labels parsed as decimal
 * integers, but safe-encoded hashes never parse, so in practice only the data decides.
 */
export function equalRevision(lhs: ControllerRevision | undefined, rhs: ControllerRevision | undefined): boolean {
  if (!lhs || !rhs) return lhs === rhs;
  const lh = parseDecimalHash(lhs.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]);
  const rh = parseDecimalHash(rhs.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]);
  if (lh !== undefined && rh !== undefined && lh !== rh) return false;
  return revisionDataBytes(lhs).equals(revisionDataBytes(rhs));
}

function parseDecimalHash(s: string | undefined): number | undefined {
  return s !== undefined && /^[+-]?\d+$/.test(s) && Math.abs(Number(s)) <= 2 ** 31 - 1 ? Number(s) >>> 0 : undefined;
}

/** All revisions equal to needle, in their original order. */
export function findEqualRevisions(revisions: ControllerRevision[], needle: ControllerRevision): ControllerRevision[] {
  return revisions.filter((r) => equalRevision(r, needle));
}

/** Stable sort by .revision; ties broken by creation time, then name. Sorts in place and returns the array. */
export function sortControllerRevisions(revisions: ControllerRevision[]): ControllerRevision[] {
  return revisions.sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
    const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
    if (ta !== tb) return ta - tb;
    const na = a.metadata.name ?? '';
    const nb = b.metadata.name ?? '';
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

/**
 * realHistory.CreateControllerRevision: creates the revision under `<parent>-<hash>`; when the name is taken by a
 * revision with other data, bumps collisionCount and retries with a new hash. An existing revision with identical
 * data is returned as is. Returns the stored revision and the (possibly increased) collision count.
 */
export async function createControllerRevision(
  history: History,
  parent: KubeObject,
  revision: ControllerRevision,
  collisionCount: number,
): Promise<{ revision: ControllerRevision; collisionCount: number }> {
  for (;;) {
    const hash = hashControllerRevision(revision, collisionCount);
    const clone: ControllerRevision = structuredClone(revision);
    clone.metadata.name = controllerRevisionName(parent.metadata.name ?? '', hash);
    clone.metadata.namespace = parent.metadata.namespace;
    // like upstream, only the name moves on a collision; the hash label keeps the value computed at creation
    try {
      return { revision: await history.createControllerRevision(clone), collisionCount };
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const existing = await history.getControllerRevision(clone.metadata.namespace ?? '', clone.metadata.name);
      if (revisionDataBytes(existing).equals(revisionDataBytes(clone))) return { revision: existing, collisionCount };
      collisionCount++;
    }
  }
}
