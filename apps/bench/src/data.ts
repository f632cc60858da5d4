import * as tf from '@tensorflow/tfjs-core';

/** A small seeded generator (mulberry32): the same seed gives the same data on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Dataset {
  /** Inputs, `[samples, ...sampleShape]`. */
  readonly x: tf.Tensor;
  /** One-hot labels, `[samples, classes]`. */
  readonly y: tf.Tensor2D;
  readonly samples: number;
}

/**
 * Inputs uniform in [0, 1) (pixel-like), labels the argmax of a fixed random projection of the
 * first features, so that training has something to learn. The labels are one-hot encoded in
 * JavaScript: tfjs-backend-wasm 4.22's OneHot returns zeros for float32 output.
 */
export function syntheticData(sampleShape: readonly number[], classes: number, samples: number, seed: number): Dataset {
  const random = seededRandom(seed);
  const size = sampleShape.reduce((a, b) => a * b, 1);
  const xs = new Float32Array(samples * size);
  for (let i = 0; i < xs.length; i++) xs[i] = random();
  const used = Math.min(size, 16);
  const projection = Float64Array.from({ length: used * classes }, () => random() * 2 - 1);
  const ys = new Float32Array(samples * classes);
  for (let s = 0; s < samples; s++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      let score = 0;
      for (let j = 0; j < used; j++) score += (xs[s * size + j]! - 0.5) * projection[j * classes + c]!;
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    ys[s * classes + best] = 1;
  }
  return { x: tf.tensor(xs, [samples, ...sampleShape]), y: tf.tensor2d(ys, [samples, classes]), samples };
}
