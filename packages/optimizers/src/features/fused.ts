/*
 * `@ridge/optimizers/fused`: optimizer updates as one kernel per weight on the cpu and wasm
 * backends (Adam and AdamW today), with the same results as their ops, bit for bit. Importing this
 * module installs them; `@ridge/optimizers` imports it for you. Without it, the optimizers of
 * `@ridge/optimizers/base` run their ops: slower (on wasm, about 14% fewer samples per second for
 * the seed model), never different.
 */
import { fusedAdagradUpdate } from '../adagrad-kernel.js';
import { fusedAdamUpdate } from '../adam-kernel.js';
import { installFeature } from '../features.js';
import { fusedRmspropUpdate } from '../rmsprop-kernel.js';
import { fusedSgdUpdate } from '../sgd-kernel.js';

installFeature('fused', { adamUpdate: fusedAdamUpdate, sgdUpdate: fusedSgdUpdate, adagradUpdate: fusedAdagradUpdate, rmspropUpdate: fusedRmspropUpdate });
