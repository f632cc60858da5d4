import type { L1L2Factors } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The value and gradient of penalties of the form `l1 * sum(|x|) + l2 * sum(x^2)` (L1, L2, L1L2:
 * every regularizer with `asL1L2`), computed for a training step with as few kernels as each
 * backend allows. The generic path (`apply` then `gradient`) costs five kernels and two freshly
 * uploaded scalars per L2 term, and its `sum` is the slowest reduction tfjs-backend-wasm has.
 *
 * - cpu: one kernel, a single JavaScript pass that returns the value and the gradient together.
 *   tfjs-backend-cpu's elementwise kernels go through its broadcasting code: measured on a
 *   784x250 kernel, `l2 * sum(x^2)` and `g + 2 * l2 * x` take 6.3 ms as five kernels, 0.44 ms
 *   as one pass.
 * - wasm: tfjs-backend-wasm's `Sum` is a scalar loop (178 us for 196k floats), while its average
 *   pooling is XNNPACK's vectorised kernel: viewing `x^2` as `[1, rows, 1, columns]` and pooling
 *   over the rows takes 31 us, and leaves `columns` numbers to sum. The factors are scalars kept
 *   for the fit, not uploaded per call.
 * - other backends: the same ops with a plain `sum`.
 */

const KERNEL = 'RidgeL1L2Penalty';

/** Constants kept for the life of one fit or evaluation; `dispose` frees them all. */
export class ConstantCache {
  private readonly scalars = new Map<number, tf.Scalar>();
  private readonly vectors = new Map<string, tf.Tensor1D>();

  get(value: number): tf.Scalar {
    let s = this.scalars.get(value);
    if (s === undefined || s.isDisposed) {
      s = tf.keep(tf.scalar(value));
      this.scalars.set(value, s);
    }
    return s;
  }

  vector(values: readonly number[]): tf.Tensor1D {
    const key = values.join(',');
    let v = this.vectors.get(key);
    if (v === undefined || v.isDisposed) {
      v = tf.keep(tf.tensor1d(values as number[], 'float32'));
      this.vectors.set(key, v);
    }
    return v;
  }

  dispose(): void {
    tf.dispose([...this.scalars.values(), ...this.vectors.values()]);
    this.scalars.clear();
    this.vectors.clear();
  }
}

/**
 * A scalar on the device and a factor on the host whose product is a penalty's value. Leaving the
 * factor on the host lets a step scale all its penalty values with one kernel (see `scaledStack`).
 */
export interface ScaledValue {
  readonly value: tf.Scalar;
  readonly factor: number;
}

/** The values, each times its factor, as one vector: one stack and at most one multiplication. */
export function scaledStack(values: readonly ScaledValue[], constants: ConstantCache): tf.Tensor1D {
  const stacked = tf.stack(values.map((v) => v.value)) as tf.Tensor1D;
  if (values.every((v) => v.factor === 1)) return stacked;
  const product = tf.mul(stacked, constants.vector(values.map((v) => v.factor))) as tf.Tensor1D;
  stacked.dispose();
  return product;
}

export interface L1L2Term extends ScaledValue {
  /** `value * factor` is `valueScale * (l1 * sum(|x|) + l2 * sum(x^2))`. */
  readonly value: tf.Scalar;
  /** `g + gradScale * (l1 * sign(x) + 2 * l2 * x)`, when `g` was given. */
  readonly gradient?: tf.Tensor;
}

