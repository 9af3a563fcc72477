// Simulated node agent (KWOK-like kubelet): see README.md.
export { startNodeAgent } from './agent.js';
export type { NodeAgent, NodeAgentOptions } from './agent.js';
export type { Runtime, RuntimePod, RuntimeContainer } from './runtime.js';
export { SimRuntime } from './sim-runtime.js';
export { SIM } from './annotations.js';
