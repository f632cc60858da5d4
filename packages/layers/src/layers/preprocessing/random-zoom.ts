import type { JsonObject } from '@ridge/core';
import { argKeys } from '../../engine/arg-keys.js';
import { between, givenFactor, readFactor, type Draw, type FactorRange } from './augment.js';
import { RandomAffineLayer, type RandomAffineArgs } from './random-affine.js';

export interface RandomZoomArgs extends RandomAffineArgs {
  /** The vertical zoom: each image's scale is `1 + u`, `u` drawn from `[-|f|, |f|]` for a number f in [-1, 1], or from `[lower, upper]`, each in [-1, 1]. Positive zooms out. */
  heightFactor: FactorRange;
  /** The horizontal zoom, as `heightFactor`; `null` or absent keeps the aspect ratio (the vertical scale for both). */
  widthFactor?: FactorRange | null;
}

/**
 * Keras 3 `RandomZoom`: in training, each image is scaled about its center by `zy = 1 + u`
 * vertically and `zx = 1 + v` horizontally (`zx = zy` without `widthFactor`): output pixel (x, y)
 * samples the input at `(zx x + (width - 1) / 2 (1 - zx), zy y + (height - 1) / 2 (1 - zy))`, so a
 * scale above 1 shows more of the image (zooms out). Inference returns the images.
 */
export class RandomZoom extends RandomAffineLayer {
  static override readonly className = 'RandomZoom';
  static override readonly argKeys = argKeys<RandomZoomArgs>()(['heightFactor'], ['widthFactor', 'fillMode', 'interpolation', 'fillValue', 'seed', 'dataFormat']);
  readonly heightFactor: number | readonly [number, number];
  readonly widthFactor: number | readonly [number, number] | null;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number] | null;

  constructor(args: RandomZoomArgs) {
    super(args);
    this.heightRange = readFactor(this, 'heightFactor', args.heightFactor, -1, 1);
    const width = args.widthFactor ?? null;
    this.widthRange = width === null ? null : readFactor(this, 'widthFactor', width, -1, 1);
    this.heightFactor = givenFactor(args.heightFactor);
    this.widthFactor = width === null ? null : givenFactor(width);
  }

  protected transforms(n: number, height: number, width: number, draw: Draw): number[][] {
    const u = draw(2 * n);
    return Array.from({ length: n }, (_, b) => {
      const zy = 1 + between(this.heightRange, u[2 * b]!);
      const zx = this.widthRange ? 1 + between(this.widthRange, u[2 * b + 1]!) : zy;
      return [zx, 0, ((width - 1) / 2) * (1 - zx), 0, zy, ((height - 1) / 2) * (1 - zy), 0, 0];
    });
  }

  protected override layerConfig(): JsonObject {
    const widthFactor = this.widthFactor === null ? null : givenFactor(this.widthFactor);
    return { heightFactor: givenFactor(this.heightFactor), widthFactor, ...this.affineConfig() };
  }
}

/** Creates a RandomZoom layer. */
export function randomZoom(args: RandomZoomArgs): RandomZoom {
  return new RandomZoom(args);
}
