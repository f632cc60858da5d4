import { RidgeError } from '@ridge/core';
import { who } from '../../engine/errors.js';
import type { Layer } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import { expectRank } from './conv-utils.js';

/**
 * The output shape of Cropping2D/3D on channels-last inputs: each spatial size less the
 * `[before, after]` cut off it. SHAPE_MISMATCH (after the rank check) when a known size is not
 * larger than what is cut off it, as Keras.
 */
export function croppedShape(owner: Layer, inputShape: Shape, cropping: readonly (readonly [number, number])[], axes: readonly string[]): Shape {
  const shape = inputShape;
  expectRank(owner, shape, cropping.length);
  const spatial = cropping.map(([before, after], axis) => {
    const d = shape[axis + 1] ?? null;
    if (d !== null && d <= before + after) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `${who(owner)}: cropping ${JSON.stringify(cropping)} leaves nothing of inputs of shape ${formatShape(shape)}: ` +
          `each cropped size must be below the input's (${before} + ${after} >= ${d} on the ${axes[axis]} axis); crop less or pass larger inputs.`,
        { layer: owner.name, argument: 'inputs', received: shape },
      );
    }
    return d === null ? null : d - before - after;
  });
  return [shape[0] ?? null, ...spatial, shape[cropping.length + 1] ?? null];
}
