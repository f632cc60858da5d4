import { tf } from '../../engine/tfjs.js';
import { custom } from '../../engine/linear.js';

/**
 * One time step's recurrent product `k h`, plus `addend` if given (the step's input projection):
 * `k` is (a row block of) the transposed recurrent kernel, [rows, units], `h` the transposed
 * state, [units, batch]; `kt` is `k`'s transpose (the kernel as stored), computed once per call
 * rather than once per step.
 *
 * tfjs-core's MatMul gradient multiplies with transpose flags (`dh = k^T dz`, `dk = dz h^T`), and
 * on wasm a flagged product is several times slower than a plain one; this gradient uses the
 * stored kernel for `dh` and an explicit transpose of the small state for `dk`. `kt` is not an
 * input of the node: the kernel's gradient flows through `k` only. Taking the addend in the
 * same node saves the tape's add node (its saved inputs and gradient reshapes) at every step.
 */
export function recurrentProduct(k: tf.Tensor2D, kt: tf.Tensor2D, h: tf.Tensor2D, addend?: tf.Tensor2D): tf.Tensor2D {
  const gradients = (dz: tf.Tensor2D, [kts, hs]: tf.Tensor[]) => [tf.matMul(dz, tf.transpose(hs!) as tf.Tensor2D), tf.matMul(kts as tf.Tensor2D, dz)];
  if (!addend) {
    return custom((kIn: tf.Tensor2D, hIn: tf.Tensor2D, save: tf.GradSaveFunc) => {
      save([kt, hIn]);
      return { value: tf.matMul(kIn, hIn), gradFunc: (dz, saved) => gradients(dz as tf.Tensor2D, saved) };
    })(k, h);
  }
  return custom((kIn: tf.Tensor2D, hIn: tf.Tensor2D, a: tf.Tensor2D, save: tf.GradSaveFunc) => {
    save([kt, hIn]);
    return {
      value: tf.add(a, tf.matMul(kIn, hIn)),
      // A new handle on dz for the addend: the engine may dispose a node's dy once it is used.
      gradFunc: (dz, saved) => [...gradients(dz as tf.Tensor2D, saved), tf.clone(dz)],
    };
  })(k, h, addend);
}

/**
 * The input projection of every time step, `x W + b`, for `x` [batch * time, features] and `b`
 * [width]. As `linear` (no transpose flags, no gradient for data), except the bias gradient: the
 * column sums of `dy` [batch * time, width] as one product with a row of ones. tfjs-backend-cpu
 * sums over axis 0 through a transpose and took 5.8 ms for [1280, 128] (20 steps, batch 64, an
 * LSTM of 32 units), the product 0.3 ms.
 */
export function projectInputs(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor | undefined, xNeedsGradient: boolean): tf.Tensor2D {
  const t = (m: tf.Tensor) => tf.transpose(m) as tf.Tensor2D;
  const inputs = [...(xNeedsGradient ? [x] : []), w, ...(b ? [b] : [])];
  return custom((...args: tf.Tensor[]) => {
    (args[inputs.length] as unknown as tf.GradSaveFunc)([x, w]);
    return {
      value: b ? tf.add(tf.matMul(x, w), b) : tf.matMul(x, w),
      gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [
        ...(xNeedsGradient ? [tf.matMul(dy as tf.Tensor2D, t(ws!))] : []),
        tf.matMul(t(xs!), dy as tf.Tensor2D),
        ...(b ? [tf.reshape(tf.matMul(tf.ones([1, dy.shape[0]!]) as tf.Tensor2D, dy as tf.Tensor2D), b.shape)] : []),
      ],
    };
  })(...inputs);
}
