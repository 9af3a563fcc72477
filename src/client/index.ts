// The controller toolkit (client-go's role): kubeconfig, REST client, watches, informers, work queues, events.
export * from './kubeconfig.js';
export * from './http.js';
export * from './resources.js';
export * from './client.js';
export * from './watch.js';
export * from './store.js';
export * from './informer.js';
export * from './workqueue.js';
export * from './controller.js';
export * from './events.js';
