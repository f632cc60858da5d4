import * as tf from '@tensorflow/tfjs-core';
import { CLASSES, oneHot, PIXELS, type Digits } from './digits.js';

/** Images as a [count, 784] tensor and labels as one-hot rows, [count, 10]. */
export function toTensors(d: Digits): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return { x: tf.tensor2d(d.images, [d.count, PIXELS]), y: tf.tensor2d(oneHot(d.labels), [d.count, CLASSES]) };
}
