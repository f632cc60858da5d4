import { tf } from './tfjs.js';

/**
 * `x W + b` for 2-D `x`, with a hand-written gradient. tfjs-core's MatMul gradient multiplies
 * with transpose flags, and on the wasm backend a flagged product is about six times slower than
 * an explicit transpose followed by a plain product (measured: 784x64x250, 9.5 ms against
 * 1.6 ms) — and the kernel gradient of every Dense layer is such a product. When `x` is data
 * (a model input), its gradient is not computed at all.
 *
 * The gradient is local to Ridge's layers: the global tfjs registry is left alone, so other
 * libraries in the same process keep tfjs-core's behaviour.
 */
type Grad = Parameters<typeof tf.customGrad>[0];
/** tfjs types the custom-gradient function's arguments loosely; this names them (also for recurrent-product.ts). */
export const custom = (f: (...args: never[]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] }) =>
  tf.customGrad(f as unknown as Grad) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor2D;

export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor | undefined, xNeedsGradient: boolean): tf.Tensor2D {
  const t = (m: tf.Tensor) => tf.transpose(m) as tf.Tensor2D;
  // When x is data, only the weights get gradients: x is not an input of the node, but it is
  // saved: a reshaped copy made in the forward pass (Dense on rank > 2) is freed when the forward
  // pass ends. The node's inputs, and so its gradients, are [x?, w, b?].
  const inputs = [...(xNeedsGradient ? [x] : []), w, ...(b ? [b] : [])];
  return custom((...args: tf.Tensor[]) => {
    (args[inputs.length] as unknown as tf.GradSaveFunc)([x, w]);
    return {
      value: b ? tf.add(tf.matMul(x, w), b) : tf.matMul(x, w),
      gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [
        ...(xNeedsGradient ? [tf.matMul(dy as tf.Tensor2D, t(ws!))] : []),
        tf.matMul(t(xs!), dy as tf.Tensor2D),
        ...(b ? [tf.sum(dy, 0)] : []),
      ],
    };
  })(...inputs);
}
