import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, type Described } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { checkDataFormat, type DataFormat } from '../conv/conv-utils.js';
import { floatInput } from '../float-input.js';
import { readSeed, SeedStream } from '../misc/seeds.js';
import { expectImages, type ResizeInterpolation } from './resize.js';

/** How an affine transform fills points outside the image, as Keras 3 (TensorFlow's `ImageProjectiveTransformV3`). */
export type FillMode = 'reflect' | 'wrap' | 'constant' | 'nearest';

/** A factor range: a number, or `[lower, upper]`. */
export type FactorRange = number | readonly [number, number];

export interface RandomImageArgs extends LayerArgs {
  /** Makes the sequence of random draws reproducible (each call draws anew, as Keras 3's SeedGenerator). */
  seed?: number | null;
  /** Only `'channels_last'` (the default): `[batch, height, width, channels]`. */
  dataFormat?: DataFormat | null;
}

/** `count` numbers drawn uniformly from [0, 1), reproducibly for a given seed. */
export type Draw = (count: number) => number[];

/**
 * Keras 3's image augmentation layers: in training (`fit`, or `apply(x, { training: true })`)
 * each image of the batch gets its own random draw; in inference the images pass unchanged
 * (read as float32). The draws are read back to plain numbers, from which the geometry is built.
 */
export abstract class RandomImageLayer extends Layer {
  readonly seed: number | undefined;
  readonly dataFormat: DataFormat;
  private readonly seeds: SeedStream;

  constructor(args: RandomImageArgs) {
    super(args);
    this.seed = readSeed(this, args.seed);
    this.seeds = new SeedStream(this.seed);
    this.dataFormat = checkDataFormat(this, args.dataFormat);
  }

  override build(inputShape: Shape | Shape[]): void {
    expectImages(this, inputShape as Shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    expectImages(this, inputShape as Shape);
    return inputShape as Shape;
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    expectImages(this, x.shape);
    const images = floatInput(x) as tf.Tensor4D;
    return this.transform(images, ctx.training, (count) => {
      const u = tf.randomUniform([count], 0, 1, 'float32', this.seeds.next());
      const values = Array.from(u.dataSync());
      u.dispose();
      return values;
    });
  }

  /** The images, augmented in training with numbers from `draw`. */
  protected transform(images: tf.Tensor4D, training: boolean, draw: Draw): tf.Tensor4D {
    return training ? this.augment(images, draw) : images;
  }

  protected abstract augment(images: tf.Tensor4D, draw: Draw): tf.Tensor4D;

  protected imageConfig(): JsonObject {
    return { seed: this.seed ?? null, dataFormat: this.dataFormat };
  }
}

/**
 * Reads a factor range as Keras 3: a number `f` in `[min, max]` is `[-|f|, |f|]` (`[f, f]` when
 * `symmetric` is false), a list of two numbers in `[min, max]` is sorted.
 */
export function readFactor(owner: Described, argument: string, value: unknown, min: number, max: number, symmetric = true): [number, number] {
  const inRange = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
  if (inRange(value)) return symmetric ? [-Math.abs(value), Math.abs(value)] : [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every(inRange)) {
    const [a, b] = value as [number, number];
    return a <= b ? [a, b] : [b, a];
  }
  throw layerArgError(owner, argument, value, `a number in [${min}, ${max}] or a list of two such numbers [lower, upper]`);
}

/** Reads a factor as given (a number or a pair), for a config that keeps it as written. */
export function givenFactor(value: FactorRange): number | [number, number] {
  return typeof value === 'number' ? value : [value[0], value[1]];
}

/** Reads a `[low, high]` value range of pixel values: two finite numbers, sorted. */
export function readValueRange(owner: Described, value: unknown): [number, number] {
  if (value === undefined || value === null) return [0, 255];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const [a, b] = value as [number, number];
    return a <= b ? [a, b] : [b, a];
  }
  throw layerArgError(owner, 'valueRange', value, 'a list of two numbers [low, high], such as [0, 255] or [0, 1]');
}

export function readFillMode(owner: Described, value: unknown): FillMode {
  if (value === undefined) return 'reflect';
  if (value === 'reflect' || value === 'wrap' || value === 'constant' || value === 'nearest') return value;
  throw layerArgError(owner, 'fillMode', value, "'reflect', 'wrap', 'constant' or 'nearest'");
}

export function readInterpolation(owner: Described, value: unknown): ResizeInterpolation {
  if (value === undefined) return 'bilinear';
  if (value === 'bilinear' || value === 'nearest') return value;
  throw layerArgError(owner, 'interpolation', value, "'bilinear' or 'nearest'");
}

