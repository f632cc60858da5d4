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
/** tfjs types the custom-gradient function's arguments loosely; this names them. */
const custom = (f: (...args: never[]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] }) =>
  tf.customGrad(f as unknown as Grad) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor2D;

export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor | undefined, xNeedsGradient: boolean): tf.Tensor2D {
  const t = (m: tf.Tensor) => tf.transpose(m);
  if (xNeedsGradient) {
    if (b) {
      return custom((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor, save: tf.GradSaveFunc) => {
        save([xi, wi]);
        return {
          value: tf.add(tf.matMul(xi as tf.Tensor2D, wi as tf.Tensor2D), bi),
          gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, t(ws!) as tf.Tensor2D), tf.matMul(t(xs!) as tf.Tensor2D, dy as tf.Tensor2D), tf.sum(dy, 0)],
        };
      })(x, w, b);
    }
    return custom((xi: tf.Tensor, wi: tf.Tensor, save: tf.GradSaveFunc) => {
      save([xi, wi]);
      return {
        value: tf.matMul(xi as tf.Tensor2D, wi as tf.Tensor2D),
        gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, t(ws!) as tf.Tensor2D), tf.matMul(t(xs!) as tf.Tensor2D, dy as tf.Tensor2D)],
      };
    })(x, w);
  }
  // x is data: only the weights get gradients. x is not an input of the node, but it is saved: a
  // reshaped copy made in the forward pass (Dense on rank > 2) is freed when the forward pass ends.
  if (b) {
    return custom((wi: tf.Tensor, bi: tf.Tensor, save: tf.GradSaveFunc) => {
      save([x]);
      return {
        value: tf.add(tf.matMul(x, wi as tf.Tensor2D), bi),
        gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) => [tf.matMul(t(xs!) as tf.Tensor2D, dy as tf.Tensor2D), tf.sum(dy, 0)],
      };
    })(w, b);
  }
  return custom((wi: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: tf.matMul(x, wi as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) => [tf.matMul(t(xs!) as tf.Tensor2D, dy as tf.Tensor2D)],
    };
  })(w);
}
