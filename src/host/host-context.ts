// What the API-side parts of `berth up` get beyond a component's API clients: the registry, the generic store, the
// storage and the server's context, for parts that are the API itself (CRD serving, special endpoints, admission
// wired into the store). Only src/host/ builds and uses it, so the component contract stays below the server.
import type { Component, ComponentContext } from '../component/contract.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { ServerContext } from '../server/context.js';
import type { Store } from '../storage/interface.js';

export interface HostContext extends ComponentContext {
  registry: ResourceRegistry;
  objects: GenericStore;
  store: Store;
  server: ServerContext;
}

/** A part of the API server, started by the host with its HostContext. */
export type HostComponent = Component<HostContext>;
