// CustomResourceDefinitions: the apiextensions.k8s.io resource and the component that serves the kinds they define.
import type { Component } from '../component/contract.js';
import { CrdController, type CrdServingContext } from './controller.js';

export { apiextensionsResources, customResourceDefinitionResource, crdStrategy, defaultCRD } from './crd-resource.js';
export { validateCRD, validateCRDUpdate, validateCRDStatusUpdate } from './crd-validation.js';
export { customResourceDefs, customResourceStrategy } from './cr-resource.js';
export { calculateNamesAndConditions, usedNamesInGroup } from './naming.js';
export { CrdController, markCRDForCleanup } from './controller.js';
export * from './types.js';

/** Naming, establishing, serving and cleanup of CRDs; part of the API server, so it runs even without controllers. */
export const apiextensionsComponent: Component<CrdServingContext> = {
  name: 'apiextensions-controller',
  controller: false,
  async start(ctx) {
    const c = new CrdController(ctx);
    await c.start();
    return c;
  },
};
