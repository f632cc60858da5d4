export { Add, add, type AddArgs } from './add.js';
export { Subtract, subtract, type SubtractArgs } from './subtract.js';
export { Multiply, multiply, type MultiplyArgs } from './multiply.js';
export { Average, average, type AverageArgs } from './average.js';
export { Maximum, maximum, type MaximumArgs } from './maximum.js';
export { Minimum, minimum, type MinimumArgs } from './minimum.js';
export { Concatenate, concatenate, type ConcatenateArgs } from './concatenate.js';
export { Dot, dot, type DotArgs } from './dot.js';
