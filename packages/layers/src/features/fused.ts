/*
 * `@ridge/layers/fused`: the L1, L2 and L1L2 penalties of a training step (value and gradient) as
 * one kernel per weight on the cpu and wasm backends: a JavaScript pass on cpu, a WebAssembly SIMD
 * module on wasm (engine/l1l2-kernel.ts). Importing this module installs it; `@ridge/layers`
 * imports it for you. Without it, `@ridge/layers/base` computes the same penalties with the
 * generic ops: more kernels (five per L2 term instead of one), the same values.
 */
import { fusedL1L2Penalty } from '../engine/l1l2-kernel.js';
import { installFeature } from '../model/features.js';

installFeature('fused', { l1l2Penalty: fusedL1L2Penalty });
