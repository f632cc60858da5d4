/*
 * `@ridge/optimizers/fused`: optimizer updates as one kernel per weight on the cpu and wasm
 * backends (Adam and AdamW, SGD with momentum, plain or Nesterov, Adagrad, and RMSprop, plain,
 * centered, with momentum or both; plain SGD is two ops and stays on them), with the same results
 * as their ops, bit for bit. Importing this module installs them; `@ridge/optimizers` imports it
 * for you. Without it, the optimizers of `@ridge/optimizers/base` run their ops: slower (on wasm,
 * about 14% fewer samples per second for the seed model with Adam), never different. Each kernel
 * (adam-kernel.ts, sgd-kernel.ts, adagrad-kernel.ts, rmsprop-kernel.ts) is a JavaScript pass on cpu
 * and a WebAssembly SIMD module (the `.wat` files) on wasm, run through fused-kernels.ts.
 */
import { fusedAdagradUpdate } from '../adagrad-kernel.js';
import { fusedAdamUpdate } from '../adam-kernel.js';
import { installFeature } from '../features.js';
import { fusedRmspropUpdate } from '../rmsprop-kernel.js';
import { fusedSgdUpdate } from '../sgd-kernel.js';

installFeature('fused', { adamUpdate: fusedAdamUpdate, sgdUpdate: fusedSgdUpdate, adagradUpdate: fusedAdagradUpdate, rmspropUpdate: fusedRmspropUpdate });
