import type { JsonObject } from '@ridge/core';
import { argKeys } from '../../engine/arg-keys.js';
import { between, readFactor, type Draw, type FactorRange } from './augment.js';
import { RandomAffineLayer, type RandomAffineArgs } from './random-affine.js';

export interface RandomRotationArgs extends RandomAffineArgs {
  /** The angle as a fraction of a full turn: a number f in [-1, 1] draws from `[-|f|, |f|] * 2 pi`; or `[lower, upper]`, each in [-1, 1]. Positive turns counter-clockwise. */
  factor: FactorRange;
}

/**
 * Keras 3 `RandomRotation`: in training, each image is turned about its center
 * `((width - 1) / 2, (height - 1) / 2)` by an angle `a = u * 2 pi`, `u` drawn uniformly from
 * `[lower, upper]`: output pixel (x, y) samples the input at
 * `(cos a x - sin a y + ox, sin a x + cos a y + oy)`, with the offsets that keep the center in
 * place. Inference returns the images.
 */
export class RandomRotation extends RandomAffineLayer {
  static override readonly className = 'RandomRotation';
  static override readonly argKeys = argKeys<RandomRotationArgs>()(['factor'], ['fillMode', 'interpolation', 'fillValue', 'seed', 'dataFormat']);
  /** `[lower, upper]`. */
  readonly factor: readonly [number, number];

  constructor(args: RandomRotationArgs) {
    super(args);
    this.factor = readFactor(this, 'factor', args.factor, -1, 1);
  }

  protected transforms(n: number, height: number, width: number, draw: Draw): number[][] {
    const [h, w] = [height - 1, width - 1];
    return draw(n).map((u) => {
      const angle = between(this.factor, u) * 2 * Math.PI;
      const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
      return [cos, -sin, (w - (cos * w - sin * h)) / 2, sin, cos, (h - (sin * w + cos * h)) / 2, 0, 0];
    });
  }

  protected override layerConfig(): JsonObject {
    return { factor: [...this.factor], ...this.affineConfig() };
  }
}

/** Creates a RandomRotation layer. */
export function randomRotation(args: RandomRotationArgs): RandomRotation {
  return new RandomRotation(args);
}
