// events.k8s.io/v1 Event ↔ core/v1 Event: both are served from one storage (core's), as upstream converts through
// the internal type. Field correspondences are upstream's (pkg/apis/events/v1/conversion.go).
import type { KubeObject } from '../../apimachinery/types.js';

type Obj = Record<string, unknown>;

/** Pairs of [events.k8s.io/v1 field, core/v1 field]. */
const RENAMES: [string, string][] = [
  ['note', 'message'],
  ['regarding', 'involvedObject'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];
const SAME = ['eventTime', 'series', 'action', 'related', 'reportingInstance', 'type', 'reason'];

function move(from: Obj, to: Obj, pairs: [string, string][]) {
  for (const [a, b] of pairs) if (from[a] !== undefined) to[b] = from[a];
}

/** events.k8s.io/v1 → core/v1 (the stored form). */
export function eventToCore(ev: KubeObject): KubeObject {
  const out: Obj = { apiVersion: 'v1', kind: 'Event', metadata: ev.metadata };
  move(ev, out, RENAMES);
  for (const f of SAME) if (ev[f] !== undefined) out[f] = ev[f];
  return out as KubeObject;
}

/** core/v1 (stored) → events.k8s.io/v1. */
export function eventFromCore(ev: KubeObject): KubeObject {
  const out: Obj = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: ev.metadata };
  move(ev, out, RENAMES.map(([a, b]) => [b, a]));
  for (const f of SAME) if (ev[f] !== undefined) out[f] = ev[f];
  return out as KubeObject;
}
