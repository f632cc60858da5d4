import type { tf } from './tfjs.js';
import { runFused, type FusedKernel } from './fused-kernels.js';
import { RMSPROP_SIMD } from './rmsprop-simd.js';

/** The exports of `rmsprop-simd.wat`. */
interface RmspropSimd {
  update(
    w: number, g: number, vel: number, mom: number, avg: number,
    wOut: number, velOut: number, momOut: number, avgOut: number, n: number,
    lr: number, rho: number, oneMinusRho: number, epsilon: number, momentum: number, centered: number, hasMomentum: number,
  ): void;
}

/** The options of one RMSprop step (an RMSprop has them). */
export interface RMSpropFactors {
  readonly learningRate: number;
  readonly rho: number;
  readonly epsilon: number;
  /** > 0 keeps a momentum slot; 0 none. */
  readonly momentum: number;
  readonly centered: boolean;
}

/**
 * RMSprop's update of one weight (plain, centered, with momentum, or both) as one kernel, where a
 * backend allows (see fused-kernels.ts): one pass over `w`, `g` and the slots instead of 8 to 15
 * elementwise kernels, in float32 in the order of RMSprop's ops (bit for bit their results).
 * cpu: a JavaScript pass; wasm: `rmsprop-simd.wat`. Inputs `[w, g, velocity, momentum?, average?]`
 * (RMSprop's slot order); constants `[lr, rho, 1 - rho, epsilon, momentum, centered, hasMomentum]`.
 */
const RMSPROP: FusedKernel = {
  name: 'RidgeRMSpropUpdate',
  simd: RMSPROP_SIMD,
  cpu([w, g, vel, ...rest], [wOut, velOut, ...restOut], [lr, rho, omr, epsilon, momentum, centered, hasMomentum]) {
    const r = Math.fround;
    const [l, rh, om, e, mo] = [lr!, rho!, omr!, epsilon!, momentum!];
    const mom = hasMomentum ? rest[0] : undefined;
    const momOut = hasMomentum ? restOut[0] : undefined;
    const avg = centered ? rest[hasMomentum ? 1 : 0] : undefined;
    const avgOut = centered ? restOut[hasMomentum ? 1 : 0] : undefined;
    for (let i = 0; i < w!.length; i++) {
      const gi = g![i]!;
      const v = r(r(vel![i]! * rh) + r(r(gi * gi) * om));
      velOut![i] = v;
      let d: number;
      if (avg) {
        const a = r(r(avg[i]! * rh) + r(gi * om));
        avgOut![i] = a;
        d = r(r(v - r(a * a)) + e);
      } else {
        d = r(v + e);
      }
      let increment = r(r(gi * l) / r(Math.sqrt(d)));
      if (mom) {
        increment = r(r(mom[i]! * mo) + increment);
        momOut![i] = increment;
      }
      wOut![i] = w![i]! - increment;
    }
  },
  wasm(exports, [w, g, vel, ...rest], [wOut, velOut, ...restOut], n, [lr, rho, omr, epsilon, momentum, centered, hasMomentum]) {
    const [mom, momOut] = hasMomentum ? [rest[0]!, restOut[0]!] : [0, 0];
    const [avg, avgOut] = centered ? [rest[hasMomentum ? 1 : 0]!, restOut[hasMomentum ? 1 : 0]!] : [0, 0];
    (exports as RmspropSimd).update(w!, g!, vel!, mom, avg, wOut!, velOut!, momOut, avgOut, n, lr!, rho!, omr!, epsilon!, momentum!, centered!, hasMomentum!);
  },
};

/**
 * `[w, ...slots]` after one RMSprop step, from `[velocity, momentum?, average?]` (RMSprop's slots),
 * as one kernel; or undefined where no backend kernel runs (then use the ops).
 */
export function fusedRmspropUpdate(w: tf.Tensor, g: tf.Tensor, slots: readonly tf.Tensor[], factors: RMSpropFactors): tf.Tensor[] | undefined {
  const { learningRate, rho, epsilon, momentum, centered } = factors;
  const hasMomentum = momentum > 0;
  if (slots.length !== 1 + (hasMomentum ? 1 : 0) + (centered ? 1 : 0)) return undefined;
  // 1 - rho in float64, then float32: as RMSprop's constant scalar.
  return runFused(RMSPROP, [w, g, ...slots], [learningRate, rho, 1 - rho, epsilon, momentum, centered ? 1 : 0, hasMomentum ? 1 : 0]);
}
