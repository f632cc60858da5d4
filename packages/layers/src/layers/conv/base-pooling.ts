import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { checkDataFormat, checkPadding, expectRank, normalizeTuple, samePadding, spatialOutput, type DataFormat, type Padding } from './conv-utils.js';
import { argKeys } from '../../engine/arg-keys.js';
import { pool3d } from './pool3d.js';
import { floatInput } from '../float-input.js';

export interface PoolingArgs extends LayerArgs {
  /** Window size: one integer for every spatial axis, or one per axis. Default 2. */
  poolSize?: number | readonly number[];
  /** Default (or `null`): the pool size, so windows do not overlap. */
  strides?: number | readonly number[] | null;
  /** `'valid'` (default) or `'same'`. */
  padding?: Padding;
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
}

export type PoolMode = 'max' | 'avg';

/** The shared part of the max and average pooling layers, 1-D, 2-D and 3-D. */
export abstract class Pooling extends Layer {
  static override readonly className: string = 'Pooling';
  static override readonly argKeys = argKeys<PoolingArgs>()([], ['poolSize', 'strides', 'padding', 'dataFormat']);
  readonly poolSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  private readonly spatialRank: number;
  private readonly mode: PoolMode;

  protected constructor(spatialRank: number, mode: PoolMode, args: PoolingArgs) {
    super(args);
    this.spatialRank = spatialRank;
    this.mode = mode;
    this.poolSize = normalizeTuple(this, 'poolSize', args.poolSize ?? 2, spatialRank, 1);
    this.strides = args.strides === undefined || args.strides === null ? [...this.poolSize] : normalizeTuple(this, 'strides', args.strides, spatialRank, 1);
    this.padding = checkPadding(this, args.padding, ['valid', 'same']);
    this.dataFormat = checkDataFormat(this, args.dataFormat);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.computeOutputShape(inputShape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, this.spatialRank);
    const spatial = spatialOutput(this, shape, this.poolSize, this.strides, this.poolSize.map(() => 1), this.padding, 'poolSize');
    return [shape[0] ?? null, ...spatial, shape[shape.length - 1] ?? null];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    // A mean is a float: int32 and bool inputs are averaged as float32 (tfjs-core's avgPool takes
    // float32 only); max pooling keeps the input's dtype.
    const x = this.mode === 'avg' ? floatInput(inputs as tf.Tensor) : (inputs as tf.Tensor);
    this.computeOutputShape(x.shape);
    if (this.spatialRank === 2) return pool2d(x as tf.Tensor4D, this.poolSize, this.strides, this.padding, this.mode);
    if (this.spatialRank === 3) return pool3d(x as tf.Tensor5D, this.poolSize, this.strides, this.padding, this.mode);
    // tfjs-core has no 1-D pooling: pool [batch, 1, steps, channels] with a 1 x n window.
    const [batch, steps, channels] = x.shape as [number, number, number];
    const y = pool2d(tf.reshape(x, [batch, 1, steps, channels]), [1, this.poolSize[0]!], [1, this.strides[0]!], this.padding, this.mode);
    return tf.reshape(y, [batch, y.shape[2], channels]);
  }

  protected override layerConfig(): JsonObject {
    return { poolSize: [...this.poolSize], padding: this.padding, strides: [...this.strides], dataFormat: this.dataFormat };
  }
}

function pool2d(x: tf.Tensor4D, window: readonly number[], strides: readonly number[], padding: Padding, mode: PoolMode): tf.Tensor4D {
  const size: [number, number] = [window[0]!, window[1]!];
  const step: [number, number] = [strides[0]!, strides[1]!];
  if (mode === 'max') return tf.maxPool(x, size, step, padding);
  if (padding === 'valid') return tf.avgPool(x, size, step, 'valid');
  // Average pooling with 'same' padding divides each window by the number of real (unpadded)
  // inputs in it, as TensorFlow does. tfjs's AvgPool gradient divides by the full window size
  // instead, so border gradients come out wrong; pad explicitly and divide by a constant count.
  const pads = [1, 2].map((axis) => samePadding(x.shape[axis]!, size[axis - 1]!, step[axis - 1]!));
  if (pads.every(([before, after]) => before === 0 && after === 0)) return tf.avgPool(x, size, step, 'valid');
  const paddings: [number, number][] = [[0, 0], pads[0]!, pads[1]!, [0, 0]];
  const means = tf.avgPool(tf.pad(x, paddings), size, step, 'valid');
  const realFraction = tf.avgPool(tf.pad(tf.ones([1, x.shape[1], x.shape[2], 1]), paddings) as tf.Tensor4D, size, step, 'valid');
  return tf.div(means, realFraction);
}
