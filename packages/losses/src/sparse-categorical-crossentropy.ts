import { RidgeError, describeValue, type JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import { crossentropyAlong } from './categorical-crossentropy.js';
import { readBoolean, type LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { perSampleMean } from './reduce.js';
import { checkSparseShapes } from './shapes.js';

export interface SparseCategoricalCrossentropyConfig extends LossConfig {
  /** Whether yPred holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
}

/**
 * Crossentropy between integer class labels (`[batch]` or `[batch, 1]`, int32 or float32 holding
 * integers) and predicted class probabilities along the last axis. The labels become one-hot
 * rows, so the gradient with respect to yPred is the categorical one.
 */
export class SparseCategoricalCrossentropy extends LossFunction {
  readonly className = 'SparseCategoricalCrossentropy' as const;
  readonly fromLogits: boolean;

  constructor(config: SparseCategoricalCrossentropyConfig = {}) {
    super('SparseCategoricalCrossentropy', config, ['fromLogits', 'ignoreClass']);
    this.fromLogits = readBoolean(`${this.className}.fromLogits`, config.fromLogits, false);
    // Keras writes ignore_class: null into every config; only that default is supported.
    const ignoreClass = (config as Record<string, unknown>)['ignoreClass'];
    if (ignoreClass != null) {
      throw new RidgeError(
        'INVALID_CONFIG',
        `${this.className}.ignoreClass is not supported; received ${describeValue(ignoreClass)}. ` +
          `Give the samples to ignore a sampleWeight of 0 instead.`,
        { className: this.className, argument: 'ignoreClass', received: ignoreClass },
      );
    }
  }

  protected override checkShapes(yTrue: readonly number[], yPred: readonly number[]): void {
    checkSparseShapes(this.className, yTrue, yPred);
  }

  /**
   * One-hot rows of the labels. A label outside [0, classes) gives a row of zeros (and so a loss
   * of 0): checking the values would need a read back from the device on every step.
   */
  protected override target(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    const classes = yPred.shape[yPred.rank - 1]!;
    const labels = tf.reshape(tf.cast(yTrue, 'int32'), yPred.shape.slice(0, -1));
    // int32 then cast: tfjs-backend-wasm 4.22's OneHot writes zeros when asked for float32.
    return tf.cast(tf.oneHot(labels, classes), 'float32');
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    return perSampleMean(crossentropyAlong(yTrue, yPred, yPred.rank - 1, this.fromLogits));
  }

  protected options(): JsonObject {
    return { fromLogits: this.fromLogits };
  }
}

export function sparseCategoricalCrossentropy(
  config?: SparseCategoricalCrossentropyConfig,
): SparseCategoricalCrossentropy {
  return new SparseCategoricalCrossentropy(config);
}