export function readFillValue(owner: Described, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw layerArgError(owner, 'fillValue', value, 'a finite number (the value of points outside the image, with fillMode constant)');
}

/** A uniform draw `u` in [0, 1) moved to `[lower, upper]`. */
export function between([lower, upper]: readonly [number, number], u: number): number {
  return lower + u * (upper - lower);
}

/**
 * TensorFlow's `map_coordinate` (ImageProjectiveTransformV3): a sampling coordinate outside
 * `[0, len - 1]` brought back in by the fill mode, then clamped (constant keeps it outside).
 * Wrap uses `len - 1` as TensorFlow does.
 */
function mapCoord(v: number, len: number, mode: FillMode): number {
  if (mode === 'constant') return v;
  if (mode !== 'nearest' && len > 1) {
    if (mode === 'reflect') {
      const sz2 = 2 * len;
      if (v < 0) {
        v += sz2 * Math.trunc(-v / sz2);
        v = v < -len ? v + sz2 : -v - 1;
      } else if (v > len - 1) {
        v -= sz2 * Math.trunc(v / sz2);
        if (v >= len) v = sz2 - v - 1;
      }
    } else if (v < 0) {
      v += len * (Math.trunc(-v / (len - 1)) + 1);
    } else if (v > len - 1) {
      v -= len * Math.trunc(v / (len - 1));
    }
  }
  return Math.min(Math.max(v, 0), len - 1);
}

/**
 * Keras 3's `affine_transform` of `[batch, height, width, channels]` images (TensorFlow's
 * `ImageProjectiveTransformV3`): output pixel (x, y) of image b samples the input at
 * `((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`, `k = c0 x + c1 y + 1`, for its transform
 * `[a0, a1, a2, b0, b1, b2, c0, c1]`, nearest (rounded half away from zero) or bilinear, with
 * `fillValue` for taps outside the image. The taps are computed here and gathered, so the images
 * get a gradient: tfjs-core 4.22's `image.transform` fills every image after the first with
 * `fillValue` on cpu, rounds -0.5 up, and its wasm kernel reflects differently from TensorFlow.
 */
export function affineTransform(
  images: tf.Tensor4D,
  transforms: readonly (readonly number[])[],
  interpolation: ResizeInterpolation,
  fillMode: FillMode,
  fillValue: number,
): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  const taps = interpolation === 'nearest' ? 1 : 4;
  const pixels = n * h * w;
  const index = new Int32Array(pixels * taps);
  const weight = new Float32Array(pixels * taps);
  const fill = new Float32Array(pixels);
  for (let b = 0; b < n; b++) {
    const [a0, a1, a2, b0, b1, b2, c0, c1] = transforms[b]!;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = (b * h + y) * w + x;
        const read = (tap: number, row: number, col: number, wt: number): void => {
          if (row >= 0 && row < h && col >= 0 && col < w) {
            index[p * taps + tap] = (b * h + row) * w + col;
            weight[p * taps + tap] = wt;
          } else fill[p]! += wt;
        };
        const k = c0! * x + c1! * y + 1;
        if (k === 0) {
          fill[p] = 1;
          continue;
        }
        const inX = mapCoord((a0! * x + a1! * y + a2!) / k, w, fillMode);
        const inY = mapCoord((b0! * x + b1! * y + b2!) / k, h, fillMode);
        if (interpolation === 'nearest') {
          read(0, Math.sign(inY) * Math.round(Math.abs(inY)), Math.sign(inX) * Math.round(Math.abs(inX)), 1);
          continue;
        }
        const y0 = Math.floor(inY);
        const x0 = Math.floor(inX);
        const dy = inY - y0;
        const dx = inX - x0;
        read(0, y0, x0, (1 - dy) * (1 - dx));
        read(1, y0, x0 + 1, (1 - dy) * dx);
        read(2, y0 + 1, x0, dy * (1 - dx));
        read(3, y0 + 1, x0 + 1, dy * dx);
      }
    }
  }
  return tf.tidy(() => {
    const gathered = tf.gather(tf.reshape(images, [pixels, c]), tf.tensor1d(index, 'int32'));
    let out = tf.sum(tf.mul(tf.reshape(gathered, [pixels, taps, c]), tf.tensor3d(weight, [pixels, taps, 1])), 1);
    if (fillValue !== 0) out = tf.add(out, tf.mul(tf.tensor2d(fill, [pixels, 1]), fillValue));
    return tf.reshape(out, [n, h, w, c]);
  });
}
