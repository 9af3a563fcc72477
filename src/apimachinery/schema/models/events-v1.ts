// Struct definitions of io.k8s.api.events.v1, from the upstream v1.33 Go types (json tags, protobuf field numbers,
// list/map/patch markers). Generated once from the type sources; edit by hand with care.
import type { StructDef } from '../types.js';

export const eventsV1Structs: StructDef[] = [
  {
    name: "io.k8s.api.events.v1.Event",
    gvk: [{"group": "events.k8s.io", "version": "v1", "kind": "Event"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}, "proto": 1},
      {"name": "eventTime", "type": {"kind": "microTime"}, "proto": 2, "required": true},
      {"name": "series", "type": {"kind": "ref", "name": "io.k8s.api.events.v1.EventSeries"}, "proto": 3, "optional": true},
      {"name": "reportingController", "type": {"kind": "string"}, "proto": 4},
      {"name": "reportingInstance", "type": {"kind": "string"}, "proto": 5},
      {"name": "action", "type": {"kind": "string"}, "proto": 6},
      {"name": "reason", "type": {"kind": "string"}, "proto": 7},
      {"name": "regarding", "type": {"kind": "ref", "name": "io.k8s.api.core.v1.ObjectReference"}, "proto": 8},
      {"name": "related", "type": {"kind": "ref", "name": "io.k8s.api.core.v1.ObjectReference"}, "proto": 9, "optional": true},
      {"name": "note", "type": {"kind": "string"}, "proto": 10},
      {"name": "type", "type": {"kind": "string"}, "proto": 11},
      {"name": "deprecatedSource", "type": {"kind": "ref", "name": "io.k8s.api.core.v1.EventSource"}, "proto": 12},
      {"name": "deprecatedFirstTimestamp", "type": {"kind": "time"}, "proto": 13},
      {"name": "deprecatedLastTimestamp", "type": {"kind": "time"}, "proto": 14},
      {"name": "deprecatedCount", "type": {"kind": "integer", "format": "int32"}, "proto": 15},
    ],
  },
  {
    name: "io.k8s.api.events.v1.EventList",
    gvk: [{"group": "events.k8s.io", "version": "v1", "kind": "EventList"}],
    fields: [
      {"name": "kind", "type": {"kind": "string"}},
      {"name": "apiVersion", "type": {"kind": "string"}},
      {"name": "metadata", "type": {"kind": "ref", "name": "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}, "proto": 1},
      {"name": "items", "type": {"kind": "array", "items": {"kind": "ref", "name": "io.k8s.api.events.v1.Event"}}, "proto": 2, "required": true},
    ],
  },
  {
    name: "io.k8s.api.events.v1.EventSeries",
    fields: [
      {"name": "count", "type": {"kind": "integer", "format": "int32"}, "proto": 1, "required": true},
      {"name": "lastObservedTime", "type": {"kind": "microTime"}, "proto": 2, "required": true},
    ],
  },
];
