import type { tf } from './tfjs.js';
import { ADAGRAD_SIMD } from './adagrad-simd.js';
import { runFused, type FusedKernel } from './fused-kernels.js';

/** The exports of `adagrad-simd.wat`. */
interface AdagradSimd {
  update(w: number, g: number, acc: number, wOut: number, accOut: number, n: number, lr: number, epsilon: number): void;
}

/**
 * Adagrad's update of one weight as one kernel, where a backend allows (see fused-kernels.ts): one
 * pass over `w`, `g` and the accumulator instead of seven elementwise kernels, in float32 in the
 * order of Adagrad's ops (bit for bit their results). cpu: a JavaScript pass; wasm:
 * `adagrad-simd.wat`. Constants: `[lr, epsilon]`.
 */
const ADAGRAD: FusedKernel = {
  name: 'RidgeAdagradUpdate',
  simd: ADAGRAD_SIMD,
  cpu([w, g, acc], [wOut, accOut], [lr, epsilon]) {
    const r = Math.fround;
    const [l, e] = [lr!, epsilon!];
    for (let i = 0; i < w!.length; i++) {
      const gi = g![i]!;
      const a = r(acc![i]! + r(gi * gi));
      accOut![i] = a;
      wOut![i] = w![i]! - r(r(gi * l) / r(Math.sqrt(r(a + e))));
    }
  },
  wasm(exports, [w, g, acc], [wOut, accOut], n, [lr, epsilon]) {
    (exports as AdagradSimd).update(w!, g!, acc!, wOut!, accOut!, n, lr!, epsilon!);
  },
};

/** `[w, accumulator]` after one Adagrad step, as one kernel; or undefined where no backend kernel runs (then use the ops). */
export function fusedAdagradUpdate(w: tf.Tensor, g: tf.Tensor, accumulator: tf.Tensor, lr: number, epsilon: number): [tf.Tensor, tf.Tensor] | undefined {
  return runFused(ADAGRAD, [w, g, accumulator], [lr, epsilon]) as [tf.Tensor, tf.Tensor] | undefined;
}