/** What tfjs-backend-cpu offers its own kernels: typed arrays by data id, and outputs from arrays. */
interface CpuBackend {
  data: { get(dataId: tf.TensorInfo['dataId']): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

interface KernelAttrs {
  l1: number;
  l2: number;
  valueScale: number;
  gradScale: number;
}

function cpuKernel({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }): tf.TensorInfo[] {
  const cpu = backend as CpuBackend;
  const { l1, l2, valueScale, gradScale } = attrs as unknown as KernelAttrs;
  const x = inputs.x!;
  const xs = cpu.data.get(x.dataId).values as Float32Array;
  const n = xs.length;
  let sumAbs = 0;
  let sumSquares = 0;
  const outputs: tf.TensorInfo[] = [];
  if (inputs.g) {
    const gs = cpu.data.get(inputs.g.dataId).values as Float32Array;
    const out = new Float32Array(n);
    const a = gradScale * l1;
    const b = 2 * gradScale * l2;
    for (let i = 0; i < n; i++) {
      const v = xs[i]!;
      sumAbs += Math.abs(v);
      sumSquares += v * v;
      out[i] = gs[i]! + a * Math.sign(v) + b * v;
    }
    outputs.push(cpu.makeTensorInfo(x.shape.slice(), 'float32', out));
  } else {
    for (let i = 0; i < n; i++) {
      const v = xs[i]!;
      sumAbs += Math.abs(v);
      sumSquares += v * v;
    }
  }
  // As Keras, a factor of 0 contributes nothing, even where the other sum is infinite.
  const value = valueScale * ((l1 !== 0 ? l1 * sumAbs : 0) + (l2 !== 0 ? l2 * sumSquares : 0));
  outputs.unshift(cpu.makeTensorInfo([], 'float32', new Float32Array([value])));
  return outputs;
}

function ensureCpuKernel(): void {
  if (!tf.getKernel(KERNEL, 'cpu')) {
    tf.registerKernel({ kernelName: KERNEL, backendName: 'cpu', kernelFunc: cpuKernel as unknown as tf.KernelFunc });
  }
}

/**
 * `sum(x) / count` and `count`: on wasm, a mean by average pooling over all but the last axis
 * (see the module comment); elsewhere `count` is 1.
 */
function reduce(x: tf.Tensor, wasm: boolean): { partial: tf.Tensor; count: number } {
  const columns = x.shape[x.rank - 1] ?? 1;
  const rows = x.size / Math.max(columns, 1);
  if (!wasm || x.rank < 2 || rows < 2 || x.size < 4096) return { partial: tf.sum(x), count: 1 };
  const pooled = tf.avgPool(tf.reshape(x, [1, rows, 1, columns]) as tf.Tensor4D, [rows, 1], 1, 'valid');
  return { partial: tf.sum(pooled), count: rows };
}

/**
 * One L1L2-form penalty term of `x`: its value times `valueScale`, and, given `g`, the gradient
 * `g` plus `gradScale` times the penalty's gradient. Neither is recorded for backprop.
 */
export function l1l2Term(
  x: tf.Tensor,
  factors: L1L2Factors,
  options: { gradient?: tf.Tensor; valueScale?: number; gradScale?: number; constants: ConstantCache },
): L1L2Term {
  const { l1, l2 } = factors;
  const valueScale = options.valueScale ?? 1;
  const gradScale = options.gradScale ?? 1;
  const g = options.gradient;
  const backend = tf.getBackend();
  if (backend === 'cpu' && x.dtype === 'float32' && (!g || g.dtype === 'float32')) {
    ensureCpuKernel();
    const attrs = { l1, l2, valueScale, gradScale } as unknown as tf.NamedAttrMap;
    const out = tf.engine().runKernel(KERNEL, g ? { x, g } : { x }, attrs) as tf.Tensor[];
    return { value: out[0] as tf.Scalar, factor: 1, gradient: out[1] };
  }
  const c = options.constants;
  let factor = 1;
  const result = tf.tidy(() => {
    const xf = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    const wasm = backend === 'wasm';
    const sums: { partial: tf.Tensor; factor: number }[] = [];
    if (l1 !== 0) {
      const { partial, count } = reduce(tf.abs(xf), wasm);
      sums.push({ partial, factor: l1 * valueScale * count });
    }
    if (l2 !== 0) {
      const { partial, count } = reduce(tf.square(xf), wasm);
      sums.push({ partial, factor: l2 * valueScale * count });
    }
    let value: tf.Tensor;
    if (sums.length === 1) {
      // The usual case (L1 or L2): the factor stays on the host.
      value = sums[0]!.partial;
      factor = sums[0]!.factor;
    } else if (sums.length === 2) {
      value = tf.add(tf.mul(sums[0]!.partial, c.get(sums[0]!.factor)), tf.mul(sums[1]!.partial, c.get(sums[1]!.factor)));
    } else value = tf.zeros([]);
    if (!g) return { value: value as tf.Scalar };
    let gradient = g;
    if (l1 !== 0) gradient = tf.add(gradient, tf.mul(tf.sign(xf), c.get(gradScale * l1)));
    if (l2 !== 0) gradient = tf.add(gradient, tf.mul(xf, c.get(2 * gradScale * l2)));
    return { value: value as tf.Scalar, gradient };
  });
  return { ...result, factor };
}
