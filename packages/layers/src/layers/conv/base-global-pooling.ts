import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import type { PoolMode } from './base-pooling.js';
import { checkDataFormat, expectRank, type DataFormat } from './conv-utils.js';
import { argKeys } from '../../engine/arg-keys.js';

export interface GlobalPoolingArgs extends LayerArgs {
  /** Keep the pooled spatial axes with size 1 (`[batch, 1, 1, channels]`); default false. */
  keepdims?: boolean;
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
}

/** The shared part of the global max and average pooling layers, 1-D, 2-D and 3-D. */
export abstract class GlobalPooling extends Layer {
  static override readonly className: string = 'GlobalPooling';
  static override readonly argKeys = argKeys<GlobalPoolingArgs>()([], ['keepdims', 'dataFormat']);
  readonly keepdims: boolean;
  readonly dataFormat: DataFormat;
  private readonly spatialRank: number;
  private readonly mode: PoolMode;

  protected constructor(spatialRank: number, mode: PoolMode, args: GlobalPoolingArgs) {
    super(args);
    this.spatialRank = spatialRank;
    this.mode = mode;
    if (args.keepdims !== undefined && typeof args.keepdims !== 'boolean') throw layerArgError(this, 'keepdims', args.keepdims, 'true or false');
    this.keepdims = args.keepdims ?? false;
    this.dataFormat = checkDataFormat(this, args.dataFormat);
  }

  override build(inputShape: Shape | Shape[]): void {
    expectRank(this, inputShape as Shape, this.spatialRank);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, this.spatialRank);
    const channels = shape[shape.length - 1] ?? null;
    const ones = this.keepdims ? new Array<number>(this.spatialRank).fill(1) : [];
    return [shape[0] ?? null, ...ones, channels];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    expectRank(this, x.shape, this.spatialRank);
    const axes = Array.from({ length: this.spatialRank }, (_, i) => i + 1);
    return this.mode === 'max' ? tf.max(x, axes, this.keepdims) : tf.mean(x, axes, this.keepdims);
  }

  protected override layerConfig(): JsonObject {
    return { dataFormat: this.dataFormat, keepdims: this.keepdims };
  }
}
