import './register.js';

export * from './base.js';
export { initializerEntries, layerEntries } from './register.js';
export { recurrentLayerEntries } from './layers/recurrent/register.js';
export { convLayerEntries } from './layers/conv/register.js';
export { miscLayerEntries } from './layers/misc/register.js';
