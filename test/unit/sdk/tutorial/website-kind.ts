// Tutorial step 1 (docs/sdk.md): define a kind once — TypeScript type and CRD from one TypeBox schema.
import { defineKind, Type, type KindObject } from '../../../../src/sdk/index.js';

const Condition = Type.Object({
  type: Type.String(),
  status: Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')]),
  reason: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  observedGeneration: Type.Optional(Type.Integer()),
  lastTransitionTime: Type.Optional(Type.String({ format: 'date-time' })),
});

export const Website = defineKind({
  group: 'tutorial.berth.dev',
  version: 'v1',
  kind: 'Website',
  plural: 'websites',
  shortNames: ['web'],
  scope: 'Namespaced',
  schema: Type.Object({
    message: Type.String({ minLength: 1, description: 'What the page says' }),
    theme: Type.Union([Type.Literal('light'), Type.Literal('dark')], { default: 'light' }),
  }),
  status: Type.Object({
    observedGeneration: Type.Optional(Type.Integer()),
    conditions: Type.Optional(Type.Array(Condition, { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })),
  }),
  printerColumns: [
    { name: 'Message', type: 'string', jsonPath: '.spec.message' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  ],
});

/** `{ apiVersion, kind, metadata, spec: { message: string; theme: 'light' | 'dark' }, status?: {...} }` */
export type Website = KindObject<typeof Website>;
