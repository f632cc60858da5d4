import type { JsonObject } from '@ridge/core';
import { argKeys } from '../../engine/arg-keys.js';
import { between, givenFactor, readFactor, type Draw, type FactorRange } from './augment.js';
import { RandomAffineLayer, type RandomAffineArgs } from './random-affine.js';

export interface RandomTranslationArgs extends RandomAffineArgs {
  /** The vertical shift as a fraction of the height: a number f in [-1, 1] draws from `[-|f|, |f|]`; or `[lower, upper]`, each in [-1, 1]. Positive shifts down. */
  heightFactor: FactorRange;
  /** The horizontal shift as a fraction of the width, as `heightFactor`. Positive shifts right. */
  widthFactor: FactorRange;
}

/**
 * Keras 3 `RandomTranslation`: in training, each image is shifted by `dy = u * height` rows and
 * `dx = v * width` columns (fractions, so bilinear shifts blend neighbours), `u` and `v` drawn
 * uniformly from the two factor ranges; output pixel (x, y) samples the input at (x - dx, y - dy).
 * Inference returns the images.
 */
export class RandomTranslation extends RandomAffineLayer {
  static override readonly className = 'RandomTranslation';
  static override readonly argKeys = argKeys<RandomTranslationArgs>()(
    ['heightFactor', 'widthFactor'],
    ['fillMode', 'interpolation', 'fillValue', 'seed', 'dataFormat'],
  );
  readonly heightFactor: number | readonly [number, number];
  readonly widthFactor: number | readonly [number, number];
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number];

  constructor(args: RandomTranslationArgs) {
    super(args);
    this.heightRange = readFactor(this, 'heightFactor', args.heightFactor, -1, 1);
    this.widthRange = readFactor(this, 'widthFactor', args.widthFactor, -1, 1);
    this.heightFactor = givenFactor(args.heightFactor);
    this.widthFactor = givenFactor(args.widthFactor);
  }

  protected transforms(n: number, height: number, width: number, draw: Draw): number[][] {
    const u = draw(2 * n);
    return Array.from({ length: n }, (_, b) => {
      const dy = between(this.heightRange, u[2 * b]!) * height;
      const dx = between(this.widthRange, u[2 * b + 1]!) * width;
      return [1, 0, -dx, 0, 1, -dy, 0, 0];
    });
  }

  protected override layerConfig(): JsonObject {
    return { heightFactor: givenFactor(this.heightFactor), widthFactor: givenFactor(this.widthFactor), ...this.affineConfig() };
  }
}

/** Creates a RandomTranslation layer. */
export function randomTranslation(args: RandomTranslationArgs): RandomTranslation {
  return new RandomTranslation(args);
}
