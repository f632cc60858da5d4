import './register.js';

export * from './base.js';
export { initializerEntries, layerEntries } from './register.js';
