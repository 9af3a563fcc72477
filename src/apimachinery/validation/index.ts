// Shared validation helpers: name formats, IPs, ObjectMeta and label selectors.
export * from './names.js';
export * from './ip.js';
export * from './objectmeta.js';
