import type { tf } from './tfjs.js';
import { runFused, type FusedKernel } from './fused-kernels.js';
import { SGD_SIMD } from './sgd-simd.js';

/** The exports of `sgd-simd.wat`. */
interface SgdSimd {
  update(w: number, g: number, velocity: number, wOut: number, velocityOut: number, n: number, lr: number, momentum: number, nesterov: number): void;
}

/**
 * SGD's update with momentum (plain or Nesterov) of one weight as one kernel, where a backend
 * allows (see fused-kernels.ts): one pass over `w`, `g` and the velocity instead of five or seven
 * elementwise kernels, in float32 in the order of SGD's ops (bit for bit their results).
 * cpu: a JavaScript pass; wasm: `sgd-simd.wat`. Constants: `[lr, momentum, nesterov ? 1 : 0]`.
 */
const SGD: FusedKernel = {
  name: 'RidgeSGDUpdate',
  simd: SGD_SIMD,
  cpu([w, g, velocity], [wOut, velocityOut], [lr, momentum, nesterov]) {
    const r = Math.fround;
    const [l, mo] = [lr!, momentum!];
    const n = w!.length;
    if (nesterov) {
      for (let i = 0; i < n; i++) {
        const lrG = r(g![i]! * l);
        const v = r(r(velocity![i]! * mo) - lrG);
        velocityOut![i] = v;
        wOut![i] = w![i]! + r(r(v * mo) - lrG);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const v = r(r(velocity![i]! * mo) - r(g![i]! * l));
        velocityOut![i] = v;
        wOut![i] = w![i]! + v;
      }
    }
  },
  wasm(exports, [w, g, velocity], [wOut, velocityOut], n, [lr, momentum, nesterov]) {
    (exports as SgdSimd).update(w!, g!, velocity!, wOut!, velocityOut!, n, lr!, momentum!, nesterov!);
  },
};

/**
 * `[w, velocity]` after one SGD step with momentum, as one kernel; or undefined where no backend
 * kernel runs (then use the ops).
 */
export function fusedSgdUpdate(w: tf.Tensor, g: tf.Tensor, velocity: tf.Tensor, lr: number, momentum: number, nesterov: boolean): [tf.Tensor, tf.Tensor] | undefined {
  return runFused(SGD, [w, g, velocity], [lr, momentum, nesterov ? 1 : 0]) as [tf.Tensor, tf.Tensor] | undefined;
}
