export { ELU, elu, type ELUArgs } from './elu.js';
export { LeakyReLU, leakyReLU, type LeakyReLUArgs } from './leaky-relu.js';
export { PReLU, prelu, type PReLUArgs } from './prelu.js';
export { ReLU, reLU, type ReLUArgs } from './relu.js';
export { Softmax, softmax, type SoftmaxArgs } from './softmax.js';
export { ThresholdedReLU, thresholdedReLU, type ThresholdedReLUArgs } from './thresholded-relu.js';
