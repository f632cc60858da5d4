export { Rescaling, rescaling, type PerChannel, type RescalingArgs } from './rescaling.js';
export { Normalization, normalization, type NestedNumbers, type NormalizationArgs } from './normalization.js';
export { CategoryEncoding, categoryEncoding, type CategoryEncodingArgs, type CategoryOutputMode } from './category-encoding.js';
export { CenterCrop, centerCrop, type CenterCropArgs } from './center-crop.js';
export { Resizing, resizing, type ResizingArgs } from './resizing.js';
export type { ResizeInterpolation } from './resize.js';
export { RandomFlip, randomFlip, type FlipMode, type RandomFlipArgs } from './random-flip.js';
export type { FactorRange, FillMode, RandomImageArgs } from './augment.js';
