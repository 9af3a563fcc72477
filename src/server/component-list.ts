// The components `berth up` starts, in order. Add new ones here (one line each).
import { GarbageCollector } from '../controllers/garbagecollector/garbage-collector.js';
import { NamespaceController } from '../controllers/namespace/namespace-controller.js';
import { startControllerManager } from '../controllers/manager.js';
import { localProvisionerComponent, storageAdmissionComponent, volumeControllersComponent } from '../controllers/volume/components.js';
import type { Component } from './components.js';

export const COMPONENTS: Component[] = [
  storageAdmissionComponent,
  {
    name: 'namespace-controller', controller: false, // namespace deletion is part of the API's contract
    async start(ctx) {
      const c = new NamespaceController(ctx.objects, ctx.registry);
      await c.start();
      return c;
    },
  },
  {
    name: 'garbage-collector', controller: false, // so are deletion propagation policies
    async start(ctx) {
      const gc = new GarbageCollector(ctx.objects, ctx.registry);
      await gc.start();
      return gc;
    },
  },
  {
    name: 'kube-controller-manager', controller: true,
    start: (ctx) => startControllerManager({
      kubeconfigPath: ctx.kubeconfigPath,
      features: { maxUnavailableStatefulSet: ctx.options.featureGates.MaxUnavailableStatefulSet },
    }),
  },
  volumeControllersComponent,
  localProvisionerComponent,
];
