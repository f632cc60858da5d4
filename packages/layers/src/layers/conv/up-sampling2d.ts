import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { argKeys } from '../../engine/arg-keys.js';
import { layerArgError } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { checkDataFormat, expectRank, normalizeTuple, type DataFormat } from './conv-utils.js';

export type Interpolation = 'nearest' | 'bilinear';

export interface UpSampling2DArgs extends LayerArgs {
  /** The factor for height and width: one integer for both, or `[height, width]`; default 2. */
  size?: number | readonly number[];
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
  /**
   * `'nearest'` (default): every pixel repeated. `'bilinear'`: Keras's, with half-pixel centers
   * (TensorFlow 2's `tf.image.resize`), which tfjs-layers' is not.
   */
  interpolation?: Interpolation;
}

/**
 * Scales `[batch, height, width, channels]` images up by whole factors. Each axis is one linear
 * map (a matrix of `out x in` interpolation weights), so the layer is two matrix products whose
 * gradient every backend has; tfjs-core's `ResizeBilinearGrad` ignores half-pixel centers.
 */
export class UpSampling2D extends Layer {
  static override readonly className: string = 'UpSampling2D';
  static override readonly argKeys = argKeys<UpSampling2DArgs>()([], ['size', 'dataFormat', 'interpolation']);
  readonly size: readonly number[];
  readonly dataFormat: DataFormat;
  readonly interpolation: Interpolation;

  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    this.size = normalizeTuple(this, 'size', args.size ?? 2, 2, 1);
    this.dataFormat = checkDataFormat(this, args.dataFormat);
    const interpolation = args.interpolation ?? 'nearest';
    if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
      throw layerArgError(this, 'interpolation', args.interpolation, "'nearest' or 'bilinear' (Keras's bicubic and lanczos are not supported)");
    }
    this.interpolation = interpolation;
  }

  override build(inputShape: Shape | Shape[]): void {
    expectRank(this, inputShape as Shape, 2);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, 2);
    const scale = (d: number | null, f: number) => (d === null ? null : d * f);
    return [shape[0] ?? null, scale(shape[1] ?? null, this.size[0]!), scale(shape[2] ?? null, this.size[1]!), shape[3] ?? null];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor4D;
    expectRank(this, x.shape, 2);
    const [n, h, w, c] = x.shape;
    const [sh, sw] = [this.size[0]!, this.size[1]!];
    if (sh === 1 && sw === 1) return tf.clone(x);
    // Height: [h, n * w * c] -> [h * sh, n * w * c], then width the same way.
    const rows = tf.matMul(interpolationMatrix(h, sh, this.interpolation), tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [h, n * w * c]));
    const tall = tf.reshape(rows, [h * sh, n, w, c]);
    const cols = tf.matMul(interpolationMatrix(w, sw, this.interpolation), tf.reshape(tf.transpose(tall, [2, 1, 0, 3]), [w, n * h * sh * c]));
    return tf.transpose(tf.reshape(cols, [w * sw, n, h * sh, c]), [1, 2, 0, 3]);
  }

  protected override layerConfig(): JsonObject {
    return { size: [...this.size], dataFormat: this.dataFormat, interpolation: this.interpolation };
  }
}

/**
 * The `[length * factor, length]` weights of one axis. Nearest: output o copies input
 * `floor(o / factor)`. Bilinear with half-pixel centers: output o samples the input at
 * `(o + 0.5) / factor - 0.5`, clamped to `[0, length - 1]`, between its two nearest inputs.
 */
export function interpolationMatrix(length: number, factor: number, interpolation: Interpolation): tf.Tensor2D {
  const out = length * factor;
  const m = new Float32Array(out * length);
  for (let o = 0; o < out; o++) {
    if (interpolation === 'nearest') {
      m[o * length + Math.floor(o / factor)] = 1;
      continue;
    }
    const at = Math.min(Math.max((o + 0.5) / factor - 0.5, 0), length - 1);
    const lo = Math.floor(at);
    const hi = Math.min(lo + 1, length - 1);
    const t = at - lo;
    m[o * length + lo] = m[o * length + lo]! + 1 - t;
    m[o * length + hi] = m[o * length + hi]! + t;
  }
  return tf.tensor2d(m, [out, length]);
}

/** Creates an UpSampling2D layer. */
export function upSampling2d(args: UpSampling2DArgs = {}): UpSampling2D {
  return new UpSampling2D(args);
}
