// The garbage collector as a Berth component: an API client on the components' shared connections. It is part of
// the API's contract (deletion propagation policies), so it runs even without controllers.
import type { Component } from '../../component/contract.js';
import { controllerIdentity } from '../../authentication/component-users.js';
import { GarbageCollector } from './garbage-collector.js';

export const garbageCollectorComponent: Component = {
  name: 'garbage-collector',
  controller: false,
  async start(ctx) {
    // Discovery and the monitors' first lists happen in the background: the API is ready without them.
    const gc = new GarbageCollector(ctx.clientAs(controllerIdentity('generic-garbage-collector')));
    void gc.run();
    return gc;
  },
};
