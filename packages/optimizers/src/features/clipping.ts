/*
 * `@ridge/optimizers/clipping`: the `clipNorm`, `globalClipNorm` and `clipValue` options of every
 * optimizer. Importing this module installs them; `@ridge/optimizers` imports it for you. Without
 * it, an optimizer from `@ridge/optimizers/base` given one of them throws `FEATURE_NOT_LOADED`.
 */
import { RidgeError, checkNumber, describeValue } from '@ridge/core';
import { addN, clipByValue, div, maximum, mul, sqrt, square, sum, type Tensor } from '@tensorflow/tfjs-core';
import { installFeature, type ClipSettings } from '../features.js';
import type { OptimizerConfig } from '../optimizer-base.js';

function checkClip(argument: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  return checkNumber(argument, value, { min: 0, minExclusive: true });
}

/** Validates the clip options, and makes the step's clipping for the one that is set. */
export function clipSettings(config: OptimizerConfig): ClipSettings {
  const clipNorm = checkClip('clipNorm', config.clipNorm);
  const globalClipNorm = checkClip('globalClipNorm', config.globalClipNorm);
  const clipValue = checkClip('clipValue', config.clipValue);
  const clips = { clipNorm, globalClipNorm, clipValue };
  const set = Object.entries(clips).filter(([, v]) => v !== null);
  if (set.length > 1) {
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `Only one of clipNorm, globalClipNorm and clipValue can be set (as in Keras); received ` +
        `${set.map(([k, v]) => `${k} = ${describeValue(v)}`).join(', ')}.`,
      { argument: set[1]![0], received: clips },
    );
  }
  if (clipNorm !== null) {
    return {
      ...clips,
      clip: (grads, constant) => {
        const c = constant(clipNorm);
        return grads.map((g) => mul(g, div(c, maximum(sqrt(sum(square(g))), c))));
      },
    };
  }
  if (globalClipNorm !== null) {
    return {
      ...clips,
      clip: (grads, constant) => {
        const c = constant(globalClipNorm);
        const norm = sqrt(addN(grads.map((g) => sum(square(g)))));
        const scale = div(c, maximum(norm, c));
        return grads.map((g) => mul(g, scale));
      },
    };
  }
  if (clipValue !== null) {
    return { ...clips, clip: (grads: Tensor[]) => grads.map((g) => clipByValue(g, -clipValue, clipValue)) };
  }
  return clips;
}

installFeature('clipping', { check: clipSettings });
