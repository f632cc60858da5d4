import './register.js';
import './features/callbacks.js';
import './features/data.js';
import './features/fused.js';
import './features/masking.js';
import './features/metrics.js';
import './features/inference.js';
import './features/multi-io.js';
import './features/io.js';
import './features/progress.js';
import './features/regularization.js';
import './features/summary.js';

export * from './base.js';
export { initializerEntries, layerEntries } from './register.js';
export { recurrentLayerEntries } from './layers/recurrent/register.js';
export { convLayerEntries } from './layers/conv/register.js';
export { miscLayerEntries } from './layers/misc/register.js';
export { mergeLayerEntries } from './layers/merge/entries.js';
