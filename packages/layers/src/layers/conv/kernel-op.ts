import { tf } from '../../engine/tfjs.js';

type Grad = Parameters<typeof tf.customGrad>[0];

/** A convolution-like op of an input and a kernel whose gradients Ridge computes itself. */
export interface KernelOpParts<T extends tf.Tensor> {
  /** The op's value. */
  forward(x: T, kernel: T): T;
  /** `dL/dx` from `dy` and the saved input and kernel. */
  inputGradient(dy: T, x: T, kernel: T): T;
  /** `dL/dkernel` from `dy`, the saved input and the kernel's shape. */
  kernelGradient(dy: T, x: T, kernelShape: T['shape']): T;
}

/**
 * `parts.forward(x, kernel)` with the gradients of `parts` instead of tfjs-core's. When the input
 * needs no gradient (it is data, such as a model input), only the kernel is an input of the node
 * and `inputGradient` is never called; `x` is still saved, because a padded or reshaped copy made
 * in the forward pass is freed when the forward pass ends.
 */
export function withOwnGradients<T extends tf.Tensor>(x: T, kernel: T, parts: KernelOpParts<T>, inputNeedsGradient: boolean): T {
  if (inputNeedsGradient) {
    const f = (xi: T, ki: T, save: tf.GradSaveFunc) => {
      save([xi, ki]);
      return {
        value: parts.forward(xi, ki),
        gradFunc: (dy: T, [xs, ks]: tf.Tensor[]) => [parts.inputGradient(dy, xs as T, ks as T), parts.kernelGradient(dy, xs as T, ks!.shape)],
      };
    };
    return (tf.customGrad(f as unknown as Grad) as unknown as (a: T, b: T) => T)(x, kernel);
  }
  const f = (ki: T, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: parts.forward(x, ki),
      gradFunc: (dy: T, [xs]: tf.Tensor[]) => [parts.kernelGradient(dy, xs as T, ki.shape)],
    };
  };
  return (tf.customGrad(f as unknown as Grad) as unknown as (k: T) => T)(kernel);
}
