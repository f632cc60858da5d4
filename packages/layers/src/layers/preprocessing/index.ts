export { Rescaling, rescaling, type PerChannel, type RescalingArgs } from './rescaling.js';
export { Normalization, normalization, type NestedNumbers, type NormalizationArgs } from './normalization.js';
export { CategoryEncoding, categoryEncoding, type CategoryEncodingArgs, type CategoryOutputMode } from './category-encoding.js';
export { CenterCrop, centerCrop, type CenterCropArgs } from './center-crop.js';
export { Resizing, resizing, type ResizingArgs } from './resizing.js';
export type { ResizeInterpolation } from './resize.js';
